#!/usr/bin/env python3
"""Derives harder plate datasets from the dev photos, for `make eval` (docs/PLATES.md).

    make_variants.py EVAL_ROOT CACHE_DIR

Reads EVAL_ROOT/plates-openalpr-eu-br (Veil annotations.json) and the fisheye clip in
EVAL_ROOT/videos-egoblur, and writes Veil-format datasets under CACHE_DIR (never into the
repository; the photos keep their dataset's licence):

- plates-small:    each photo shrunk (area averaging) until its plate is 25-45 px tall (the
                   target height cycles through that range by image index; photos whose
                   plate is already under 25 px are left out).
- plates-stacked:  a region name rendered above the characters and a slogan below, on a
                   plate-coloured band (US-style layout: characters ~40 % of the plate's
                   height); labelled with the full plate box, bands included.
- plates-stacked-small: the stacked photos shrunk until the full plate is 40-70 px tall
                   (characters ~15-27 px).
- plates-negatives: each photo with five synthetic hard negatives rendered away from the
                   plate: a burnt-in date/time stamp, a parking sign, a shop banner, a food
                   label and a chrome car badge. Their boxes are written to negatives.json; the
                   plate stays the only annotated object.
- plates-fisheye-lp: the hand-labelled frames of gen2_test_lp_video.mp4
                   (docs/labels/gen2_test_lp_video.json); unreadable plates are 'ignore'.

Only the standard library and ffmpeg (drawbox/drawtext, DejaVu fonts) are used. Deterministic:
the same inputs give the same datasets. Re-running skips images already written.
"""

import json
import os
import subprocess
import sys

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
FONT_PLAIN = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
REGIONS = ["NORDHAVEN", "VALMORA", "Kestria", "OSTREA", "Lindmark", "CARAVEL"]
SLOGANS = ["Land of Lakes", "visit valmora", "The Coastal State", "EST. 1889", "drive safely", "Sunshine"]
BANDS = ["0xf2f2ee", "0xf4eec8", "0xe6eef6", "0xffffff"]
INKS = ["0x8a1010", "0x123a8a", "0x1a5a1a", "0x202020"]


def ffmpeg(arguments):
    subprocess.run(["ffmpeg", "-v", "error", "-y", *arguments], check=True)


def escape(text):
    return text.replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'")


def text_filter(text, x, y, size, color, font=FONT, box=None):
    spec = f"drawtext=fontfile={font}:text='{escape(text)}':x={x}:y={y}:fontsize={size}:fontcolor={color}"
    if box:
        spec += f":box=1:boxcolor={box}:boxborderw={max(2, size // 4)}"
    return spec


def write_photo(source, target, filters):
    if os.path.exists(target):
        return
    os.makedirs(os.path.dirname(target), exist_ok=True)
    temporary = target + ".tmp.png" if target.endswith(".png") else target + ".tmp.jpg"
    ffmpeg(["-i", source, "-vf", ",".join(filters) or "null", "-q:v", "2", temporary])
    os.replace(temporary, target)


def scaled_size(width, height, factor):
    return max(2, int(round(width * factor / 2)) * 2), max(2, int(round(height * factor / 2)) * 2)


def small(entries, root, out):
    result = []
    for index, entry in enumerate(entries):
        x, y, w, h = entry["objects"][0]["box"]
        if h < 25:
            continue
        target_height = 25 + (index * 7) % 21
        factor = min(1.0, target_height / h)
        width, height = scaled_size(entry["width"], entry["height"], factor)
        fx, fy = width / entry["width"], height / entry["height"]
        name = entry["image"]
        write_photo(os.path.join(root, name), os.path.join(out, name), [f"scale={width}:{height}:flags=area"])
        objects = [{"class": o["class"], "box": [round(v * f, 1) for v, f in zip(o["box"], (fx, fy, fx, fy))]}
                   for o in entry["objects"]]
        result.append({"image": name, "width": width, "height": height, "objects": objects})
    return result


