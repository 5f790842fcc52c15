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

# Veil's main job: a video. A 3 s clip made from the same portrait (the face drifts across the
# frame), with a tone as audio and a GPS location in the container metadata.
echo
echo "== video: making a 3 s clip with audio and a GPS location"
ffmpeg -loglevel error -y -loop 1 -framerate 25 -i "$FIXTURE" -f lavfi -i "sine=frequency=440:duration=3" \
  -vf "scale=768:768,crop=512:384:x='128+100*sin(t*2)':y='60+40*cos(t*2)',format=yuv420p" -t 3 \
  -c:v libx264 -preset veryfast -c:a aac -shortest -metadata location="+48.8584+002.2945/" \
  -movflags use_metadata_tags "$OUT/input/portrait.mp4"
"$VEIL" anonymize "$OUT/input/portrait.mp4" -o "$OUT/anonymized/portrait.mp4" --report "$OUT/video-report.json"
frames() { ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$1"; }
audio_md5() { ffmpeg -loglevel error -i "$1" -map 0:a -c copy -f md5 - ; }
echo "   frames in/out:   $(frames "$OUT/input/portrait.mp4") / $(frames "$OUT/anonymized/portrait.mp4")"
echo "   audio identical: $([ "$(audio_md5 "$OUT/input/portrait.mp4")" = "$(audio_md5 "$OUT/anonymized/portrait.mp4")" ] && echo yes || echo NO)"
echo "   location in:     $(ffprobe -v error -show_entries format_tags=location -of csv=p=0 "$OUT/input/portrait.mp4")"
echo "   location out:    $(ffprobe -v error -show_entries format_tags=location -of csv=p=0 "$OUT/anonymized/portrait.mp4")(none)"
echo "== done: video $OUT/anonymized/portrait.mp4, report $OUT/video-report.json"
