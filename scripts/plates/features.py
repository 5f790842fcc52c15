"""Hand features of a text box for plate verification (mirrored in Swift by PlateVerifier).

All computed on the text box's luma, resampled to a fixed height of 24 px (area
interpolation), so they do not depend on the photo's resolution.
"""
import cv2, numpy as np

CROP_HEIGHT = 24
NAMES = ["logAspect", "dbScore", "logRelHeight", "meanLuma", "contrast", "darkFraction",
         "transitionsPerHeight", "glyphsPerHeight", "glyphHeightSpread", "saturation", "centerY"]


def otsu(gray):
    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    total = gray.size; sum_all = np.dot(np.arange(256), hist)
    best, thr, wb, sb = -1.0, 0, 0.0, 0.0
    for t in range(256):
        wb += hist[t]
        if wb == 0: continue
        wf = total - wb
        if wf == 0: break
        sb += t * hist[t]
        mb = sb / wb; mf = (sum_all - sb) / wf
        v = wb * wf * (mb - mf) ** 2
        if v > best: best, thr = v, t
    return thr


def glyph_stats(binary):
    """Connected components (8-conn) of foreground=1 whose height is 35–95 % of the crop."""
    h = binary.shape[0]
    n, _, stats, _ = cv2.connectedComponentsWithStats(binary.astype(np.uint8), connectivity=8)
    heights = [stats[k, cv2.CC_STAT_HEIGHT] for k in range(1, n)
               if 0.35 * h <= stats[k, cv2.CC_STAT_HEIGHT] <= 0.95 * h
               and stats[k, cv2.CC_STAT_WIDTH] <= 1.2 * h]
    return heights


def features(img_bgr, box, db_score):
    H, W = img_bgr.shape[:2]
    x0, y0, x1, y1 = [int(round(v)) for v in box]
    x0, y0 = max(0, x0), max(0, y0); x1, y1 = min(W, x1), min(H, y1)
    tw, th = max(1, x1 - x0), max(1, y1 - y0)
    crop = img_bgr[y0:y0 + th, x0:x0 + tw]
    cw = max(1, int(round(tw * CROP_HEIGHT / th)))
    crop = cv2.resize(crop, (cw, CROP_HEIGHT), interpolation=cv2.INTER_AREA)
    b, g, r = [crop[..., k].astype(np.float32) for k in range(3)]
    luma = 0.114 * b + 0.587 * g + 0.299 * r
    gray = np.clip(luma + 0.5, 0, 255).astype(np.uint8)
    mx = np.maximum(np.maximum(b, g), r); mn = np.minimum(np.minimum(b, g), r)
    sat = np.where(mx > 0, (mx - mn) / np.maximum(mx, 1), 0)
    t = otsu(gray)
    dark = gray <= t
    mid = dark[CROP_HEIGHT // 4: 3 * CROP_HEIGHT // 4]
    transitions = np.mean(np.sum(mid[:, 1:] != mid[:, :-1], axis=1))
    hd, hl = glyph_stats(dark), glyph_stats(~dark)
    heights = hd if len(hd) >= len(hl) else hl
    spread = (np.std(heights) / np.mean(heights)) if len(heights) >= 2 else 1.0
    aspect = cw / CROP_HEIGHT
    return np.array([
        np.log(tw / th), db_score, np.log(th / H), luma.mean() / 255, luma.std() / 255,
        dark.mean(), transitions / aspect, len(heights) / aspect, spread, sat.mean(),
        (y0 + y1) / 2 / H,
    ])
