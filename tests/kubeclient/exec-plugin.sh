#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A credential plugin like aws or gke-gcloud-auth-plugin for tst_execcredential, driven by files
# next to it: it counts its runs, records what it was given, and answers according to "mode" with
# a token that expires after "ttl" seconds.
dir="$(dirname "$0")"
n=$(( $(cat "$dir/count" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$dir/count"
printf '%s' "$KUBERNETES_EXEC_INFO" > "$dir/execinfo"
printf '%s\n' "$@" > "$dir/args"
printf '%s' "$PLUGIN_GREETING" > "$dir/env"
api=$(printf '%s' "$KUBERNETES_EXEC_INFO" | sed -n 's/.*"apiVersion":"\([^"]*\)".*/\1/p')
case "$(cat "$dir/mode" 2>/dev/null)" in
fail) echo "error: the SSO session has expired; run: aws sso login" >&2; exit 3 ;;
sleep) echo "waiting for the browser" >&2; sleep 30 ;;
garbage) echo "secret-looking-output" ;;
wrong-version) api=client.authentication.k8s.io/v1alpha1 ;;
esac
ttl=$(cat "$dir/ttl" 2>/dev/null || echo 3600)
exp=$(date -u -d "+${ttl} seconds" +%Y-%m-%dT%H:%M:%SZ)
printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"token-%d","expirationTimestamp":"%s"}}\n' "$api" "$n" "$exp"
