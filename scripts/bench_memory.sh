#!/usr/bin/env bash
# `make bench-memory`: Veil's peak RSS next to a plain ffmpeg transcode's (same codec settings)
# at 720p, 1080p and 4K, one after another in this one script, then a long 720p run sampled
# every few seconds to show that memory stays flat however long the video. Prints a Markdown
# table (with the machine and the command) and appends it to docs/BENCHMARKS.md.
#
#   scripts/bench_memory.sh VEIL [WORK] [EVAL_ROOT] [LONG_MINUTES]
#
# Clips: the egoblur face video from EVAL_ROOT when present (a real video with faces, looped and
# scaled), otherwise generated testsrc2; each with a sine audio track.
set -euo pipefail
VEIL="$(realpath "$1")"
WORK="${2:-.bench}"
EVAL_ROOT="${3:-../shared/eval}"
LONG_MINUTES="${4:-20}"
SECONDS_SHORT=6
mkdir -p "$WORK"
SOURCE="$EVAL_ROOT/videos-egoblur/gen2_test_face_video.mp4"

# clip NAME WIDTH HEIGHT SECONDS: a 30 fps H.264 clip with audio at $WORK/NAME.mp4
clip() {
  local out="$WORK/$1.mp4"
  [ -f "$out" ] && return
  if [ -f "$SOURCE" ]; then
    ffmpeg -loglevel error -y -stream_loop -1 -i "$SOURCE" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
      -t "$4" -vf "scale=$2:$3,fps=30,format=yuv420p" -c:v libx264 -preset veryfast -crf 20 \
      -c:a aac -b:a 96k -shortest "$out"
  else
    ffmpeg -loglevel error -y -f lavfi -i "testsrc2=size=$2x$3:rate=30" -f lavfi \
      -i "sine=frequency=440:sample_rate=48000" -t "$4" -c:v libx264 -preset veryfast -crf 20 \
      -c:a aac -b:a 96k -shortest "$out"
  fi
}

# peak NAME COMMAND...: "wall_s peak_MB" of the command
peak() {
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -o "$WORK/$name.mem" "$@" > "$WORK/$name.log" 2>&1 \
    || { echo "[bench-memory] $name failed, see $WORK/$name.log" >&2; tail -5 "$WORK/$name.log" >&2; exit 1; }
  awk '{printf "%s %.0f", $1, $2 / 1024}' "$WORK/$name.mem"
}

rows=()
for size in 720:1280x720 1080:1920x1080 2160:3840x2160; do
  label="${size%%:*}p"; dims="${size#*:}"
  clip "mem$label" "${dims%x*}" "${dims#*x}" "$SECONDS_SHORT"
  in="$WORK/mem$label.mp4"
  read -r fw fm <<< "$(peak "ffmpeg-$label" ffmpeg -loglevel error -y -i "$in" -c:v libx264 -preset veryfast -crf 23 -c:a copy "$WORK/out-ffmpeg-$label.mp4")"
  read -r vw vm <<< "$(peak "veil-$label" "$VEIL" anonymize "$in" -o "$WORK/out-veil-$label.mp4" --quiet)"
  echo "[bench-memory] $label: ffmpeg ${fm} MB, veil ${vm} MB (+$((vm - fm)) MB)"
  rows+=("| $label | $fm | $vm | +$((vm - fm)) | $fw | $vw |")
done

# The long run: RSS sampled every 5 s from /proc while Veil works through LONG_MINUTES of 720p.
clip "long720p-${LONG_MINUTES}m" 1280 720 $((LONG_MINUTES * 60))
samples="$WORK/long-rss.csv"
echo "seconds,rss_mb" > "$samples"
start=$(date +%s)
"$VEIL" anonymize "$WORK/long720p-${LONG_MINUTES}m.mp4" -o "$WORK/out-long.mp4" --quiet &
pid=$!
# The first sample is taken 5 s in: one taken as the process starts reads a few MB and stood
# for the whole "first tenth" of a short run.
while sleep 5 && kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/^VmRSS:/ {print int($2 / 1024)}' "/proc/$pid/status" 2>/dev/null || true)
  [ -n "$rss" ] && echo "$(( $(date +%s) - start )),$rss" >> "$samples"
done
wait "$pid"
long=$(python3 - "$samples" <<'PY'
import csv, sys
rows = [(int(r["seconds"]), int(r["rss_mb"])) for r in csv.DictReader(open(sys.argv[1]))]
n = len(rows)
def peak(a, b): return max(r for _, r in rows[int(a * n):max(int(b * n), int(a * n) + 1)])
print(f"{rows[-1][0]} s, {n} samples: peak RSS in the first tenth {peak(0, .1)} MB, second half {peak(.5, 1)} MB, "
      f"last tenth {peak(.9, 1)} MB")
PY
)
echo "[bench-memory] long run: $long"

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
{
  echo
  echo "### $(date +%F) — peak memory: Veil vs a plain ffmpeg transcode"
  echo
  echo "Machine: $(nproc) cores ($cpu). Command: \`make bench-memory\` ($SECONDS_SHORT s clips at 30 fps;"
  echo "$( [ -f "$SOURCE" ] && echo 'the egoblur face video, looped and scaled' || echo 'generated testsrc2'); floor:"
  echo "\`ffmpeg -c:v libx264 -preset veryfast -crf 23 -c:a copy\`; Veil at its defaults)."
  echo
  echo "| size | ffmpeg peak MB | Veil peak MB | Veil − ffmpeg MB | ffmpeg wall s | Veil wall s |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Long run ($LONG_MINUTES min of 720p, RSS sampled every 5 s): $long."
} | tee -a docs/BENCHMARKS.md
