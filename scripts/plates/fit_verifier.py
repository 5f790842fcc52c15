#!/usr/bin/env python3
"""Refits the plate verifier (PlateVerifier.swift) on features dumped by the Swift detector,
with hard negatives, and reports on the held-out half (docs/PLATES.md).

    fit_verifier.py NAME=FEATURES.jsonl [NAME=FEATURES.jsonl ...] [--write WEIGHTS.json]
                    [--old WEIGHTS.json] [--no-surroundings] [--field ESTIMATE]
                    [--dev-annotations DEV/annotations.json]

Each FEATURES.jsonl comes from the opt-in Swift test PlateVerifierTraining (one row per text
the verifier judges: box, turned upright, tallest line; label plate / negative / other; the
feature values of PlateFeatures.values). Split by image index: even = train (weights and
threshold), odd = held out (reported only). The same photo has the same index in every
dataset derived from the dev set, so no photo is on both sides.

A plate counts as found when one of its candidates is accepted (as PlateDetector does: the
box, its upright turn or its tallest line); a negative (or other text) counts as masked when
one of the candidates labelled with it is accepted. The threshold is the highest that keeps
>= 99 % of the train plates found (--keep 1.0: all of them). Needs numpy only.

The weights of PlateVerifier.photos (scripts/plates/verifier_weights_photos.json) came from
    fit_verifier.py hard=HARD.jsonl small=SMALL.jsonl stacked=STACKED.jsonl \
        stsmall=STACKED_SMALL.jsonl --no-surroundings --keep 0.99 --negative-weight 1 \
        --dev-annotations DEV/annotations.json --write scripts/plates/verifier_weights_photos.json
with every dump made under ImageNet's normalisation (VEIL_PLATES_FEATURES_NORMALIZATION=imagenet).

The weights of PlateVerifier.refitWithHardNegatives came from
    fit_verifier.py hardneg=FEATURES.jsonl --drop textScore --keep 1.0 \
        --write scripts/plates/verifier_weights_hard_negatives.json
(before the one-glyph rule was added to the hard rules; the file holds them as used).
"""
import argparse
import json

import numpy as np

MIN_TRANSITIONS = 0.5  # PlateVerifier.minimumTransitionsPerHeight
MAX_GLYPHS = 12  # PlateVerifier.maximumGlyphs
MIN_WIDTH_FOR_ONE_GLYPH = 1.5  # PlateVerifier.minimumWidthInHeightsForOneGlyph
NAMES = ["logAspect", "textScore", "meanLuma", "contrast", "darkFraction", "transitionsPerHeight",
         "glyphsPerHeight", "glyphHeightSpread", "saturation", "fieldBeyond", "surroundContrast"]


def passes_rules(r):
    """PlateVerifier's hard rules, before the regression."""
    return (r["values"][5] >= MIN_TRANSITIONS and r["glyphs"] <= MAX_GLYPHS
            and (r["glyphs"] >= 2 or r["values"][0] >= np.log(MIN_WIDTH_FOR_ONE_GLYPH)))


def load(specs):
    rows = []
    for spec in specs:
        name, path = spec.split("=", 1)
        for line in open(path):
            row = json.loads(line)
            row["dataset"] = name
            rows.append(row)
    return rows


def fit_logistic(X, y, sample_weight, lam=3e-3, iterations=4000, rate=0.5):
    mu, sd = X.mean(0), X.std(0) + 1e-9
    Z = (X - mu) / sd
    w, b = np.zeros(Z.shape[1]), 0.0
    total = sample_weight.sum()
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(Z @ w + b)))
        g = sample_weight * (p - y)
        w -= rate * (Z.T @ g / total + lam * w)
        b -= rate * g.sum() / total
    return w / sd, b - np.sum(w * mu / sd)


def groups(rows):
    """Group key per candidate: the plate (per image), the negative box, or the other text."""
    keys = []
    for r in rows:
        if r["label"] == "plate":
            keys.append((r["dataset"], r["index"], "plate"))
        elif r["label"] == "negative":
            keys.append((r["dataset"], r["index"], "negative", r["kind"], round(r["box"][0] / 50), round(r["box"][1] / 50)))
        else:
            keys.append((r["dataset"], r["index"], "other", round(r["box"][0] / 20), round(r["box"][1] / 20)))
    return keys


