#!/usr/bin/env python3
"""Build tiny synthetic YOLO-layout ONNX models for YOLOPlateDetector's tests.

Usage: make_test_yolo_models.py OUTDIR

Each model ignores its image (it reduces the input to one number and multiplies it by zero)
and returns a constant tensor, so the tests know exactly which boxes the decoder must find.
Boxes are in letterboxed input pixels (centre x, centre y, width, height), as real YOLO
exports give them; the tests map them back to image coordinates themselves.

Written to OUTDIR:
  yolov8_constant.onnx   input [1, 3, 320, 320]; output [1, 4 + 2, 100] (classes: 0 plate,
                         1 car), YOLOv8/v11 layout, no objectness
  yolov5_constant.onnx   input [batch, 3, height, width] (symbolic); output [1, 100, 5 + 2],
                         YOLOv5 layout, objectness then class scores
  two_outputs.onnx       input [1, 3, 320, 320]; two outputs, like a face model (YuNet has 12)
  rank2_output.onnx      input [1, 3, 320, 320]; output [100, 6], neither layout
  grey_input.onnx        input [1, 1, 320, 320] (one channel), output in the YOLOv8 layout
  int64_output.onnx      input [1, 3, 320, 320]; output [1, 6, 100] of int64 (the YOLOv8 shape,
                         another element type: ONNX Runtime's shim refuses non-float outputs)

Needs the `onnx` and `numpy` packages (the setup's venv at ~/.cache/veil-setup/venv has them).
"""

import os
import sys

import numpy as np

import onnx_constant

# Candidates per output, far fewer than a real export's 8400 so the models stay tiny.
CANDIDATES = 100

# (centre x, centre y, width, height, plate score, car score) in 320 x 320 input pixels.
V8_BOXES = [
    (160.0, 150.0, 80.0, 40.0, 0.9, 0.0),  # the plate the tests look for
    (170.0, 154.0, 80.0, 40.0, 0.6, 0.0),  # overlaps it (IoU ~0.65): removed by NMS at 0.45
    (60.0, 250.0, 40.0, 20.0, 0.1, 0.0),  # weak: below the default score floor 0.2
    (260.0, 60.0, 50.0, 30.0, 0.05, 0.8),  # a "car": kept only when every class counts
]

# (centre x, centre y, width, height, objectness, plate score, car score) in 640 x 640 input
# pixels: the v5 model's input is symbolic, so the detector uses its default side, 640.
V5_BOXES = [
    (320.0, 300.0, 160.0, 80.0, 0.9, 1.0, 0.0),  # score 0.9 x 1.0 = 0.9
    (340.0, 308.0, 160.0, 80.0, 0.8, 0.75, 0.0),  # score 0.6, overlaps the first
    (120.0, 500.0, 80.0, 40.0, 0.5, 0.2, 0.0),  # score 0.1: below the default floor
    (520.0, 120.0, 100.0, 60.0, 1.0, 0.05, 0.8),  # a "car"
]


def constant_model(path, input_shape, outputs, output_type=onnx_constant.TensorProto.FLOAT):
    """A constant model (onnx_constant.py) with this family's input name, "images"."""
    onnx_constant.constant_model(path, input_shape, outputs, "images", output_type)


def yolov8_output():
    """[1, 4 + C, N]: one column per candidate."""
    output = np.zeros((1, 4 + 2, CANDIDATES), dtype=np.float32)
    for index, box in enumerate(V8_BOXES):
        output[0, :, index] = box
    return output


def yolov5_output():
    """[1, N, 5 + C]: one row per candidate."""
    output = np.zeros((1, CANDIDATES, 5 + 2), dtype=np.float32)
    for index, box in enumerate(V5_BOXES):
        output[0, index, :] = box
    return output


def main(arguments):
    if len(arguments) != 2:
        sys.exit(__doc__)
    directory = arguments[1]
    os.makedirs(directory, exist_ok=True)
    square = [1, 3, 320, 320]
    constant_model(os.path.join(directory, "yolov8_constant.onnx"), square, [("output0", yolov8_output())])
    constant_model(
        os.path.join(directory, "yolov5_constant.onnx"),
        ["batch", 3, "height", "width"],
        [("output0", yolov5_output())],
    )
    constant_model(
        os.path.join(directory, "two_outputs.onnx"),
        square,
        [("cls_8", np.zeros((1, 1600, 1))), ("bbox_8", np.zeros((1, 1600, 4)))],
    )
    constant_model(os.path.join(directory, "rank2_output.onnx"), square, [("output0", np.zeros((CANDIDATES, 6)))])
    constant_model(os.path.join(directory, "grey_input.onnx"), [1, 1, 320, 320], [("output0", yolov8_output())])
    constant_model(
        os.path.join(directory, "int64_output.onnx"),
        square,
        [("output0", yolov8_output())],
        onnx_constant.TensorProto.INT64,
    )


if __name__ == "__main__":
    main(sys.argv)
