#!/usr/bin/env bash
# Video audit for docs/AUDIT.md (issue 17): detect + track, render with a mask, then audit the
# pair with the tracks file so the report adds mask jitter and flicker per track.
#   scripts/audit_video.sh VEIL VIDEO NAME [MASK] [SAMPLE_EVERY]
set -euo pipefail
VEIL="$1"
VIDEO="$2"
NAME="$3"
MASK="${4:-layered}"
SAMPLE="${5:-10}"
OUT=".audit/video-$NAME"
mkdir -p "$OUT"
[ -f "$OUT/tracks.json" ] || "$VEIL" detect "$VIDEO" --tracks "$OUT/tracks.json" --targets face --quiet
[ -f "$OUT/$MASK.mp4" ] || "$VEIL" render "$VIDEO" --tracks "$OUT/tracks.json" -o "$OUT/$MASK.mp4" --mask "$MASK" --quiet
"$VEIL" audit "$VIDEO" "$OUT/$MASK.mp4" --tracks "$OUT/tracks.json" --sample-every "$SAMPLE" --mask "$MASK" \
  --json "$OUT/$MASK.json" | tail -n 12
