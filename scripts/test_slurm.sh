#!/usr/bin/env bash
# `veil batch` on a real single-node Slurm cluster (Debian's slurmctld + slurmd, installed by
# scripts/setup.sh): started here without systemd on a throw-away configuration, then
# deploy/slurm/submit.sh runs a generated manifest (one damaged input) as job arrays split by
# MaxArraySize, with the merge chained by --dependency=afterok and waited for (sbatch --wait).
# Checks every output and the merged report, deletes one output, resubmits, and checks that only
# that item was redone. Every daemon started here is stopped on the way out, failure included.
#
#   scripts/test_slurm.sh VEIL_BINARY
#
# Authentication: auth/none + cred/none (Slurm 22.05 in Debian 12 still ships both plugins), so
# no munge daemon is needed; proctrack/linuxproc and task/none need no cgroups. Skips (exit 0,
# with the reason) when the daemons are missing or this is not root (slurmd must be).
set -euo pipefail
veil=$(realpath "${1:?usage: test_slurm.sh VEIL_BINARY}")
here=$(cd "$(dirname "$0")/.." && pwd)
say() { printf '[slurm-test] %s\n' "$*"; }
fail() { say "FAIL: $*"; exit 1; }

for tool in slurmctld slurmd sbatch scontrol; do
  command -v "$tool" >/dev/null || { say "SKIP: $tool is not installed (scripts/setup.sh installs it)"; exit 0; }
done
[ "$(id -u)" = 0 ] || { say "SKIP: slurmd must run as root here"; exit 0; }
fixture=/usr/local/share/veil/fixtures/astronaut.png
[ -f "$fixture" ] || fail "missing $fixture (run scripts/setup.sh)"

work=$(mktemp -d /tmp/veil-slurm-XXXXXX)
export SLURM_CONF=$work/slurm.conf
ctld_pid="" slurmd_pid=""
stop() {
  local status=$?
  # Only the daemons this script started, by their pid files.
  timeout 10 scontrol shutdown >/dev/null 2>&1 || true
  for pidfile in "$work/slurmctld.pid" "$work/slurmd.pid"; do
    [ -f "$pidfile" ] || continue
    local pid; pid=$(cat "$pidfile")
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  done
  if [ "$status" != 0 ]; then
    say "logs:"; tail -n 20 "$work"/log/*.log "$work"/out/*.log 2>/dev/null || true
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap stop EXIT

# Ports from this process's id, so two test runs on one machine do not meet.
base=$(( 20000 + ($$ % 2000) * 2 ))
mkdir -p "$work/state" "$work/spool" "$work/log" "$work/data/cams" "$work/out"
cat > "$SLURM_CONF" <<CONF
ClusterName=veiltest
SlurmctldHost=$(hostname -s)(127.0.0.1)
MailProg=/bin/true
SlurmctldPort=$base
SlurmdPort=$(( base + 1 ))
AuthType=auth/none
CredType=cred/none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ReturnToService=2
MaxArraySize=2
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
# Six CPUs whatever the machine has (config_overrides): the three 2-CPU shards run at once.
SlurmdParameters=config_overrides
NodeName=veilnode NodeAddr=127.0.0.1 CPUs=6 RealMemory=8192 State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF

slurmctld -i
slurmd -N veilnode
for _ in $(seq 1 40); do
  timeout 5 sinfo -h -o %T 2>/dev/null | grep -q idle && break
  sleep 0.5
done
timeout 5 sinfo -h -o %T 2>/dev/null | grep -q idle || fail "the node did not come up"
say "cluster up ($(slurmctld -V)), MaxArraySize=2"

# Five items, three shards: MaxArraySize=2 makes submit.sh split them into two arrays.
for name in a b c; do cp "$fixture" "$work/data/cams/$name.png"; done
printf 'not a picture' > "$work/data/broken.jpg"
ffmpeg -loglevel error -f lavfi -i testsrc2=size=160x120:rate=10:duration=1 -c:v libx264 -preset ultrafast \
  -pix_fmt yuv420p "$work/data/cams/clip.mp4"
printf 'cams/a.png\ncams/b.png\nbroken.jpg\ncams/clip.mp4\ncams/c.png\n' > "$work/data/manifest.txt"

submit() {
  VEIL="$veil" bash "$here/deploy/slurm/submit.sh" --shards 3 --wait "$work/data/manifest.txt" "$work/out" \
    --targets face --mask fill --quiet
}
set +e
started=$SECONDS
submit > "$work/submit.log" 2>&1
status=$?
set -e
cat "$work/submit.log"
[ "$status" = 1 ] || fail "the merge should exit 1 (one damaged input), got $status"
[ "$(grep -c 'job array' "$work/submit.log")" = 2 ] || fail "3 shards with MaxArraySize=2 should make two arrays"
for name in cams/a.png cams/b.png cams/c.png cams/clip.mp4; do
  [ -s "$work/out/$name" ] || fail "missing output $name"
done
[ ! -e "$work/out/broken.jpg" ] || fail "the damaged input has an output"
report=$work/out/batch-report.json
python3 - "$report" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
t = report["totals"]
assert (t["items"], t["succeeded"], t["failed"], t["missing"]) == (5, 4, 1, 0), t
assert [f["input"] for f in report["failures"]] == ["broken.jpg"], report["failures"]
assert report["shards"] == 3 and report["shardsFinished"] == [0, 1, 2], report
PY
grep -q 'item 2 broken.jpg (shard 2): failed' "$work"/out/veil-merge-*.log || fail "the merge log does not name broken.jpg"
say "first submission ($(( SECONDS - started )) s): 4 outputs, broken.jpg reported, merge exit 1"

rm "$work/out/cams/b.png"
rm -f "$work"/out/veil-merge-*.log
set +e
started=$SECONDS
submit > "$work/submit.log" 2>&1
status=$?
set -e
[ "$status" = 1 ] || fail "the second merge should exit 1 again, got $status"
[ -s "$work/out/cams/b.png" ] || fail "cams/b.png was not redone"
done_items=$(cat "$work"/out/.veil-batch/reports/*.jsonl | grep '"event":"item"' | grep -c '"status":"done"' || true)
skipped=$(cat "$work"/out/.veil-batch/reports/*.jsonl | grep -c '"status":"skipped"' || true)
[ "$done_items" = 1 ] || fail "expected only cams/b.png redone, $done_items item(s) were"
[ "$skipped" = 3 ] || fail "expected 3 items skipped, got $skipped"
grep -q '"input":"cams/b.png".*"status":"done"\|"status":"done".*"input":"cams/b.png"' \
  "$work"/out/.veil-batch/reports/*.jsonl || fail "the redone item is not cams/b.png"
say "resubmission ($(( SECONDS - started )) s): only cams/b.png redone, 3 skipped"
say "ok"
