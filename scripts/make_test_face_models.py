#!/usr/bin/env python3
"""Build tiny synthetic face-detector ONNX models for FaceModelDetector's tests.

Usage: make_test_face_models.py OUTDIR

Each model ignores its image (0 x mean(input)) and returns constant tensors that *encode* the
faces below in the model family's own format (priors and variances for RetinaFace, anchor
distances for SCRFD, input pixels for YOLO-face). The encoding here is written from the
families' reference code, independently of Veil's Swift decoder, so the tests check that
Veil decodes them back to the same boxes and landmarks.

Written to OUTDIR:
  retinaface.onnx   input [1, 3, 320, 320]; outputs loc [1, N, 4], conf [1, N, 2],
                    landmarks [1, N, 10], N = 4200 priors (steps 8/16/32, 2 per cell)
  scrfd.onnx        input [1, 3, 320, 320]; nine outputs score_s [N_s, 1], bbox_s [N_s, 4],
                    kps_s [N_s, 10] for s = 8, 16, 32 (2 anchors per cell), insightface order
  yolov8_face.onnx  input [1, 3, 320, 320]; output [1, 20, 100] (cx, cy, w, h, score,
                    5 x (x, y, visibility))
  yolov5_face.onnx  input [batch, 3, height, width] (symbolic: Veil uses 640); output
                    [1, 100, 16] (cx, cy, w, h, objectness, 5 x (x, y), class score)
  unknown_face.onnx input [1, 3, 320, 320]; output [1, 7, 100]: no face layout

Needs the `onnx` and `numpy` packages (the setup's venv at ~/.cache/veil-setup/venv has them).
"""

import math
import os
import sys

import numpy as np

import onnx_constant

SIDE = 320
CANDIDATES = 100

# (x1, y1, x2, y2, score) in input pixels of a SIDE x SIDE input; landmarks follow from the box.
FACES = [
    (100.0, 80.0, 164.0, 160.0, 0.9),  # the face the tests look for
    (104.0, 84.0, 166.0, 162.0, 0.6),  # the same face again, weaker: removed by suppression
    (20.0, 250.0, 52.0, 290.0, 0.1),  # weak: below the tests' floor 0.2
    (240.0, 200.0, 264.0, 232.0, 0.7),  # a small second face
]


def landmarks(face):
    """Five points inside the box: eyes, nose, mouth corners (image-left first)."""
    x1, y1, x2, y2 = face[:4]
    w, h = x2 - x1, y2 - y1
    fractions = [(0.3, 0.35), (0.7, 0.35), (0.5, 0.55), (0.35, 0.75), (0.65, 0.75)]
    return [(x1 + fx * w, y1 + fy * h) for fx, fy in fractions]


def constant_model(path, input_shape, outputs):
    """A constant model (onnx_constant.py) with this family's input name, "input"."""
    onnx_constant.constant_model(path, input_shape, outputs, "input")


def retinaface_priors(side):
    """Pytorch_Retinaface's PriorBox: (cx, cy, w, h) normalised by the input size."""
    priors = []
    for step, sizes in [(8, (16, 32)), (16, (64, 128)), (32, (256, 512))]:
        cells = math.ceil(side / step)
        for i in range(cells):
            for j in range(cells):
                for size in sizes:
                    priors.append(((j + 0.5) * step / side, (i + 0.5) * step / side, size / side, size / side))
    return np.array(priors, dtype=np.float64)


