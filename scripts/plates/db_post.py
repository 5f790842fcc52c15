"""DB post-processing for PP-OCR text detection, as in rapidocr-onnxruntime 1.4.4, plus the
closed-form unclip Veil uses (a rectangle offset by d grows to (w + 2d) x (h + 2d) when
rounded corners are dropped by the following min-area rect)."""
import cv2, numpy as np, pyclipper


def unclip_distance(w, h, ratio):
    return (w * h) * ratio / (2 * (w + h))


def db_rects(prob, thresh=0.3, box_thresh=0.5, unclip_ratio=1.6, dilate=True, min_size=3,
             use_pyclipper=False):
    """Rotated rects ((cx, cy), (w, h), angle) in prob-map pixels, with scores."""
    bitmap = (prob > thresh).astype(np.uint8)
    if dilate:
        bitmap = cv2.dilate(bitmap, np.ones((2, 2), np.uint8))
    contours, _ = cv2.findContours(bitmap * 255, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    out = []
    H, W = prob.shape
    for c in contours[:1000]:
        rect = cv2.minAreaRect(c)
        if min(rect[1]) < min_size:
            continue
        pts = cv2.boxPoints(rect)
        x0, x1 = int(np.clip(np.floor(pts[:, 0].min()), 0, W - 1)), int(np.clip(np.ceil(pts[:, 0].max()), 0, W - 1))
        y0, y1 = int(np.clip(np.floor(pts[:, 1].min()), 0, H - 1)), int(np.clip(np.ceil(pts[:, 1].max()), 0, H - 1))
        mask = np.zeros((y1 - y0 + 1, x1 - x0 + 1), np.uint8)
        cv2.fillPoly(mask, [(pts - [x0, y0]).astype(np.int32)], 1)
        score = cv2.mean(prob[y0:y1 + 1, x0:x1 + 1].astype(np.float32), mask)[0]
        if score < box_thresh:
            continue
        w, h = rect[1]
        d = unclip_distance(w, h, unclip_ratio)
        if use_pyclipper:
            off = pyclipper.PyclipperOffset()
            off.AddPath(pts.tolist(), pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
            exp = np.array(off.Execute(d)).reshape(-1, 2).astype(np.float32)
            rect2 = cv2.minAreaRect(exp)
        else:
            rect2 = (rect[0], (w + 2 * d, h + 2 * d), rect[2])
        if min(rect2[1]) < min_size + 2:
            continue
        out.append((rect2, score))
    return out


def rect_to_box(rect, sx, sy):
    """Axis-aligned [x0, y0, x1, y1] in image pixels of a rotated rect in map pixels."""
    pts = cv2.boxPoints(rect)
    return [pts[:, 0].min() * sx, pts[:, 1].min() * sy, pts[:, 0].max() * sx, pts[:, 1].max() * sy]
