#!/usr/bin/env python3
"""False plate masks per image from `veil evaluate --dump-detections`, for `make eval`.

    variant_report.py DATASET_DIR DUMP.json

Prints one JSON object: images, plates, covered (a plate counts when >= 90 % of its box lies
inside the union of the plate mask regions (the boxes the output pixels are masked in), sampled on a 20 x 20 grid, as `veil evaluate` measures
coverage), unmatched masks per image (masks that touch no annotated or ignored plate: an upper
bound on false plate masks, since the dev photos show plates nobody annotated) and, where the
dataset has a negatives.json (synthetic timestamps, signs, banners, labels, badges), the
negatives masked per image (>= 25 % of a negative's box under a mask) and by kind.
Standard library only.
"""

import json
import os
import sys


def box_of(value):
    if isinstance(value, dict):
        return value["x"], value["y"], value["width"], value["height"]
    return tuple(value)


def intersection(a, b):
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    height = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(0, width) * max(0, height)


def covered_fraction(target, masks, samples=20):
    inside = 0
    for i in range(samples):
        for j in range(samples):
            x = target[0] + (i + 0.5) * target[2] / samples
            y = target[1] + (j + 0.5) * target[3] / samples
            if any(m[0] <= x <= m[0] + m[2] and m[1] <= y <= m[1] + m[3] for m in masks):
                inside += 1
    return inside / samples / samples


def main():
    dataset, dump = sys.argv[1], sys.argv[2]
    annotations = {e["image"]: e for e in json.load(open(os.path.join(dataset, "annotations.json")))}
    negatives_path = os.path.join(dataset, "negatives.json")
    negatives = json.load(open(negatives_path)) if os.path.exists(negatives_path) else None
    images = plates = covered = unmatched = masked_negatives = 0
    by_kind = {}
    for entry in json.load(open(dump)):
        annotation = annotations.get(entry["image"])
        if annotation is None:
            continue
        images += 1
        # The mask regions are what the output pixels show (detections plus the mask margin).
        regions = entry.get("maskRegions") or entry["detections"]
        masks = [box_of(d["box"]) for d in regions if d.get("objectClass", "plate") == "plate"]
        truth = [box_of(o["box"]) for o in annotation["objects"] if o["class"] == "plate"]
        ignored = [box_of(o["box"]) for o in annotation.get("ignore", []) if o["class"] == "plate"]
        plates += len(truth)
        covered += sum(1 for t in truth if covered_fraction(t, masks) >= 0.9)
        unmatched += sum(1 for m in masks if not any(intersection(m, t) > 0 for t in truth + ignored))
        for negative in (negatives or {}).get(entry["image"], []):
            box = negative["box"]
            hit = any(intersection(m, box) >= 0.25 * box[2] * box[3] for m in masks)
            masked_negatives += hit
            total, hits = by_kind.get(negative["kind"], (0, 0))
            by_kind[negative["kind"]] = (total + 1, hits + hit)
    report = {
        "images": images,
        "plates": plates,
        "coverage": covered / plates if plates else None,
        "unmatchedMasksPerImage": unmatched / images if images else None,
    }
    if negatives is not None:
        report["negativesMaskedPerImage"] = masked_negatives / images if images else None
        report["negativesMaskedByKind"] = {k: f"{h}/{t}" for k, (t, h) in sorted(by_kind.items())}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