def retinaface_outputs():
    priors = retinaface_priors(SIDE)
    count = len(priors)
    loc = np.zeros((1, count, 4))
    conf = np.zeros((1, count, 2))
    conf[0, :, 0] = 1.0  # background everywhere else
    marks = np.zeros((1, count, 10))
    variance = (0.1, 0.2)
    # Each face is encoded on the nearest prior of its own size, so no two share one.
    for face, size in zip(FACES, (64, 128, 32, 16)):
        x1, y1, x2, y2, score = face
        cx, cy, w, h = (x1 + x2) / 2 / SIDE, (y1 + y2) / 2 / SIDE, (x2 - x1) / SIDE, (y2 - y1) / SIDE
        index = min(
            range(count),
            key=lambda k: (abs(priors[k][2] - size / SIDE) > 1e-9, (priors[k][0] - cx) ** 2 + (priors[k][1] - cy) ** 2),
        )
        pcx, pcy, pw, ph = priors[index]
        loc[0, index] = [
            (cx - pcx) / (variance[0] * pw),
            (cy - pcy) / (variance[0] * ph),
            math.log(w / pw) / variance[1],
            math.log(h / ph) / variance[1],
        ]
        conf[0, index] = [1 - score, score]
        for point, (lx, ly) in enumerate(landmarks(face)):
            marks[0, index, point * 2] = (lx / SIDE - pcx) / (variance[0] * pw)
            marks[0, index, point * 2 + 1] = (ly / SIDE - pcy) / (variance[0] * ph)
    return [("loc", loc), ("conf", conf), ("landmarks", marks)]


def scrfd_outputs():
    """insightface's SCRFD: per stride, anchor centres (x * s, y * s), 2 anchors each."""
    anchors = 2
    levels = {}
    for stride in (8, 16, 32):
        cells = SIDE // stride
        levels[stride] = (np.zeros((cells * cells * anchors, 1)), np.zeros((cells * cells * anchors, 4)),
                          np.zeros((cells * cells * anchors, 10)))
    for number, face in enumerate(FACES):
        x1, y1, x2, y2, score = face
        stride = 16 if number != 3 else 8
        cells = SIDE // stride
        column = int(((x1 + x2) / 2) // stride)
        row = int(((y1 + y2) / 2) // stride)
        index = (row * cells + column) * anchors + (number % anchors)
        cx, cy = column * stride, row * stride
        scores, boxes, kps = levels[stride]
        scores[index, 0] = score
        boxes[index] = [(cx - x1) / stride, (cy - y1) / stride, (x2 - cx) / stride, (y2 - cy) / stride]
        for point, (lx, ly) in enumerate(landmarks(face)):
            kps[index, point * 2] = (lx - cx) / stride
            kps[index, point * 2 + 1] = (ly - cy) / stride
    outputs = []
    for kind, position in (("score", 0), ("bbox", 1), ("kps", 2)):
        for stride in (8, 16, 32):
            outputs.append((f"{kind}_{stride}", levels[stride][position]))
    return outputs


def yolov8_face_output():
    output = np.zeros((1, 4 + 1 + 15, CANDIDATES))
    for index, face in enumerate(FACES):
        x1, y1, x2, y2, score = face
        column = [(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1, score]
        for lx, ly in landmarks(face):
            column += [lx, ly, 0.9]
        output[0, :, index] = column
    return output


def yolov5_face_output(side):
    """Boxes scaled to a side x side input (the symbolic model runs at 640)."""
    factor = side / SIDE
    output = np.zeros((1, CANDIDATES, 16))
    for index, face in enumerate(FACES):
        x1, y1, x2, y2 = (value * factor for value in face[:4])
        score = face[4]
        row = [(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1, 1.0]
        for lx, ly in landmarks(face):
            row += [lx * factor, ly * factor]
        row.append(score)
        output[0, index] = row
    return output


def main(arguments):
    if len(arguments) != 2:
        sys.exit(__doc__)
    directory = arguments[1]
    os.makedirs(directory, exist_ok=True)
    square = [1, 3, SIDE, SIDE]
    constant_model(os.path.join(directory, "retinaface.onnx"), square, retinaface_outputs())
    constant_model(os.path.join(directory, "scrfd.onnx"), square, scrfd_outputs())
    constant_model(os.path.join(directory, "yolov8_face.onnx"), square, [("output0", yolov8_face_output())])
    constant_model(
        os.path.join(directory, "yolov5_face.onnx"),
        ["batch", 3, "height", "width"],
        [("output", yolov5_face_output(640))],
    )
    constant_model(os.path.join(directory, "unknown_face.onnx"), square, [("output0", np.zeros((1, 7, CANDIDATES)))])


if __name__ == "__main__":
    main(sys.argv)
