#!/usr/bin/env python3
"""Independent reference for Veil's average precision: scores detections with pycocotools.

Usage: coco_reference.py GROUND_TRUTH.json DETECTIONS.json

GROUND_TRUTH.json is a COCO annotation file (images, annotations with id, image_id,
category_id, bbox = [x, y, w, h], area, iscrowd; categories). DETECTIONS.json is a COCO
result list: [{"image_id", "category_id", "bbox": [x, y, w, h], "score"}].

Prints one JSON object: {"ap50": AP at IoU 0.5, "map": AP@[.5:.95], "ap75": AP at IoU 0.75},
averaged over categories as COCOeval does, with area range "all" and at most 100 detections
per image. pycocotools samples the precision envelope at 101 recall levels: compare with
Veil's `cocoOneHundredOnePoint` interpolation, not with its all-point default.

Needs `pip install pycocotools` (the Swift cross-check test creates a virtual environment at
~/.cache/veil-setup/venv-eval for it).
"""

import contextlib
import json
import sys

from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

# COCOeval.stats order for bbox evaluation.
STAT_MAP, STAT_AP50, STAT_AP75 = 0, 1, 2


def main(arguments):
    if len(arguments) != 3:
        sys.exit(__doc__)
    ground_truth_path, detections_path = arguments[1], arguments[2]
    with open(detections_path) as file:
        detections = json.load(file)
    if not detections:
        sys.exit("no detections: pycocotools cannot load an empty result list (AP is 0)")
    # pycocotools reports progress on stdout; keep stdout for the result.
    with contextlib.redirect_stdout(sys.stderr):
        ground_truth = COCO(ground_truth_path)
        results = ground_truth.loadRes(detections)
        evaluation = COCOeval(ground_truth, results, iouType="bbox")
        evaluation.evaluate()
        evaluation.accumulate()
        evaluation.summarize()
    stats = evaluation.stats
    print(json.dumps({"ap50": stats[STAT_AP50], "map": stats[STAT_MAP], "ap75": stats[STAT_AP75]}))


if __name__ == "__main__":
    main(sys.argv)
