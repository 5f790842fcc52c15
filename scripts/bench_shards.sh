#!/usr/bin/env bash
# Shards per node: the same manifest run as K shards at once, each with --jobs J; prints the
# wall time and the largest peak RSS of one shard. Inputs: 12 copies of the fixture photo and
# two 5 s 640x480 clips (generated here).
#
#   scripts/bench_shards.sh [VEIL_BINARY] [WORK_FOLDER]
set -euo pipefail
veil=$(realpath "${1:-.build/release/veil}")
work=${2:-.bench/shards}
mkdir -p "$work/data"
for i in $(seq -w 1 12); do cp /usr/local/share/veil/fixtures/astronaut.png "$work/data/p$i.png"; done
for i in 1 2; do
  ffmpeg -loglevel error -y -f lavfi -i testsrc2=size=640x480:rate=30:duration=5 -c:v libx264 -preset ultrafast \
    -pix_fmt yuv420p "$work/data/v$i.mp4"
done
(cd "$work/data" && ls ./*.png ./*.mp4 > manifest.txt)
printf '| shards x --jobs | wall time | peak RSS per shard | load average |\n|---|---|---|---|\n'
for config in "1 1" "1 2" "2 1" "4 1"; do
  read -r shards jobs <<< "$config"
  out=$work/out-$shards-$jobs
  rm -rf "$out" "$work"/rss-*
  start=$(date +%s.%N)
  for shard in $(seq 0 $(( shards - 1 ))); do
    /usr/bin/time -f %M -o "$work/rss-$shard" "$veil" batch "$work/data/manifest.txt" -o "$out" \
      --shards "$shards" --shard "$shard" --jobs "$jobs" --quiet 2>/dev/null &
  done
  wait
  end=$(date +%s.%N)
  rss=$(cat "$work"/rss-* | sort -n | tail -1)
  printf '| %s x %s | %.1f s | %s MB | %s |\n' "$shards" "$jobs" "$(echo "$end - $start" | bc)" $(( rss / 1024 )) \
    "$(cut -d' ' -f1 /proc/loadavg)"
done
