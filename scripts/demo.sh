#!/usr/bin/env bash
# `make demo`: anonymizes an example photo that setup obtained from a Debian package (the
# astronaut portrait from scikit-image's data), after planting GPS coordinates and a camera
# serial number in it, and shows that the face is masked and the metadata is gone.
set -euo pipefail
VEIL="$1"
OUT="$2"
FIXTURE=/usr/local/share/veil/fixtures/astronaut.png
mkdir -p "$OUT/input" "$OUT/anonymized"
# A JPEG copy of the fixture, with GPS coordinates, a serial number and a name planted.
ffmpeg -loglevel error -y -i "$FIXTURE" -q:v 2 "$OUT/input/astronaut.jpg"
exiftool -q -overwrite_original -GPSLatitude=48.8584 -GPSLatitudeRef=N -GPSLongitude=2.2945 \
  -GPSLongitudeRef=E -SerialNumber=DEMO-1234 -Artist="Example Person" "$OUT/input/astronaut.jpg"
echo "== input metadata (planted):"
exiftool -s -GPSPosition -SerialNumber -Artist "$OUT/input/astronaut.jpg" | sed 's/^/   /'
"$VEIL" anonymize "$OUT/input" -o "$OUT/anonymized" --report "$OUT/report.json"
echo "== output metadata (should list nothing):"
exiftool -s -GPSPosition -SerialNumber -Artist -ThumbnailImage "$OUT/anonymized/astronaut.jpg" | sed 's/^/   /'
echo "== done: input $OUT/input/astronaut.jpg, output $OUT/anonymized/astronaut.jpg, report $OUT/report.json"
