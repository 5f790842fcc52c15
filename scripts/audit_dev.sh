#!/usr/bin/env bash
# Re-identification audit of every mask on a folder of photos (issue 17), for docs/AUDIT.md:
#   scripts/audit_dev.sh VEIL PHOTOS NAME [GALLERY]
# PHOTOS: a folder of originals (e.g. ../shared/eval/faces-dlib/images); NAME: the row prefix;
# GALLERY: an optional folder of photos of other people (distractors in the identification
# gallery). Writes .audit/NAME/<mask>/ and .audit/NAME/<mask>.json and prints one Markdown row
# per mask. Weak blurs come from ffmpeg's gblur (another tool's output, as a user would audit).
# MASKS overrides the list; `layered-C-N` is the layered mask with --layered-cells C and
# --layered-noise N (the strength sweep in docs/AUDIT.md). `MASK-sr` is MASK's output after the
# learned super-resolution attack (shrunk ÷4, enlarged ×4 by Real-ESRGAN: scripts/sr_attack.py,
# installed on first use by scripts/setup_sr.sh; minutes per photo on a CPU), e.g.
# MASKS="layered layered-sr gblur8 gblur8-sr".
set -euo pipefail
VEIL="$1"
PHOTOS="$2"
NAME="$3"
GALLERY="${4:-}"
OUT=".audit/$NAME"
mkdir -p "$OUT/original"
# Originals are copied as JPEG/PNG under one root so that both trees pair by relative path.
find "$PHOTOS" -maxdepth 1 -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' \) -print0 |
  while IFS= read -r -d '' file; do cp -n "$file" "$OUT/original/"; done

masks="${MASKS:-gblur2 gblur8 layered fill pixelate surrogate blur}"
for mask in $masks; do
  dir="$OUT/$mask"
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir.tmp"
    case "$mask" in
      *-sr)
        base="$OUT/${mask%-sr}"
        [ -d "$base" ] || { echo "audit_dev.sh: list ${mask%-sr} before $mask in MASKS" >&2; exit 2; }
        python=$(bash "$(dirname "$0")/setup_sr.sh")
        "$python" "$(dirname "$0")/sr_attack.py" "$base" "$dir.tmp" ;;
      gblur*)
        sigma="${mask#gblur}"
        for file in "$OUT"/original/*; do
          ffmpeg -loglevel error -y -i "$file" -vf "gblur=sigma=$sigma" -q:v 2 "$dir.tmp/$(basename "$file")"
        done ;;
      layered-*)
        IFS=- read -r _ cells noise <<< "$mask"
        "$VEIL" anonymize "$OUT/original" -o "$dir.tmp" --targets face --mask layered \
          --layered-cells "$cells" --layered-noise "$noise" --quiet ;;
      *) "$VEIL" anonymize "$OUT/original" -o "$dir.tmp" --targets face --mask "$mask" --quiet ;;
    esac
    mv "$dir.tmp" "$dir"
  fi
  declared=()
  base_mask="${mask%-sr}"
  case "$base_mask" in gblur*) ;; layered-*) declared=(--mask layered) ;; *) declared=(--mask "$base_mask") ;; esac
  gallery=()
  [ -n "$GALLERY" ] && gallery=(--gallery "$GALLERY")
  "$VEIL" audit "$OUT/original" "$dir" --json "$OUT/$mask.json" "${declared[@]}" "${gallery[@]}" > "$OUT/$mask.txt"
done

# shellcheck disable=SC2086
python3 "$(dirname "$0")/audit_tables.py" reid --header "$NAME" "$OUT" $masks
# shellcheck disable=SC2086
python3 "$(dirname "$0")/audit_tables.py" utility --header "$NAME" "$OUT" $masks