def summary(rows, probabilities, threshold):
    accepted = {}
    for r, key, p in zip(rows, groups(rows), probabilities):
        ok = p >= threshold and passes_rules(r)
        accepted[key] = accepted.get(key, False) or ok
    images = {(r["dataset"], r["index"]) for r in rows}
    by_dataset = {}
    for (dataset, index) in images:
        by_dataset.setdefault(dataset, set()).add(index)
    out = {}
    for dataset, indices in sorted(by_dataset.items()):
        keys = [k for k in accepted if k[0] == dataset]
        plates = [k for k in keys if k[2] == "plate"]
        negatives = [k for k in keys if k[2] == "negative"]
        others = [k for k in keys if k[2] == "other"]
        kinds = {}
        for k in negatives:
            t, h = kinds.get(k[3], (0, 0))
            kinds[k[3]] = (t + 1, h + accepted[k])
        out[dataset] = {
            "images": len(indices),
            "plates found": f"{sum(accepted[k] for k in plates)}/{len(plates)}",
            "negatives accepted/image": round(sum(accepted[k] for k in negatives) / len(indices), 2),
            "other text accepted/image": round(sum(accepted[k] for k in others) / len(indices), 2),
            "by kind": {k: f"{h}/{t}" for k, (t, h) in sorted(kinds.items())},
        }
    return out


def choose_threshold(rows, probabilities, keep=0.99):
    plate_rows = [(k, p, r) for r, k, p in zip(rows, groups(rows), probabilities) if r["label"] == "plate"]
    best = {}
    for k, p, r in plate_rows:
        if passes_rules(r):
            best[k] = max(best.get(k, 0.0), p)
    values = np.sort(np.array(list(best.values())))
    n_all = len({k for k, _, _ in plate_rows})
    # The highest threshold that keeps `keep` of all train plates that any candidate could find.
    index = int(np.floor((1 - keep) * n_all))
    return float(values[min(index, len(values) - 1)]) if len(values) else 0.1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("features", nargs="+")
    parser.add_argument("--write")
    parser.add_argument("--old")
    parser.add_argument("--no-surroundings", action="store_true")
    parser.add_argument("--negative-weight", type=float, default=3.0)
    parser.add_argument("--keep", type=float, default=0.99)
    parser.add_argument("--drop", default="", help="comma-separated feature names left out of the fit")
    parser.add_argument("--field", help="the surroundings features under this field estimate of the dump "
                        "(largerClass, borderClass, nonGlyphClass, soonestEnding) instead of the detector's")
    parser.add_argument("--dev-annotations", help="the dev set's annotations.json: rows are renumbered by "
                        "their photo's place in it (the small variant leaves photos out)")
    arguments = parser.parse_args()
    rows = load(arguments.features)
    if arguments.dev_annotations:
        order = {e["image"]: i for i, e in enumerate(json.load(open(arguments.dev_annotations)))}
        for r in rows:
            r["index"] = order[r["image"]]
    if arguments.field:
        for r in rows:
            r["values"] = r["values"][:9] + r["surroundings"][arguments.field]
    plates = [r["values"][9:11] for r in rows if r["label"] == "plate" and r["index"] % 2 == 0]
    print("train plate candidates' median fieldBeyond, surroundContrast:",
          [round(float(v), 3) for v in np.median(np.array(plates), axis=0)])
    used = list(range(9)) if arguments.no_surroundings else list(range(11))
    used = [k for k in used if NAMES[k] not in arguments.drop.split(",")]
    X = np.array([[r["values"][k] for k in used] for r in rows])
    y = np.array([r["label"] == "plate" for r in rows], float)
    train = np.array([r["index"] % 2 == 0 for r in rows])
    usable = np.array([passes_rules(r) for r in rows])
    weight = np.array([arguments.negative_weight if r["label"] == "negative" else 1.0 for r in rows])
    fit = train & usable
    w, b = fit_logistic(X[fit], y[fit], weight[fit])
    probabilities = 1 / (1 + np.exp(-(X @ w + b)))
    threshold = choose_threshold([r for r, t in zip(rows, train) if t], probabilities[train], arguments.keep)
    full = np.zeros(11)
    full[used] = w
    print("features:", [NAMES[k] for k in used])
    print("weights:", [round(v, 4) for v in full], "bias", round(b, 4), "threshold", round(threshold, 4))
    print("train candidates", int(fit.sum()), "plates", int(y[fit].sum()))
    held = [r for r, t in zip(rows, train) if not t]
    print("refit, train:", json.dumps(summary([r for r, t in zip(rows, train) if t], probabilities[train], threshold)))
    print("refit, held-out:", json.dumps(summary(held, probabilities[~train], threshold)))
    if arguments.old:
        old = json.load(open(arguments.old))
        ow = np.array(old["weights"] + [0.0] * (11 - len(old["weights"])))
        op = 1 / (1 + np.exp(-(np.array([r["values"] for r in rows]) @ ow + old["bias"])))
        print("old weights, held-out:", json.dumps(summary(held, op[~train], old["threshold"])))
    if arguments.write:
        json.dump({"features": NAMES, "weights": full.tolist(), "bias": b, "threshold": threshold,
                   "fit": "even image indices of " + ", ".join(s.split("=")[0] for s in arguments.features),
                   "negativeWeight": arguments.negative_weight}, open(arguments.write, "w"), indent=1)


if __name__ == "__main__":
    main()
