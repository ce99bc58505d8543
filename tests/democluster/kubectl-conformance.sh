#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The real kubectl against the real meshdeck-democluster binary: discovery, apply (twice), get in
# every form, the patch types, server-side apply with a conflict, a watch seeing another client,
# jobs and their logs, delete, both users' permissions, and a restart with --state-dir. Every
# command's output is checked, not only its exit code. Run by CTest (kubectl_conformance).
#
# usage: kubectl-conformance.sh PATH/TO/meshdeck-democluster PATH/TO/istio-samples
set -u

BINARY=${1:?the meshdeck-democluster binary}
SAMPLES=${2:?the istio-samples folder}
KUBECTL=${KUBECTL:-kubectl}
command -v "$KUBECTL" >/dev/null || { echo "SKIP: kubectl is not installed"; exit 77; }

WORK=$(mktemp -d)
CLUSTER_PID=
WATCH_PID=
cleanup() {
    [ -n "$WATCH_PID" ] && kill "$WATCH_PID" 2>/dev/null
    [ -n "$CLUSTER_PID" ] && kill "$CLUSTER_PID" 2>/dev/null && wait "$CLUSTER_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

export KUBECONFIG="$WORK/kubeconfig" KUBECACHEDIR="$WORK/cache" HOME="$WORK"
FAILURES=0
CHECKS=0

fail() {
    echo "FAIL: $1"
    FAILURES=$((FAILURES + 1))
}

# expect DESCRIPTION EXIT_CODE REGEX -- COMMAND...: runs kubectl, checks its exit code and that
# its stdout+stderr match the (extended) regex.
expect() {
    local what=$1 code=$2 pattern=$3
    shift 4
    local out status
    local started=$SECONDS
    out=$("$KUBECTL" "$@" 2>&1)
    status=$?
    [ $((SECONDS - started)) -ge 2 ] && echo "slow ($((SECONDS - started)) s): kubectl $*"
    CHECKS=$((CHECKS + 1))
    if [ "$status" != "$code" ]; then
        fail "$what: exit $status, wanted $code: kubectl $*"$'\n'"$out"
    elif ! grep -Eq -- "$pattern" <<<"$out"; then
        fail "$what: output does not match /$pattern/: kubectl $*"$'\n'"$out"
    else
        echo "ok: $what"
    fi
    LAST="$out"
}

# Every line of the last output matches the regex.
expect_every_line() {
    local what=$1 pattern=$2
    CHECKS=$((CHECKS + 1))
    if [ -z "$LAST" ] || grep -Evq -- "$pattern" <<<"$LAST"; then
        fail "$what: not every line matches /$pattern/:"$'\n'"$LAST"
    else
        echo "ok: $what"
    fi
}

start_cluster() {
    "$BINARY" --port 0 --kubeconfig-out "$KUBECONFIG" --prometheus off --state-dir "$WORK/state" \
        >"$WORK/ready" 2>>"$WORK/cluster.log" &
    CLUSTER_PID=$!
    for _ in $(seq 1 300); do
        grep -q "ready server=" "$WORK/ready" 2>/dev/null && return 0
        kill -0 "$CLUSTER_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "FAIL: the demo cluster did not start"; cat "$WORK/cluster.log"
    exit 1
}

stop_cluster() {
    kill "$CLUSTER_PID" && wait "$CLUSTER_PID"
    local status=$?
    CLUSTER_PID=
    CHECKS=$((CHECKS + 1))
    [ "$status" = 0 ] || fail "the demo cluster exited with $status on SIGTERM"
}

start_cluster

# --- discovery ---------------------------------------------------------------------------------
expect "api-resources lists the served kinds" 0 '^jobs +batch/v1 +true +Job$' -- api-resources
for row in '^virtualservices +vs +networking.istio.io/v1 +true +VirtualService$' \
           '^destinationrules +dr +networking.istio.io/v1 +true +DestinationRule$' \
           '^gateways +gw +networking.istio.io/v1 +true +Gateway$' \
           '^httproutes +gateway.networking.k8s.io/v1 +true +HTTPRoute$' \
           '^leases +coordination.k8s.io/v1 +true +Lease$' \
           '^endpoints +ep +v1 +true +Endpoints$' '^configmaps +cm +v1 +true +ConfigMap$' \
           '^secrets +v1 +true +Secret$' '^events +ev +v1 +true +Event$' \
           '^serviceaccounts +sa +v1 +true +ServiceAccount$' '^pods +po +v1 +true +Pod$'; do
    CHECKS=$((CHECKS + 1))
    grep -Eq -- "$row" <<<"$LAST" || fail "api-resources lacks /$row/"
done
expect "api-resources by category" 0 '^virtualservices\.networking\.istio\.io$' -- api-resources --categories=istio-io -o name
expect "get all: pods, services and deployments" 0 'deployment.apps/reviews-v2 +1/1 +1 +1 ' -- get all -n bookinfo
CHECKS=$((CHECKS + 1))
grep -Eq '^pod/ratings-v1-[0-9a-f]{10}-[a-z0-9]{5} +2/2 +Running +0 ' <<<"$LAST" && grep -Eq '^service/reviews +ClusterIP ' <<<"$LAST" \
    || fail "get all lacks the bookinfo pods or services:"$'\n'"$LAST"
expect "get pods,vs,dr prints server-side columns" 0 'destinationrule.networking.istio.io/reviews +reviews ' \
    -- get pods,vs,dr -n bookinfo
CHECKS=$((CHECKS + 1))
grep -Eq '^NAME +GATEWAYS +HOSTS +AGE$' <<<"$LAST" || fail "no VirtualService header:"$'\n'"$LAST"
expect "Istio kinds at v1beta1" 0 '^networking.istio.io/v1beta1 reviews$' \
    -- get virtualservices.v1beta1.networking.istio.io reviews -n bookinfo -o 'jsonpath={.apiVersion} {.metadata.name}'
expect "endpoints follow the pods" 0 '^reviews +10\.244\.[0-9.]+:9080,10\.244\.[0-9.]+:9080,10\.244\.[0-9.]+:9080 ' \
    -- get endpoints reviews -n bookinfo --no-headers

# --- apply, twice --------------------------------------------------------------------------------
printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: conformance\n' >"$WORK/namespace.yaml"
expect "apply a namespace" 0 '^namespace/conformance created$' -- apply -f "$WORK/namespace.yaml"
for file in "$SAMPLES"/*.yaml; do
    expect "apply $(basename "$file")" 0 ' (created|configured)$' -- apply -n conformance -f "$file"
    expect_every_line "apply $(basename "$file"): every object" ' (created|configured)$'
    expect "apply $(basename "$file") again" 0 ' unchanged$' -- apply -n conformance -f "$file"
    expect_every_line "apply $(basename "$file") again: nothing changed" ' unchanged$'
done

# An Istio Gateway at v1alpha3 (as older manifests have it) and a Gateway API HTTPRoute.
cat >"$WORK/gateways.yaml" <<'EOF'
apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata:
  name: bookinfo-gateway
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 8080, name: http, protocol: HTTP}
    hosts: ["*"]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: reviews
spec:
  parentRefs:
  - {group: "", kind: Service, name: reviews, port: 9080}
  hostnames: [reviews]
  rules:
  - backendRefs:
    - {name: reviews-v1, port: 9080, weight: 90}
    - {name: reviews-v2, port: 9080, weight: 10}
EOF
expect "apply a v1alpha3 Gateway and an HTTPRoute" 0 '^httproute.gateway.networking.k8s.io/reviews created$' \
    -- apply -n conformance -f "$WORK/gateways.yaml"
expect "apply them again" 0 '^gateway.networking.istio.io/bookinfo-gateway unchanged$' -- apply -n conformance -f "$WORK/gateways.yaml"
expect "get httproute" 0 '^reviews +\["reviews"\] +[0-9]+[smh]$' -- get httproute -n conformance
expect "the Gateway is served at v1" 0 '^networking.istio.io/v1$' -- get gw bookinfo-gateway -n conformance -o 'jsonpath={.apiVersion}'

# --- get: table, json, yaml ----------------------------------------------------------------------
expect "get vs as a table" 0 '^reviews +\["reviews"\] +[0-9]+[smh]$' -- get vs -n conformance
expect "get vs -o json" 0 '"kind": "VirtualService"' -- get vs reviews -n conformance -o json
CHECKS=$((CHECKS + 1))
grep -q '"kubectl.kubernetes.io/last-applied-configuration"' <<<"$LAST" && grep -q '"uid": "' <<<"$LAST" \
    && grep -q '"creationTimestamp": "' <<<"$LAST" || fail "get -o json lacks server fields:"$'\n'"$LAST"
expect "get dr -o yaml" 0 '^apiVersion: networking.istio.io/v1$' -- get dr reviews -n conformance -o yaml
CHECKS=$((CHECKS + 1))
grep -Eq '^  generation: 1$' <<<"$LAST" && grep -Eq '^    name: v3$' <<<"$LAST" || fail "get -o yaml lacks subsets:"$'\n'"$LAST"
expect "get services has cluster IPs" 0 '^reviews +ClusterIP +10\.97\.[0-9]+\.[0-9]+ +<none> +9080/TCP ' \
    -- get svc -n conformance

# --- patches -------------------------------------------------------------------------------------
expect "patch --type merge" 0 '^virtualservice.networking.istio.io/reviews patched$' -- patch vs reviews -n conformance \
    --type merge -p '{"spec":{"http":[{"route":[{"destination":{"host":"reviews","subset":"v1"},"weight":50},{"destination":{"host":"reviews","subset":"v3"},"weight":50}]}]}}'
expect "merge patch landed" 0 '^v1=50 v3=50 gen=[2-9]$' -- get vs reviews -n conformance \
    -o 'jsonpath=v1={.spec.http[0].route[0].weight} v3={.spec.http[0].route[1].weight} gen={.metadata.generation}'
expect "patch --type json" 0 '^virtualservice.networking.istio.io/reviews patched$' -- patch vs reviews -n conformance \
    --type json -p '[{"op":"replace","path":"/spec/http/0/route/0/weight","value":90},{"op":"replace","path":"/spec/http/0/route/1/weight","value":10}]'
expect "json patch landed" 0 '^90/10$' -- get vs reviews -n conformance -o 'jsonpath={.spec.http[0].route[0].weight}/{.spec.http[0].route[1].weight}'
expect "json patch with a failing test op" 1 'The request is invalid: the server rejected our request' -- patch vs reviews -n conformance --type json \
    -p '[{"op":"test","path":"/metadata/resourceVersion","value":"1"},{"op":"remove","path":"/spec/http"}]'
expect "strategic merge patch on a custom resource is refused" 1 \
    'application/strategic-merge-patch\+json is not supported by networking.istio.io/v1, Kind=VirtualService' \
    -- patch vs reviews -n conformance -p '{"metadata":{"labels":{"x":"y"}}}'
expect "strategic merge patch on a deployment" 0 '^deployment.apps/reviews-v2 patched$' -- patch deploy reviews-v2 -n conformance \
    -p '{"spec":{"template":{"spec":{"containers":[{"name":"reviews","env":[{"name":"MODE","value":"conformance"}]}]}}}}'
expect "the containers were merged by name" 0 '^reviews=docker.io/istio/examples-bookinfo-reviews-v2' -- get deploy reviews-v2 \
    -n conformance -o 'jsonpath={.spec.template.spec.containers[0].name}={.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].env}'
CHECKS=$((CHECKS + 1))
grep -q '"name":"MODE","value":"conformance"' <<<"$LAST" && grep -q 'LOG_DIR' <<<"$LAST" || fail "env not merged by name: $LAST"
expect "the changed template rolls the pods" 0 'successfully rolled out' -- rollout status deploy/reviews-v2 -n conformance --timeout=30s
expect "the new pods carry the new template" 0 '^conformance$' -- get pods -n conformance -l app=reviews,version=v2 \
    -o 'jsonpath={.items[*].spec.containers[0].env[?(@.name=="MODE")].value}'

# --- server-side apply ---------------------------------------------------------------------------
cat >"$WORK/ssa.yaml" <<'EOF'
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ssa-demo
spec:
  hosts: [ratings]
  http:
  - route:
    - destination: {host: ratings, subset: v1}
EOF
expect "apply --server-side creates" 0 '^virtualservice.networking.istio.io/ssa-demo serverside-applied$' \
    -- apply --server-side -n conformance -f "$WORK/ssa.yaml"
expect "managedFields name the applier" 0 '^kubectl/Apply$' -- get vs ssa-demo -n conformance \
    -o 'jsonpath={.metadata.managedFields[0].manager}/{.metadata.managedFields[0].operation}'
expect "apply --server-side again" 0 'serverside-applied' -- apply --server-side -n conformance -f "$WORK/ssa.yaml"
expect "another manager takes the route" 0 'patched' -- patch vs ssa-demo -n conformance --type merge \
    -p '{"spec":{"http":[{"route":[{"destination":{"host":"ratings","subset":"v2"}}]}]}}'
expect "apply --server-side conflicts with it" 1 \
    'Apply failed with 1 conflict: conflict with "kubectl-patch" using networking.istio.io/v1: \.spec\.http' \
    -- apply --server-side -n conformance -f "$WORK/ssa.yaml"
expect "the conflict changed nothing" 0 '^v2$' -- get vs ssa-demo -n conformance -o 'jsonpath={.spec.http[0].route[0].destination.subset}'
expect "apply --server-side --force-conflicts" 0 'serverside-applied' -- apply --server-side --force-conflicts -n conformance -f "$WORK/ssa.yaml"
expect "the forced value is stored" 0 '^v1$' -- get vs ssa-demo -n conformance -o 'jsonpath={.spec.http[0].route[0].destination.subset}'

# --- watch sees another client's change ----------------------------------------------------------
"$KUBECTL" get vs ratings -n conformance -w --output-watch-events >"$WORK/watch" 2>&1 &
WATCH_PID=$!
for _ in $(seq 1 300); do grep -q '^ADDED ' "$WORK/watch" 2>/dev/null && break; sleep 0.1; done
expect "another client labels the object" 0 'labeled' -- label vs ratings -n conformance watched=yes
for _ in $(seq 1 300); do grep -q '^MODIFIED ' "$WORK/watch" && break; sleep 0.1; done
kill "$WATCH_PID" 2>/dev/null; wait "$WATCH_PID" 2>/dev/null; WATCH_PID=
CHECKS=$((CHECKS + 1))
grep -Eq '^EVENT +NAME' "$WORK/watch" && grep -Eq '^MODIFIED +ratings +\["ratings"\] ' "$WORK/watch" \
    || fail "get -w did not see the change:"$'\n'"$(cat "$WORK/watch")"

# --- jobs and logs -------------------------------------------------------------------------------
job() { # NAME EXIT_CODE
    printf '%s\n' "apiVersion: batch/v1" "kind: Job" "metadata:" "  name: $1" "  annotations:" \
        "    meshdeck.io/simulated-duration: \"1\"" "    meshdeck.io/simulated-exit-code: \"$2\"" "spec:" "  backoffLimit: 0" \
        "  template:" "    spec:" "      restartPolicy: Never" "      containers:" "      - name: task" \
        "        image: busybox:1.36" "        command: [sh, -c, \"echo $1\"]" >"$WORK/$1.yaml"
    expect "create job $1" 0 "^job.batch/$1 created$" -- apply -n conformance -f "$WORK/$1.yaml"
}
job migrate 0
job broken 3
expect "a job completes" 0 '^job.batch/migrate condition met$' -- wait --for=condition=complete job/migrate -n conformance --timeout=30s
expect "a job fails" 0 '^job.batch/broken condition met$' -- wait --for=condition=failed job/broken -n conformance --timeout=30s
expect "get jobs" 0 '^migrate +Complete +1/1 +[0-9.]+s ' -- get jobs -n conformance
CHECKS=$((CHECKS + 1))
grep -Eq '^broken +Failed +0/1 ' <<<"$LAST" || fail "the failed job is not listed as Failed:"$'\n'"$LAST"
expect "logs job/NAME" 0 '^Completed successfully after [0-9.]+s$' -- logs job/migrate -n conformance
CHECKS=$((CHECKS + 1))
grep -q '^+ sh -c echo migrate$' <<<"$LAST" || fail "the job log lacks its command:"$'\n'"$LAST"
POD=$("$KUBECTL" get pods -n conformance -l job-name=broken -o 'jsonpath={.items[0].metadata.name}')
expect "logs POD of the failed job" 0 '^Error: exited with code 3 after ' -- logs "$POD" -n conformance
expect "the failed pod's status" 0 "^$POD +0/1 +Error +0 " -- get pod "$POD" -n conformance --no-headers
expect "logs --tail of a deployment's pod" 0 '^Ready to serve requests$' -- logs deploy/ratings-v1 -c ratings -n bookinfo --tail=1
expect "events of the job controller" 0 'SuccessfulCreate +job/migrate +Created pod: migrate-' -- get events -n conformance

# --- delete --------------------------------------------------------------------------------------
expect "delete -f" 0 '^destinationrule.networking.istio.io "reviews" deleted' \
    -- delete -n conformance -f "$SAMPLES/destination-rule-all.yaml"
expect "deleted objects are gone" 0 'No resources found in conformance namespace.' -- get dr -n conformance
expect "delete a job" 0 '^job.batch "broken" deleted$' -- delete job broken -n conformance

# --- users ---------------------------------------------------------------------------------------
expect "admin can-i patch" 0 '^yes$' -- --context meshdeck-demo auth can-i patch virtualservices -n conformance
expect "viewer can-i patch" 1 '^no$' -- --context meshdeck-demo-viewer auth can-i patch virtualservices -n conformance
expect "viewer can-i read logs" 0 '^yes$' -- --context meshdeck-demo-viewer auth can-i get pods --subresource=log -n conformance
expect "admin whoami" 0 '^Username +meshdeck-admin$' -- --context meshdeck-demo auth whoami
expect "viewer whoami" 0 '^Groups +\[meshdeck:viewers system:authenticated\]$' -- --context meshdeck-demo-viewer auth whoami
expect "a viewer's write is refused" 1 \
    '^Error from server \(Forbidden\): virtualservices.networking.istio.io "reviews" is forbidden: User "meshdeck-viewer" cannot delete resource "virtualservices" in API group "networking.istio.io" in the namespace "conformance"$' \
    -- --context meshdeck-demo-viewer delete vs reviews -n conformance
expect "a viewer's apply is refused" 1 'is forbidden: User "meshdeck-viewer" cannot patch resource "virtualservices"' \
    -- --context meshdeck-demo-viewer apply --server-side -n conformance -f "$WORK/ssa.yaml"
expect "a viewer reads" 0 '^virtualservice.networking.istio.io/reviews$' -- --context meshdeck-demo-viewer get vs reviews -n conformance -o name

# --- restart with --state-dir ---------------------------------------------------------------------
BEFORE=$("$KUBECTL" get vs ratings -n conformance -o 'jsonpath={.metadata.resourceVersion}')
stop_cluster
start_cluster
expect "state survives a restart" 0 "^yes $BEFORE\$" -- get vs ratings -n conformance \
    -o 'jsonpath={.metadata.labels.watched} {.metadata.resourceVersion}'
expect "writes after the restart get newer versions" 0 'labeled' -- label vs ratings -n conformance restarted=yes
AFTER=$("$KUBECTL" get vs ratings -n conformance -o 'jsonpath={.metadata.resourceVersion}')
CHECKS=$((CHECKS + 1))
[ "$AFTER" -gt "$BEFORE" ] 2>/dev/null || fail "resourceVersion went from $BEFORE to $AFTER across the restart"
expect "the job is still complete" 0 '^migrate +Complete +1/1 ' -- get jobs -n conformance --no-headers

echo "$CHECKS checks, $FAILURES failed"
[ "$FAILURES" = 0 ]
