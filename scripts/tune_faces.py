"""Sweep face-detection settings offline on detections dumped by `veil evaluate --dump-detections`.

Usage: python3 scripts/tune_faces.py DATASET_DIR YUNET_DUMP CENTERFACE_DUMP

Emulates Veil's ensemble merge (union of overlapping boxes, per-member threshold) and mask
planner (margins, ellipse/box) and prints coverage recall (a face counts when >= 90 % of its
box lies inside the masks), recall and precision at IoU 0.5, and the masked share of pixels,
for a grid of thresholds and margins. The chosen defaults are re-measured with `veil evaluate`.
"""
import itertools
import json
import sys

import numpy as np


def iou(a, b):
    ax2, ay2, bx2, by2 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    w = min(ax2, bx2) - max(a[0], b[0])
    h = min(ay2, by2) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def coverage(outer, inner):
    w = min(outer[0] + outer[2], inner[0] + inner[2]) - max(outer[0], inner[0])
    h = min(outer[1] + outer[3], inner[1] + inner[3]) - max(outer[1], inner[1])
    return 0.0 if w <= 0 or h <= 0 else w * h / (inner[2] * inner[3])


def merge(dets, threshold=0.4):
    dets = sorted(dets, key=lambda d: -d[1])
    kept, gone = [], [False] * len(dets)
    for i, (box, score) in enumerate(dets):
        if gone[i]:
            continue
        x1, y1, x2, y2 = box[0], box[1], box[0] + box[2], box[1] + box[3]
        for j in range(i + 1, len(dets)):
            if gone[j]:
                continue
            other = dets[j][0]
            if iou(box, other) > threshold or coverage(box, other) > 0.9 or coverage(other, box) > 0.9:
                gone[j] = True
                x1, y1 = min(x1, other[0]), min(y1, other[1])
                x2, y2 = max(x2, other[0] + other[2]), max(y2, other[1] + other[3])
        kept.append(([x1, y1, x2 - x1, y2 - y1], score))
    return kept


def regions(dets, margin, shape):
    h, top, bottom = margin
    return [([b[0] - b[2] * h, b[1] - b[3] * top, b[2] * (1 + 2 * h), b[3] * (1 + top + bottom)], shape) for b, _ in dets]


def covered_fraction(regs, box, n=16):
    xs = box[0] + (np.arange(n) + 0.5) * box[2] / n
    ys = box[1] + (np.arange(n) + 0.5) * box[3] / n
    gx, gy = np.meshgrid(xs, ys)
    inside = np.zeros_like(gx, dtype=bool)
    for r, shape in regs:
        if shape == "box":
            inside |= (gx >= r[0]) & (gx <= r[0] + r[2]) & (gy >= r[1]) & (gy <= r[1] + r[3])
        else:
            cx, cy, rx, ry = r[0] + r[2] / 2, r[1] + r[3] / 2, r[2] / 2, r[3] / 2
            inside |= ((gx - cx) / rx) ** 2 + ((gy - cy) / ry) ** 2 <= 1
    return inside.mean()


def masked_share(regs, width, height, n=64):
    xs = (np.arange(n) + 0.5) * width / n
    ys = (np.arange(n) + 0.5) * height / n
    return covered_fraction(regs, [0, 0, width, height], n) if regs else 0.0


def evaluate(annotations, dumps, thresholds, margin, shape, min_size=16):
    cov16 = n16 = cov_all = n_all = tp = npred = matched = 0
    share = 0.0
    for entry in annotations:
        dets = []
        for name, dump in dumps.items():
            dets += [(d["box"], d["score"]) for d in dump.get(entry["image"], []) if d["score"] >= thresholds[name]]
        dets = merge(dets) if len(dumps) > 1 else dets
        regs = regions(dets, margin, shape)
        share += masked_share(regs, entry["width"], entry["height"])
        npred += len(dets)
        used = set()
        for obj in entry["objects"]:
            box = obj["box"]
            ok = covered_fraction(regs, box) >= 0.9
            n_all += 1
            cov_all += ok
            if min(box[2], box[3]) < min_size:
                continue
            n16 += 1
            cov16 += ok
            best = max(((iou(d[0], box), k) for k, d in enumerate(dets) if k not in used), default=(0, -1))
            if best[0] >= 0.5:
                used.add(best[1])
                matched += 1
        tp += len(used)
    return cov16 / max(1, n16), cov_all / max(1, n_all), matched / max(1, n16), tp / max(1, npred), share / len(annotations)


def main():
    root, yunet, centerface = sys.argv[1:4]
    annotations = json.load(open(f"{root}/annotations.json"))
    load = lambda p: {e["image"]: e["detections"] for e in json.load(open(p))}
    dumps = {"yunet": load(yunet), "centerface": load(centerface)}
    margins = [(0.1, 0.15, 0.1), (0.15, 0.2, 0.15), (0.2, 0.25, 0.2), (0.25, 0.3, 0.25), (0.3, 0.35, 0.3)]
    print("members      thr_y thr_c shape   margin              cov16  covAll recall prec  masked")
    for members in (["yunet"], ["centerface"], ["yunet", "centerface"]):
        for ty, tc in itertools.product([0.2, 0.3, 0.5], [0.2, 0.3, 0.5]):
            if "yunet" not in members and ty != 0.3 or "centerface" not in members and tc != 0.3:
                continue
            for shape, margin in itertools.product(["ellipse", "box"], margins):
                chosen = {m: dumps[m] for m in members}
                r = evaluate(annotations, chosen, {"yunet": ty, "centerface": tc}, margin, shape)
                print(f"{'+'.join(members):12} {ty:5} {tc:5} {shape:7} {str(margin):19} " + " ".join(f"{v:.3f}" for v in r))


if __name__ == "__main__":
    main()
