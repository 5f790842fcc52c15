#!/usr/bin/env python3
"""Renders varied hard negatives (text that is not a plate) into the dev photos, to fit and
check the plate verifier (docs/PLATES.md, "Refit with hard negatives").

    make_hard_negatives.py EVAL_ROOT CACHE_DIR [--seed 15]

Reads EVAL_ROOT/plates-openalpr-eu-br and writes CACHE_DIR/plates-hard-negatives: every photo
with 4-7 random non-plates away from its plate, and negatives.json with their boxes and kinds.
Unlike the five fixed templates of make_variants.py's `plates-negatives` (kept as an unseen
check, never used to fit), each negative here is drawn at random: its kind (date/time stamp,
parking or street sign, shop banner, food or price label, car badge or logo, house number or
phone number), wording, font (the eleven DejaVu faces), size (relative to the photo and to the
plate), ink and field colours (light on dark and dark on light), field margin (none to wide),
one to three lines, and position. Deterministic for a seed. Standard library and ffmpeg only.
"""

import argparse
import json
import os
import random
import subprocess

FONTS = [
    "/usr/share/fonts/truetype/dejavu/" + name + ".ttf"
    for name in [
        "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSansCondensed",
        "DejaVuSansCondensed-Bold", "DejaVuSansMono", "DejaVuSansMono-Bold", "DejaVuSerif",
        "DejaVuSerif-Bold", "DejaVuSerifCondensed", "DejaVuSerifCondensed-Bold",
    ]
]
WORDS = ["OPEN", "SALE", "PIZZA", "HOTEL", "GARAGE", "BANK", "EXIT", "STOP", "CITY", "MARKET",
         "Kiosk", "Bistro", "Service", "Parking", "Apotheke", "Bar", "Deli", "Tyres", "Wash", "Books"]
STREETS = ["Main St", "Rua Augusta", "Hauptstr.", "Av. Paulista", "Oak Road", "Kirchweg",
           "Rue Victor Hugo", "Elm Ave", "Via Roma", "High Street"]
BADGES = ["GTI", "TSI", "RS", "AMG", "S-Line", "4x4", "V6", "TURBO", "ECO", "e-tron", "Sport",
          "Diesel", "330i", "C200", "1.6", "LIMITED", "Flex", "HDi", "X5", "CRDi"]
LIGHT = ["0xffffff", "0xf4f4f0", "0xf0e68c", "0xe8e8e8", "0xfff5cc", "0xd8f0ff"]
DARK = ["0x101010", "0x202830", "0x143c8c", "0x8c1414", "0x145a28", "0x3c3c3c", "0x5a1e6e"]
BRIGHT = ["0xe02020", "0x2060e0", "0x20a040", "0xf0c000", "0xff7f00", "0x00a0b0"]


def ffmpeg(arguments):
    subprocess.run(["ffmpeg", "-v", "error", "-y", *arguments], check=True)


def escape(text):
    return text.replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'").replace("%", "\\%")


def stamp_text(rng):
    y, mo, d = rng.randint(2009, 2030), rng.randint(1, 12), rng.randint(1, 28)
    h, mi, s = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
    return rng.choice([
        f"{y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}",
        f"{d:02d}/{mo:02d}/{y} {h:02d}:{mi:02d}",
        f"{mo:02d}.{d:02d}.{y % 100:02d}",
        f"{y % 100:02d} {mo:2d} {d:2d}",
        f"{h:02d}:{mi:02d}:{s:02d}",
        f"CAM{rng.randint(1, 16)} {d:02d}-{mo:02d}-{y} {h:02d}:{mi:02d}",
    ])


