# SPDX-License-Identifier: Apache-2.0
# Sourced by scripts/demo and scripts/screenshot: starts the built demo cluster with its Prometheus
# in a temporary folder and stops it when the calling script exits.
#   democluster_start [ARGS]  sets DEMO_WORK (the folder) and DEMO_KUBECONFIG, or exits with the log;
#                             ARGS go to meshdeck-democluster (e.g. --services 2000); the binary
#                             is $MESHDECK_BUILD_DIR's (default build/default)

democluster_start() {
  DEMO_WORK=$(mktemp -d -t meshdeck-demo.XXXXXX)
  DEMO_KUBECONFIG=$DEMO_WORK/kubeconfig
  "${MESHDECK_BUILD_DIR:-build/default}/democluster/meshdeck-democluster" --port 0 --kubeconfig-out "$DEMO_KUBECONFIG" \
    --prometheus auto "$@" >"$DEMO_WORK/ready" 2>"$DEMO_WORK/democluster.log" &
  DEMO_PID=$!
  trap democluster_stop EXIT

  # A large mesh is ready later: its Prometheus scrapes every 15 s, and ready means two scrapes.
  for _ in $(seq 1 1200); do
    grep -q "ready" "$DEMO_WORK/ready" 2>/dev/null && break
    if ! kill -0 "$DEMO_PID" 2>/dev/null; then
      echo "the demo cluster failed to start:" >&2
      cat "$DEMO_WORK/democluster.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  grep -q "ready" "$DEMO_WORK/ready" || { echo "the demo cluster did not become ready in 120 s" >&2; exit 1; }
  cat "$DEMO_WORK/ready"
}

democluster_stop() {
  kill "$DEMO_PID" 2>/dev/null && wait "$DEMO_PID" 2>/dev/null
  rm -rf "$DEMO_WORK"
}
