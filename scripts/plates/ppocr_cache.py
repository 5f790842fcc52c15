#!/usr/bin/env python3
"""Runs the PP-OCRv4 text detector over a plate dataset and caches the probability maps.

Research prototype for Veil's plate detector (see docs/PLATES.md). Not used by Veil itself.

    python ppocr_cache.py DATASET_DIR MODEL.onnx CACHE_DIR --max-side 960 [--threads 2]

Writes CACHE_DIR/max<L>/<index>.npz (prob map as float16, input size, image size, ms).
Preprocessing follows rapidocr-onnxruntime 1.4.4's DetPreProcess: BGR, x/255, mean 0.5,
std 0.5, CHW; here the *longer* side is limited to L (rapidocr's default limits the shorter
side to 736, which costs ~2x the pixels on these photos), then each side is rounded to a
multiple of 32.
"""
import argparse, json, os, time
import cv2, numpy as np, onnxruntime as ort


def preprocess(img, max_side):
    h, w = img.shape[:2]
    ratio = min(1.0, max_side / max(h, w))
    rh = max(32, int(round(int(h * ratio) / 32) * 32))
    rw = max(32, int(round(int(w * ratio) / 32) * 32))
    resized = cv2.resize(img, (rw, rh))
    x = (resized.astype(np.float32) / 255.0 - 0.5) / 0.5
    return x.transpose(2, 0, 1)[None], (rw, rh)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset"); ap.add_argument("model"); ap.add_argument("cache")
    ap.add_argument("--max-side", type=int, default=960)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    so = ort.SessionOptions(); so.intra_op_num_threads = a.threads; so.inter_op_num_threads = 1
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    sess = ort.InferenceSession(a.model, so, providers=["CPUExecutionProvider"])
    ann = json.load(open(os.path.join(a.dataset, "annotations.json")))
    out = os.path.join(a.cache, f"max{a.max_side}"); os.makedirs(out, exist_ok=True)
    total = 0.0
    for i, item in enumerate(ann):
        img = cv2.imread(os.path.join(a.dataset, item["image"]))
        assert img is not None
        if (img.shape[1], img.shape[0]) != (item["width"], item["height"]):
            print("size mismatch", item["image"], img.shape, item["width"], item["height"])
        t0 = time.perf_counter()
        x, (rw, rh) = preprocess(img, a.max_side)
        prob = sess.run(None, {"x": x})[0][0, 0]
        ms = (time.perf_counter() - t0) * 1000
        total += ms
        np.savez(os.path.join(out, f"{i}.npz"), prob=prob.astype(np.float16),
                 input=np.array([rw, rh]), image=np.array([img.shape[1], img.shape[0]]), ms=ms)
    print(f"max side {a.max_side}: {len(ann)} images, preprocess+inference {total/len(ann):.1f} ms/image")


if __name__ == "__main__":
    main()
