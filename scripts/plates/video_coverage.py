#!/usr/bin/env python3
"""Per-frame plate coverage of a masked video, read from its pixels (issue 15, fisheye clip).

Usage: video_coverage.py OUTPUT.mp4 LABELS.json

OUTPUT.mp4 is `veil anonymize CLIP -o OUTPUT.mp4 --targets plate --mask fill` (black fill);
LABELS.json lists, per frame, the readable plates' boxes and their `plateIDs`
(docs/labels/gen2_test_lp_video-every-frame.json). A plate counts as masked on a frame when
>= 90 % of its box is black (every channel <= 20) in the output. Prints one line per plate
('#' masked, '+' partly, '.' not), the frames masked, and the flicker count: frames on which a
plate is not masked between two frames on which it is. Needs ffmpeg and numpy.
"""
import json
import subprocess
import sys

import numpy as np


def main():
    output, labels_path = sys.argv[1], sys.argv[2]
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v", "-show_entries",
                            "stream=width,height", "-of", "csv=p=0", output],
                           capture_output=True, text=True, check=True).stdout.split(",")
    width, height = int(probe[0]), int(probe[1])
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", output, "-fps_mode", "passthrough", "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    frames = np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3)
    labels = json.load(open(labels_path))
    coverage = {}
    for frame in labels["frames"]:
        index = frame["index"]
        for plate, (x, y, w, h) in zip(frame["plateIDs"], frame["plates"]):
            x0, y0 = max(0, int(x)), max(0, int(y))
            x1, y1 = min(width, int(x + w)), min(height, int(y + h))
            patch = frames[index, y0:y1, x0:x1]
            coverage.setdefault(plate, {})[index] = float((patch.max(axis=2) <= 20).mean())
    masked_total = count_total = flicker = 0
    for plate, by_frame in coverage.items():
        indices = sorted(by_frame)
        masked = [i for i in indices if by_frame[i] >= 0.9]
        line = "".join("#" if by_frame[i] >= 0.9 else "+" if by_frame[i] > 0.2 else "." for i in indices)
        if masked:
            flicker += sum(1 for i in indices if masked[0] < i < masked[-1] and by_frame[i] < 0.9)
        masked_total += len(masked)
        count_total += len(indices)
        print(f"{plate:16s} frames {indices[0]}-{indices[-1]}: {line}  masked {len(masked)}/{len(indices)}")
    print(f"plate-frames masked {masked_total}/{count_total} = {masked_total / count_total:.3f}; "
          f"flicker frames {flicker}")


if __name__ == "__main__":
    main()