def lines_for(kind, rng):
    """The negative's text lines and its style: (lines, ink, field or None, shadow?)."""
    if kind == "stamp":
        return [stamp_text(rng)], rng.choice(["0xffffff", "0xffa020", "0xffff40", "0xff3030"]), None, True
    if kind == "sign":
        first = rng.choice(["P", "P+R", "NO PARKING", "TAXI", "BUS", "ZONE 30", "LOADING"])
        more = [rng.choice(["Mon-Sat", "Mo-Fr", "7-19h", "2 HR", "max. 1h", "Seg-Sex 8-18", "Except Sun"])]
        if rng.random() < 0.5:
            more.append(rng.choice(["8:00-18:00", "Permit only", "Tow away", "Anwohner", "exc. holidays"]))
        field = rng.choice(["0x143c8c", "0xffffff", "0x145a28", "0xf0c000"])
        ink = "0xffffff" if field in ("0x143c8c", "0x145a28") else "0x101010"
        return [first] + more[: rng.randint(0, len(more))], ink, field, False
    if kind == "street":
        text = rng.choice(STREETS) + (f" {rng.randint(1, 250)}" if rng.random() < 0.4 else "")
        field = rng.choice(["0x145a28", "0x143c8c", "0xffffff", "0x202020"])
        return [text], "0x101010" if field == "0xffffff" else "0xffffff", field, False
    if kind == "banner":
        words = rng.sample(WORDS, rng.randint(1, 3))
        field = rng.choice(DARK + BRIGHT + LIGHT)
        ink = rng.choice(LIGHT) if field in DARK + BRIGHT else rng.choice(DARK)
        return [" ".join(words).upper() if rng.random() < 0.6 else " ".join(words)], ink, field, False
    if kind == "label":
        text = rng.choice([
            f"EXP {rng.randint(1, 12):02d}/{rng.randint(2025, 2030)}", f"LOT {rng.randint(100, 99999)}",
            f"{rng.randint(1, 99)},{rng.randint(0, 99):02d} EUR", f"${rng.randint(1, 99)}.{rng.randint(0, 99):02d}",
            f"{rng.randint(100, 999)} g", f"NET WT {rng.randint(4, 32)} OZ", f"R$ {rng.randint(1, 99)},90",
        ])
        field = rng.choice(LIGHT + BRIGHT)
        return [text], rng.choice(DARK), field, False
    if kind == "badge":
        ink = rng.choice(["0xd0d0d0", "0xe8e8e8", "0xb0b0b0", "0x202020", "0xc02020"])
        field = rng.choice([None, None, "0x303030", "0x8c8c8c"])
        return [rng.choice(BADGES)], ink, field, False
    # number: a house number, a phone number or a taxi/fleet number
    text = rng.choice([str(rng.randint(1, 999)), f"{rng.randint(10, 99)} {rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
                       f"N {rng.randint(10, 9999)}", f"0800 {rng.randint(100, 999)} {rng.randint(100, 999)}"])
    field = rng.choice([None] + LIGHT + DARK)
    ink = rng.choice(DARK) if field in LIGHT else rng.choice(LIGHT)
    return [text], ink, field, False


KINDS = ["stamp", "sign", "street", "banner", "label", "badge", "number"]


def overlaps(a, b):
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def negatives_for(entry, rng):
    W, H = entry["width"], entry["height"]
    plates = [o["box"] for o in entry["objects"]]
    keep_out = [[x - h, y - h, w + 2 * h, h * 3] for x, y, w, h in plates]
    plate_height = min(h for _, _, _, h in plates) if plates else H / 20
    filters, placed = [], []
    for _ in range(rng.randint(4, 7)):
        kind = rng.choice(KINDS)
        lines, ink, field, shadow = lines_for(kind, rng)
        font = rng.choice(FONTS)
        # Sizes from half to twice the plate's character height, and never under 9 px.
        size = max(9, round(rng.uniform(0.35, 1.4) * plate_height * rng.choice([1, 1, 1.5])))
        size = min(size, max(9, H // 8))
        mono = "Mono" in font
        width = max(round((0.62 if mono else 0.58) * size * len(line)) for line in lines)
        line_height = round(1.25 * size)
        margin = round(rng.choice([0.15, 0.3, 0.5, 1.0, 1.6]) * size) if field else 0
        rect = [0, 0, width + 2 * margin, len(lines) * line_height + 2 * margin]
        for _ in range(30):
            rect[0] = rng.randint(0, max(0, W - rect[2]))
            rect[1] = rng.randint(0, max(0, H - rect[3]))
            if rect[0] + rect[2] <= W and rect[1] + rect[3] <= H and not any(
                    overlaps(rect, r) for r in keep_out + [p["box"] for p in placed]):
                break
        else:
            continue
        x, y = rect[0], rect[1]
        if field:
            filters.append(f"drawbox=x={x}:y={y}:w={rect[2]}:h={rect[3]}:color={field}:t=fill")
        for number, line in enumerate(lines):
            spec = (f"drawtext=fontfile={font}:text='{escape(line)}':x={x + margin}:"
                    f"y={y + margin + number * line_height}:fontsize={size}:fontcolor={ink}")
            if shadow:
                spec += ":shadowcolor=0x000000@0.7:shadowx=1:shadowy=1"
            filters.append(spec)
        placed.append({"kind": kind, "box": rect, "text": lines})
    return filters, placed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("eval_root")
    parser.add_argument("cache")
    parser.add_argument("--seed", type=int, default=15)
    arguments = parser.parse_args()
    source = os.path.join(arguments.eval_root, "plates-openalpr-eu-br")
    out = os.path.join(arguments.cache, "plates-hard-negatives")
    entries = json.load(open(os.path.join(source, "annotations.json")))
    boxes = {}
    for index, entry in enumerate(entries):
        rng = random.Random(arguments.seed * 100003 + index)
        filters, placed = negatives_for(entry, rng)
        target = os.path.join(out, entry["image"])
        if not os.path.exists(target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            temporary = target + ".tmp.jpg"
            ffmpeg(["-i", os.path.join(source, entry["image"]), "-vf", ",".join(filters) or "null", "-q:v", "2",
                    temporary])
            os.replace(temporary, target)
        boxes[entry["image"]] = placed
    with open(os.path.join(out, "negatives.json"), "w") as handle:
        json.dump(boxes, handle, indent=1)
    with open(os.path.join(out, "annotations.json"), "w") as handle:
        json.dump(entries, handle, indent=1)
    print(f"plates-hard-negatives: {len(entries)} images, {sum(len(v) for v in boxes.values())} negatives")


if __name__ == "__main__":
    main()
