#!/usr/bin/env python3
"""A crowd_recall.sh reference restricted to a derived clip: its boxes inside a window, or from a frame on.

Usage: restrict_reference.py SOURCE.reference.json CLIP.mp4 TARGET.reference.json
       [--window LEFT TOP WIDTH HEIGHT] [--from-frame N]

Keeps the source's boxes that lie wholly inside the window (when given) on frames from N on
(when given), and names CLIP.mp4's SHA-256 as the media, so that scripts/video_agreement.py
accepts it against a candidate made from that clip. Standard library only.
"""
import argparse
import hashlib
import json


def sha256(path):
    with open(path, "rb") as media:
        return hashlib.file_digest(media, "sha256").hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("clip")
    parser.add_argument("target")
    parser.add_argument("--window", nargs=4, type=float, metavar=("LEFT", "TOP", "WIDTH", "HEIGHT"))
    parser.add_argument("--from-frame", type=int, default=0)
    arguments = parser.parse_args()

    def kept(entry):
        if entry["frame"] < arguments.from_frame:
            return False
        if arguments.window is None:
            return True
        left, top, width, height = arguments.window
        box = entry["box"]
        return box["x"] >= left and box["y"] >= top and \
            box["x"] + box["width"] <= left + width and box["y"] + box["height"] <= top + height

    reference = json.load(open(arguments.source))
    reference["media"] = {"sha256": sha256(arguments.clip)}
    for track in reference["tracks"]:
        track["boxes"] = [entry for entry in track["boxes"] if kept(entry)]
    reference["tracks"] = [track for track in reference["tracks"] if track["boxes"]]
    reference["looseBoxes"] = [entry for entry in reference.get("looseBoxes", []) if kept(entry)]
    with open(arguments.target, "w") as output:
        json.dump(reference, output)


if __name__ == "__main__":
    main()
