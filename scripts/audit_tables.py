#!/usr/bin/env python3
"""Markdown tables for docs/AUDIT.md from `veil audit --json` reports (issue 17).

    scripts/audit_tables.py reid [--header] NAME DIR MASK[:SUFFIX] ...
    scripts/audit_tables.py utility [--header] NAME DIR MASK[:SUFFIX] ...
    scripts/audit_tables.py video [--header] NAME REPORT.json
    scripts/audit_tables.py strength [--header] NAME DIR layered-C-N ...

DIR/MASK(SUFFIX).json are the reports scripts/audit_dev.sh writes; `layered-C-N` names the
layered mask with C cells and noise ±N.
"""
import json
import sys


def label(mask):
    if mask.endswith("-sr"):
        return label(mask[: -len("-sr")]) + ", then Real-ESRGAN ÷4 ×4"
    if mask.startswith("layered-"):
        _, cells, noise = mask.split("-")
        return f"Veil `layered`, {cells} cells, noise ±{noise}"
    return {"gblur2": "ffmpeg gblur σ = 2", "gblur8": "ffmpeg gblur σ = 8"}.get(mask, f"Veil `{mask}`")


def reports(out, specs):
    for spec in specs:
        mask, _, suffix = spec.partition(":")
        yield mask, json.load(open(f"{out}/{mask}{suffix}.json"))


def reid(name, out, specs, header):
    if header:
        print("| set | anonymization | faces judged / too small | distance < 0.6 (worst case over attacks) "
              "| rank-1, best single attack | rank-5 | chance rank-1 / rank-5 | rank-1, any attack "
              "| gallery (distractors) | true / false match at 0.6 | advantage |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
    for mask, r in reports(out, specs):
        g = r["identification"]
        n = g["probeCount"]
        at06 = next(p for p in g["roc"] if abs(p["threshold"] - 0.6) < 1e-6)
        best = g["bestSingleAttack"]
        advantage = g.get("verificationAdvantage")
        print(f"| {name} | {label(mask)} | {r['judgedFaceCount']} / {r['tooSmallFaceCount']} "
              f"| {r['reidentifiedFaceCount']}/{r['judgedFaceCount']} ({100 * r['reidentificationRate']:.0f} %) "
              f"| **{best['rank1Count']}/{n} ({100 * best['rank1Rate']:.0f} %)** {best['attack']} "
              f"| {best['rank5Count']}/{n} | {100 * g['chanceRank1Rate']:.1f} % / {100 * g['chanceRank5Rate']:.1f} % "
              f"| {g['anyAttack']['rank1Count']}/{n} | {g['gallerySize']} ({g['distractorCount']}) "
              f"| {100 * at06['trueMatchRate']:.0f} % / {100 * at06['falseMatchRate']:.1f} % "
              f"| {'-' if advantage is None else f'{advantage:.2f}'} |")


def utility(name, out, specs, header):
    if header:
        print("| set | anonymization | untouched pixels (mean per image) | faces found before → after "
              "| still detected where they were | landmark error of those (eye distances) |")
        print("|---|---|---|---|---|---|")
    for mask, r in reports(out, specs):
        u = r["utility"]
        error = u.get("meanLandmarkError")
        landmarks = "–" if error is None else f"{error:.2f} ({u['landmarkFaceCount']} faces)"
        print(f"| {name} | {label(mask)} | {100 * u['meanUntouchedFraction']:.1f} % "
              f"| {u['originalFaceCount']} → {u.get('anonymizedFaceCount')} "
              f"| {r.get('residuallyDetectedFaceCount')}/{r['faceCount']} | {landmarks} |")


def video(name, path, header):
    if header:
        print("| clip | mask | frames audited | faces judged / too small | distance < 0.6 | still detected "
              "| tracks | jitter mean / 95th pct (box side per frame) | box change (1 − IoU) | flickers |")
        print("|---|---|---|---|---|---|---|---|---|---|")
    r = json.load(open(path))
    s = r["utility"]["temporalStability"]
    print(f"| {name} | `{r.get('mask')}` | {len(r['files'])} | {r['judgedFaceCount']} / {r['tooSmallFaceCount']} "
          f"| {r['reidentifiedFaceCount']}/{r['judgedFaceCount']} | {r.get('residuallyDetectedFaceCount')}/{r['faceCount']} "
          f"| {len(s['tracks'])} | {s['meanJitter']:.3f} / {s['jitter95']:.3f} | {s['meanBoxChange']:.3f} "
          f"| {s['flickerCount']} in {s['flickeringTrackCount']} tracks |")


def strength(name, out, specs, header):
    if header:
        print("| set | layered cells | noise (± levels) | distance < 0.6 | smallest distance (any face, any attack) "
              "| rank-1, best single attack | rank-1, any attack | rank-5 | true / false match at 0.7 |")
        print("|---|---|---|---|---|---|---|---|---|")
    for mask, r in reports(out, specs):
        g = r["identification"]
        n = g["probeCount"]
        _, cells, noise = mask.split("-")
        distances = [f["minimumDistance"] for file in r["files"] for f in file["faces"]
                     if f["minimumDistance"] is not None]
        at = next(p for p in g["roc"] if abs(p["threshold"] - 0.7) < 1e-6)
        best = g["bestSingleAttack"]
        print(f"| {name} | {cells} | {noise} | {r['reidentifiedFaceCount']}/{r['judgedFaceCount']} "
              f"| {min(distances):.2f} | {best['rank1Count']}/{n} ({best['attack']}) "
              f"| {g['anyAttack']['rank1Count']}/{n} | {best['rank5Count']}/{n} "
              f"| {100 * at['trueMatchRate']:.0f} % / {100 * at['falseMatchRate']:.1f} % |")


if __name__ == "__main__":
    kind, args = sys.argv[1], sys.argv[2:]
    header = bool(args) and args[0] == "--header"
    if header:
        args = args[1:]
    if kind == "video":
        video(args[0], args[1], header)
    else:
        {"reid": reid, "utility": utility, "strength": strength}[kind](args[0], args[1], args[2:], header)
