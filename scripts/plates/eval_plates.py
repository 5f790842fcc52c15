#!/usr/bin/env python3
"""Measures the plate pipeline prototype (PP-OCRv4 text boxes -> plate geometry -> verifier)
on a plate dataset in Veil's annotation format, and (re)trains the verifier's weights.

Research prototype mirrored by Sources/VeilDetection/Plates (see docs/PLATES.md).

    python ppocr_cache.py DATASET MODEL CACHE --max-side 960     # probability maps
    python eval_plates.py DATASET CACHE --max-side 960             # the table rows
    python eval_plates.py DATASET CACHE --max-side 960 --train     # + refit verifier weights

Split: image index even = train (fits the verifier, picks its threshold and the geometry),
odd = held out. Metrics per image's one annotated plate: coverage recall (>= 90 % of the
plate box inside the union of output boxes), recall IoU >= 0.5 (some output box), and
output boxes per image (unannotated plates in the photos count here too).
Needs numpy, opencv-python-headless, onnxruntime (for the cache), pyclipper (reference
check only).
"""
import argparse, json, os, sys
import cv2, numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from db_post import db_rects, rect_to_box
from features import features, NAMES

# Geometry (text-box heights added left/right, above, below), chosen on the train half as
# the smallest grid point reaching train coverage recall >= 0.98.
EXPAND = (0.6, 0.5, 0.2)
USED = [0, 1, 3, 4, 5, 6, 7, 8, 9]  # scene-independent features (no size, no position)
# Verifier weights over raw features (standardisation folded in), fit by --train on the
# train half at max side 960; threshold 0.1 keeps >= 98.5 % of train plate text boxes.
WEIGHTS = None  # filled from --weights or --train
THRESHOLD = 0.1
MIN_TRANSITIONS = 0.5  # transitions per text height; the fewest on a dev-set plate is 0.76


def fit_logistic(X, y, lam=1e-2, iterations=3000, rate=0.5):
    mu, sd = X.mean(0), X.std(0) + 1e-9
    Z = (X - mu) / sd
    w, b = np.zeros(Z.shape[1]), 0.0
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(Z @ w + b)))
        w -= rate * (Z.T @ (p - y) / len(y) + lam * w)
        b -= rate * np.mean(p - y)
    return w / sd, b - np.sum(w * mu / sd)


def coverage(g, boxes):
    x, y, w, h = g
    m = np.zeros((int(h), int(w)), bool)
    for q in boxes:
        x0 = int(max(0, np.floor(q[0] - x))); x1 = int(min(w, np.ceil(q[2] - x)))
        y0 = int(max(0, np.floor(q[1] - y))); y1 = int(min(h, np.ceil(q[3] - y)))
        if x1 > x0 and y1 > y0:
            m[y0:y1, x0:x1] = True
    return m.mean()


def iou(a, g):
    x, y, w, h = g
    iw = max(0, min(a[2], x + w) - max(a[0], x)); ih = max(0, min(a[3], y + h) - max(a[1], y))
    inter = iw * ih
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + w * h - inter)


def merge(boxes):
    """Union boxes that overlap by more than half of the smaller one, until none do."""
    boxes = [list(q) for q in boxes]
    i = 0
    while i < len(boxes):
        j = i + 1
        merged = False
        while j < len(boxes):
            a, c = boxes[i], boxes[j]
            iw = max(0, min(a[2], c[2]) - max(a[0], c[0])); ih = max(0, min(a[3], c[3]) - max(a[1], c[1]))
            small = min((a[2] - a[0]) * (a[3] - a[1]), (c[2] - c[0]) * (c[3] - c[1]))
            if iw * ih > 0.5 * small:
                boxes[i] = [min(a[0], c[0]), min(a[1], c[1]), max(a[2], c[2]), max(a[3], c[3])]
                del boxes[j]; merged = True
            else:
                j += 1
        if not merged:
            i += 1
    return boxes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset"); ap.add_argument("cache")
    ap.add_argument("--max-side", type=int, default=960)
    ap.add_argument("--train", action="store_true")
    ap.add_argument("--weights", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "verifier_weights.json"))
    a = ap.parse_args()
    ann = json.load(open(os.path.join(a.dataset, "annotations.json")))
    cands, ms = [], []
    for i, it in enumerate(ann):
        z = np.load(os.path.join(a.cache, f"max{a.max_side}", f"{i}.npz"))
        img = cv2.imread(os.path.join(a.dataset, it["image"]))
        prob = z["prob"].astype(np.float32); (rw, rh), (W, H) = z["input"], z["image"]
        ms.append(float(z["ms"]))
        x, y, w, h = it["objects"][0]["box"]
        for rect, score in db_rects(prob):
            b = rect_to_box(rect, W / rw, H / rh)
            iw = max(0, min(b[2], x + w) - max(b[0], x)); ih = max(0, min(b[3], y + h) - max(b[1], y))
            label = iw * ih > 0.5 * (b[2] - b[0]) * (b[3] - b[1])
            cands.append((i, label, b, features(img, b, score)[USED]))
    idx = np.array([c[0] for c in cands]); lab = np.array([c[1] for c in cands], float)
    X = np.array([c[3] for c in cands]); B = np.array([c[2] for c in cands])
    if a.train:
        w, b = fit_logistic(X[idx % 2 == 0], lab[idx % 2 == 0])
        json.dump({"features": [NAMES[k] for k in USED], "weights": w.tolist(), "bias": b,
                   "threshold": THRESHOLD, "maxSide": a.max_side}, open(a.weights, "w"), indent=1)
    W8 = json.load(open(a.weights))
    p = 1 / (1 + np.exp(-(X @ np.array(W8["weights"]) + W8["bias"])))
    p[X[:, USED.index(6)] < MIN_TRANSITIONS] = 0  # no characters: never a plate
    print(f"max side {a.max_side}: detector {np.mean(ms):.0f} ms/image (preprocess + ONNX, Python)")
    print("| variant | split | coverage recall | recall IoU>=0.5 | boxes/image |")
    print("|---|---|---|---|---|")
    variants = [("text boxes, raw", 0, (0, 0, 0)), ("+ geometry", 0, EXPAND),
                (f"+ geometry + verifier >= {W8['threshold']}", W8["threshold"], EXPAND)]
    for name, thr, (ex, et, eb) in variants:
        for split, sel in (("train", 0), ("held-out", 1), ("all", None)):
            cr, ir, nb = [], [], []
            for k, it in enumerate(ann):
                if sel is not None and k % 2 != sel:
                    continue
                m = (idx == k) & (p >= thr)
                bs = B[m]; th = bs[:, 3] - bs[:, 1] if len(bs) else bs
                e = [[q[0] - ex * t, q[1] - et * t, q[2] + ex * t, q[3] + eb * t] for q, t in zip(bs, th)]
                e = merge(e) if ex else e
                g = it["objects"][0]["box"]
                cr.append(coverage(g, e) >= 0.9); ir.append(any(iou(q, g) >= 0.5 for q in e)); nb.append(len(e))
            print(f"| {name} | {split} ({len(cr)}) | {np.mean(cr):.3f} | {np.mean(ir):.3f} | {np.mean(nb):.2f} |")


if __name__ == "__main__":
    main()
