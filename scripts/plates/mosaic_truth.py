#!/usr/bin/env python3
"""The labelled plates of a crowd_recall.sh plate clip, frame by frame, as a tracks-shaped file.

crowd_recall.sh --plates tiles labelled photos into a mosaic and films it with a moving
1920x1080 window (pan: the window moves diagonally; cross: rows of tiles scroll in opposite
directions). The window's position on every frame is known, so each photo's labelled plate
boxes can be placed on every frame; a plate counts on a frame when it lies wholly inside it.
The output has the shape video_agreement.py reads (media SHA-256, tracks of boxes), so a
candidate's masks are measured against the labels, not against another detector.

Usage: mosaic_truth.py ANNOTATIONS CLIP KIND COLUMNS TILE_W TILE_H OUT IMAGE...
Standard library only.
"""
import hashlib
import json
import sys

FPS, SECONDS, WIDTH, HEIGHT = 30, 6, 1920, 1080


def main():
    annotations, clip, kind, columns, tile_w, tile_h, out, *images = sys.argv[1:]
    columns, tile_w, tile_h = int(columns), int(tile_w), int(tile_h)
    entries = {entry["image"]: entry for entry in json.load(open(annotations))}
    slack_x, slack_y = columns * tile_w - WIDTH, columns * tile_h - HEIGHT
    tracks = []
    for index, name in enumerate(images):
        entry = entries[name]
        sx, sy = tile_w / entry["width"], tile_h / entry["height"]
        row, column = divmod(index, columns)
        for plate in (o for o in entry["objects"] if o["class"] == "plate"):
            x, y, w, h = plate["box"]
            mx, my, mw, mh = column * tile_w + x * sx, row * tile_h + y * sy, w * sx, h * sy
            boxes = []
            for frame in range(FPS * SECONDS):
                t = frame / FPS
                if kind == "pan":
                    # crop rounds the window's corner down to even pixels (4:2:0).
                    dx, dy = int(slack_x * t / SECONDS) // 2 * 2, int(slack_y * t / SECONDS) // 2 * 2
                else:
                    shift = slack_x * t / SECONDS if row % 2 == 0 else slack_x - slack_x * t / SECONDS
                    dx, dy = int(shift) // 2 * 2, slack_y // 2
                fx, fy = mx - dx, my - dy
                if fx >= 0 and fy >= 0 and fx + mw <= WIDTH and fy + mh <= HEIGHT:
                    boxes.append({"frame": frame, "box": {"x": fx, "y": fy, "width": mw, "height": mh},
                                  "score": 1, "source": "detected"})
            if boxes:
                tracks.append({"objectClass": "plate", "boxes": boxes})
    digest = hashlib.sha256(open(clip, "rb").read()).hexdigest()
    json.dump({"media": {"sha256": digest}, "tracks": tracks}, open(out, "w"))


if __name__ == "__main__":
    main()
