#!/usr/bin/env bash
# The Kubernetes deployment without a cluster (none can run here offline):
#   1. deploy/kubernetes/*.yaml validated against the Kubernetes 1.33 schemas (kubernetes-validate,
#      installed by scripts/setup.sh, strict: unknown fields fail);
#   2. assertions on what the Indexed Job means (indexed completions matching --shards, per-index
#      retries, a failed-index limit, volumes for data and models, usage errors fail the Job);
#   3. the container's own command run once per index with JOB_COMPLETION_INDEX set, as the
#      pods would, over a generated manifest with one damaged input, then the merge Job's command.
#
#   scripts/test_kubernetes.sh VEIL_BINARY
set -euo pipefail
veil=$(realpath "${1:?usage: test_kubernetes.sh VEIL_BINARY}")
here=$(cd "$(dirname "$0")/.." && pwd)
job=$here/deploy/kubernetes/veil-indexed-job.yaml
merge=$here/deploy/kubernetes/veil-merge-job.yaml
venv=${XDG_CACHE_HOME:-$HOME/.cache}/veil-setup/venv-k8s
say() { printf '[kubernetes-test] %s\n' "$*"; }
fail() { say "FAIL: $*"; exit 1; }
[ -x "$venv/bin/kubernetes-validate" ] || fail "kubernetes-validate missing (run scripts/setup.sh)"

"$venv/bin/kubernetes-validate" --strict --quiet -k 1.33.0 "$job" "$merge" || fail "schema validation"
say "schemas (1.33, strict): valid"

work=$(mktemp -d /tmp/veil-k8s-XXXXXX)
trap 'rm -rf "$work"' EXIT
# The container's command, with the pod's mounts (/data, /models) mapped to folders here.
"$venv/bin/python" - "$job" "$merge" "$work" <<'PY'
import re, sys, yaml
job, merge, work = yaml.safe_load(open(sys.argv[1])), yaml.safe_load(open(sys.argv[2])), sys.argv[3]
spec = job["spec"]
pod = spec["template"]["spec"]
container = pod["containers"][0]
script = container["command"][-1]
shards = int(re.search(r"--shards (\d+)", script).group(1))
assert spec["completionMode"] == "Indexed", "not an Indexed Job"
assert spec["completions"] == shards, f"completions {spec['completions']} != --shards {shards}"
assert 1 <= spec["parallelism"] <= spec["completions"]
assert spec["backoffLimitPerIndex"] >= 1 and 1 <= spec["maxFailedIndexes"] < shards
assert pod["restartPolicy"] == "Never", "backoffLimitPerIndex needs restartPolicy Never"
rules = spec["podFailurePolicy"]["rules"]
assert any(r["action"] == "FailJob" and r["onExitCodes"]["values"] == [2] for r in rules), "usage errors must fail the Job"
assert any(r["action"] == "Ignore" and r["onPodConditions"][0]["type"] == "DisruptionTarget" for r in rules)
mounts = {m["name"]: m for m in container["volumeMounts"]}
volumes = {v["name"]: v for v in pod["volumes"]}
assert mounts["data"]["mountPath"] == "/data" and "persistentVolumeClaim" in volumes["data"]
assert mounts["models"]["mountPath"] == "/models" and mounts["models"]["readOnly"] is True
assert "--models-dir /models" in script and "/data/manifest.txt" in script and "-o /data/anon" in script
assert "--shard " not in script, "the shard index must come from JOB_COMPLETION_INDEX"
merge_command = merge["spec"]["template"]["spec"]["containers"][0]["command"]
assert merge_command == ["veil", "batch", "merge", "/data/anon"], merge_command
mapped = script.replace("/data", f"{work}/data").replace("/models", f"{work}/models")
open(f"{work}/pod.sh", "w").write(mapped)
open(f"{work}/shards", "w").write(str(shards))
PY
say "meaning: Indexed, completions = --shards, per-index retries, data and models volumes"

shards=$(cat "$work/shards")
mkdir -p "$work/data/cams"
ln -s /usr/local/share/veil/models "$work/models"
for name in a b c; do cp /usr/local/share/veil/fixtures/astronaut.png "$work/data/cams/$name.png"; done
printf 'not a picture' > "$work/data/broken.jpg"
printf 'cams/a.png\nbroken.jpg\ncams/b.png\n{"input": "cams/c.png", "options": {"targets": ["face"]}}\n' \
  > "$work/data/manifest.txt"
export PATH="$(dirname "$veil"):$PATH"
# The pods run concurrently, as the Job's parallelism lets them (four at a time here: most
# shards are empty and their time is the binary's start, not CPU).
run_pod() {
  JOB_COMPLETION_INDEX=$1 sh "$work/pod.sh" 2>"$work/pod-$1.log" \
    || { cat "$work/pod-$1.log"; echo "pod $1 failed" >"$work/pod-$1.failed"; }
}
export -f run_pod
export work
seq 0 $(( shards - 1 )) | xargs -P 4 -I{} bash -c 'run_pod {}'
failed=$(find "$work" -maxdepth 1 -name 'pod-*.failed' | wc -l)
[ "$failed" = 0 ] || fail "$failed pods exited non-zero"
say "$shards pods ran (exit 0 each; broken.jpg's shard ended with the failure in its report)"
set +e
veil batch merge "$work/data/anon" 2>"$work/merge.log"
status=$?
set -e
[ "$status" = 1 ] || { cat "$work/merge.log"; fail "merge should exit 1, got $status"; }
grep -q 'item 1 broken.jpg (shard 1): failed' "$work/merge.log" || { cat "$work/merge.log"; fail "broken.jpg not named"; }
for name in a b c; do [ -s "$work/data/anon/cams/$name.png" ] || fail "missing cams/$name.png"; done
say "merge: 3 outputs, broken.jpg named, exit 1"
say "ok"