def stacked_filters(index, box):
    x, y, w, h = box
    above, below = round(0.45 * h), round(0.40 * h)
    band, ink = BANDS[index % len(BANDS)], INKS[index % len(INKS)]
    region, slogan = REGIONS[index % len(REGIONS)], SLOGANS[(index // 2) % len(SLOGANS)]
    top_size, bottom_size = max(6, round(0.36 * h)), max(5, round(0.28 * h))
    filters = [
        f"drawbox=x={x}:y={y - above}:w={w}:h={above}:color={band}:t=fill",
        f"drawbox=x={x}:y={y + h}:w={w}:h={below}:color={band}:t=fill",
        text_filter(region, f"{x}+({w}-text_w)/2", f"{y - above}+({above}-text_h)/2", top_size, ink),
        text_filter(slogan, f"{x}+({w}-text_w)/2", f"{y + h}+({below}-text_h)/2", bottom_size, ink, FONT_PLAIN),
    ]
    return filters, [x, y - above, w, h + above + below]


def stacked(entries, root, out, shrink):
    result = []
    for index, entry in enumerate(entries):
        x, y, w, h = entry["objects"][0]["box"]
        if y - 0.45 * h < 0 or y + 1.4 * h > entry["height"] or h < 12:
            continue
        filters, full = stacked_filters(index, [round(x), round(y), round(w), round(h)])
        width, height = entry["width"], entry["height"]
        if shrink:
            target = 40 + (index * 11) % 31
            factor = min(1.0, target / full[3])
            width, height = scaled_size(width, height, factor)
            filters.append(f"scale={width}:{height}:flags=area")
        fx, fy = width / entry["width"], height / entry["height"]
        name = entry["image"]
        write_photo(os.path.join(root, name), os.path.join(out, name), filters)
        box = [round(v * f, 1) for v, f in zip(full, (fx, fy, fx, fy))]
        result.append({"image": name, "width": width, "height": height, "objects": [{"class": "plate", "box": box}]})
    return result


def negatives_for(index, entry):
    """Five synthetic non-plates placed in the corners/edges farthest from the plate."""
    W, H = entry["width"], entry["height"]
    px, py, pw, ph = entry["objects"][0]["box"]
    unit = max(12, round(min(W, H) / 28))
    minute = (index * 7) % 60
    items = [
        ("stamp", f"2026-11-{10 + index % 20:02d}  1{index % 10}:{minute:02d}:{(index * 13) % 60:02d}",
         "white", None, FONT_PLAIN, unit),
        ("parking", f"P  2h  Mon-Fri 8-18", "white", "0x1f4fa0", FONT, unit),
        ("banner", ["BAKERY  OPEN 7 DAYS", "PHARMACY 24H", "CAFE ROMA", "AUTO PARTS"][index % 4],
         "0xf0e020", "0x902020", FONT, round(unit * 1.2)),
        ("food", f"Best before 12/2027  LOT {4400 + index}", "0x202020", "0xf8f4e0", FONT_PLAIN, round(unit * 0.8)),
        ("badge", ["4MATIC", "TDI", "HYBRID", "quattro", "GT-LINE", "xDrive30d"][index % 6],
         "0xd8d8d8", "0x303030", FONT, unit),
    ]
    # Candidate anchor points: a 3x3 grid; skip cells whose band overlaps the plate.
    anchors = [(ax, ay) for ay in (0.06, 0.45, 0.86) for ax in (0.04, 0.38, 0.66)]
    placed, filters = [], []
    for kind, text, color, box, font, size in items:
        approximate_width = round(0.62 * size * len(text)) + size
        approximate_height = round(1.5 * size)
        for ax, ay in anchors:
            x, y = round(ax * W), round(ay * H)
            rect = [x - size // 3, y - size // 3, approximate_width, approximate_height]
            if x + approximate_width > W or y + approximate_height > H:
                continue
            if overlaps(rect, [px - ph, py - ph, pw + 2 * ph, 3 * ph]) or any(overlaps(rect, r) for _, r in placed):
                continue
            anchors.remove((ax, ay))
            placed.append((kind, rect))
            shadow = "0x000000@0.6" if kind == "stamp" else None
            filters.append(text_filter(text, x, y, size, color, font, box or shadow))
            break
    return filters, placed


def overlaps(a, b):
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def negatives(entries, root, out):
    result, boxes = [], {}
    for index, entry in enumerate(entries):
        filters, placed = negatives_for(index, entry)
        name = entry["image"]
        write_photo(os.path.join(root, name), os.path.join(out, name), filters)
        result.append(entry)
        boxes[name] = [{"kind": kind, "box": rect} for kind, rect in placed]
    with open(os.path.join(out, "negatives.json"), "w") as handle:
        json.dump(boxes, handle, indent=1)
    return result


def fisheye(eval_root, labels_path, out):
    labels = json.load(open(labels_path))
    video = os.path.join(eval_root, labels["video"])
    if not os.path.exists(video):
        return None
    result = []
    for frame in labels["frames"]:
        name = f"images/frame{frame['index']:03d}.png"
        target = os.path.join(out, name)
        if not os.path.exists(target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            ffmpeg(["-i", video, "-vf", f"select=eq(n\\,{frame['index']})", "-vsync", "0", "-frames:v", "1",
                    target + ".tmp.png"])
            os.replace(target + ".tmp.png", target)
        result.append({
            "image": name, "width": 2560, "height": 1920,
            "objects": [{"class": "plate", "box": b} for b in frame["plates"]],
            "ignore": [{"class": "plate", "box": b} for b in frame["unreadable"]],
        })
    return result


def main():
    eval_root, cache = sys.argv[1], sys.argv[2]
    repository = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    plates = os.path.join(eval_root, "plates-openalpr-eu-br")
    outputs = {}
    if os.path.isdir(plates):
        entries = json.load(open(os.path.join(plates, "annotations.json")))
        outputs["plates-small"] = small(entries, plates, os.path.join(cache, "plates-small"))
        outputs["plates-stacked"] = stacked(entries, plates, os.path.join(cache, "plates-stacked"), False)
        outputs["plates-stacked-small"] = stacked(entries, plates, os.path.join(cache, "plates-stacked-small"), True)
        outputs["plates-negatives"] = negatives(entries, plates, os.path.join(cache, "plates-negatives"))
    labels = os.path.join(repository, "docs", "labels", "gen2_test_lp_video.json")
    frames = fisheye(eval_root, labels, os.path.join(cache, "plates-fisheye-lp"))
    if frames is not None:
        outputs["plates-fisheye-lp"] = frames
    for name, entries in outputs.items():
        with open(os.path.join(cache, name, "annotations.json"), "w") as handle:
            json.dump(entries, handle, indent=1)
        print(f"{name}: {len(entries)} images")


if __name__ == "__main__":
    main()
