#!/bin/bash
# Submits a Veil batch to Slurm: the shards as job arrays (split to respect the cluster's
# MaxArraySize) and a merge that runs once every shard has finished (--dependency=afterok).
#
#   deploy/slurm/submit.sh [--shards N] [--parallel P] [--wait] MANIFEST OUT [veil batch options]
#
#   --shards N    shards (default: one per 200 manifest items, at least 1, at most 4096)
#   --parallel P  array tasks running at once, per array (default: all)
#   --wait        wait for the merge (sbatch --wait); exit with its status
#
# Prints the job ids. Resume after a failure or preemption by running the same command again:
# finished items are skipped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shards=""
parallel=""
wait_flag=()
while [ $# -gt 0 ]; do
  case $1 in
    --shards) shards=$2; shift 2 ;;
    --parallel) parallel=$2; shift 2 ;;
    --wait) wait_flag=(--wait); shift ;;
    *) break ;;
  esac
done
if [ $# -lt 2 ]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
manifest=$(realpath "$1")
out=$(realpath -m "$2")
shift 2
items=$(grep -cv '^[[:space:]]*\(#\|$\)' "$manifest" || true)
if [ -z "$shards" ]; then
  shards=$(( (items + 199) / 200 ))
  [ "$shards" -ge 1 ] || shards=1
  [ "$shards" -le 4096 ] || shards=4096
fi
# Array indices must be below MaxArraySize (Slurm's default 1001).
max=$(scontrol show config 2>/dev/null | awk '$1 == "MaxArraySize" {print $3}')
max=${max:-1001}
mkdir -p "$out"
ids=()
offset=0
while [ "$offset" -lt "$shards" ]; do
  count=$(( shards - offset ))
  [ "$count" -le "$max" ] || count=$max
  range="0-$(( count - 1 ))${parallel:+%$parallel}"
  id=$(sbatch --parsable --array="$range" --chdir="$out" \
    --export=ALL,VEIL_SHARDS="$shards",VEIL_SHARD_OFFSET="$offset" \
    "$here/veil-array.sbatch" "$manifest" "$out" "$@")
  ids+=("${id%%;*}")
  echo "shards $offset-$(( offset + count - 1 )) of $shards: job array ${id%%;*}"
  offset=$(( offset + count ))
done
dependency=$(IFS=:; echo "afterok:${ids[*]}")
merge=$(sbatch --parsable --job-name=veil-merge --dependency="$dependency" --kill-on-invalid-dep=yes \
  --chdir="$out" --output=veil-merge-%j.log "${wait_flag[@]}" \
  --wrap="${VEIL:-veil} batch merge '$out'") && status=0 || status=$?
echo "merge: job ${merge%%;*} (after ${ids[*]})"
exit "$status"
