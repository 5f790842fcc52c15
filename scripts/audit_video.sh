#!/usr/bin/env bash
# Video audit for docs/AUDIT.md (issue 17): detect + track, render with a mask, then audit the
# pair with the tracks file so the report adds mask jitter and flicker per track and runs the
# multi-frame averaging attack on each track.
#   scripts/audit_video.sh VEIL VIDEO NAME [MASK] [SAMPLE_EVERY]
# MASK is a Veil mask, or gblurN for ffmpeg's Gaussian blur of sigma N over the whole frame
# (another tool's weak mask).
# GALLERY=DIR adds the faces of the photos in DIR as distractors.
set -euo pipefail
VEIL="$1"
VIDEO="$2"
NAME="$3"
MASK="${4:-layered}"
SAMPLE="${5:-10}"
OUT=".audit/video-$NAME"
mkdir -p "$OUT"
[ -f "$OUT/tracks.json" ] || "$VEIL" detect "$VIDEO" --tracks "$OUT/tracks.json" --targets face --quiet
DECLARED=()
if [[ "$MASK" == gblur* ]]; then
  # The whole frame blurred (only the faces' regions are audited; the untouched fraction is moot).
  [ -f "$OUT/$MASK.mp4" ] || ffmpeg -loglevel error -i "$VIDEO" -vf "gblur=sigma=${MASK#gblur}" -an \
    -c:v libx264 -crf 12 "$OUT/$MASK.mp4"
else
  [ -f "$OUT/$MASK.mp4" ] || "$VEIL" render "$VIDEO" --tracks "$OUT/tracks.json" -o "$OUT/$MASK.mp4" --mask "$MASK" --quiet
  DECLARED=(--mask "$MASK")
fi
"$VEIL" audit "$VIDEO" "$OUT/$MASK.mp4" --tracks "$OUT/tracks.json" --sample-every "$SAMPLE" "${DECLARED[@]}" \
  ${GALLERY:+--gallery "$GALLERY"} --json "$OUT/$MASK.json" | tail -n 14
