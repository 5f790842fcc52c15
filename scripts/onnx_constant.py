"""The one ONNX building block of the synthetic test models (make_test_yolo_models.py,
make_test_face_models.py): a model that ignores its image and returns constant tensors, so a
test knows exactly what a decoder must find.

Needs the `onnx` and `numpy` packages (the setup's venv at ~/.cache/veil-setup/venv has them).
"""

import os

import numpy as np
from onnx import TensorProto, checker, helper, numpy_helper, save

# Old enough for any ONNX Runtime that Veil supports; ReduceMean still takes axes as an attribute.
OPSET = 17
IR_VERSION = 8


def constant_model(path, input_shape, outputs, input_name, output_type=TensorProto.FLOAT):
    """Saves a model whose outputs are constants plus 0 x mean(input).

    input_shape: the input's dimensions (ints or symbolic names); outputs: list of
    (name, numpy array), written as float32 (then cast to `output_type` when it is another
    ONNX element type, for tests of what the runtime refuses).
    """
    nodes = [
        helper.make_node("ReduceMean", [input_name], ["mean"], keepdims=0),
        helper.make_node("Mul", ["mean", "zero"], ["nothing"]),
    ]
    initializers = [numpy_helper.from_array(np.zeros((), dtype=np.float32), "zero")]
    graph_outputs = []
    for name, values in outputs:
        initializers.append(numpy_helper.from_array(values.astype(np.float32), name + "_constant"))
        if output_type == TensorProto.FLOAT:
            nodes.append(helper.make_node("Add", [name + "_constant", "nothing"], [name]))
        else:
            nodes.append(helper.make_node("Add", [name + "_constant", "nothing"], [name + "_float"]))
            nodes.append(helper.make_node("Cast", [name + "_float"], [name], to=output_type))
        graph_outputs.append(helper.make_tensor_value_info(name, output_type, list(values.shape)))
    graph = helper.make_graph(
        nodes,
        os.path.splitext(os.path.basename(path))[0],
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, input_shape)],
        graph_outputs,
        initializer=initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    checker.check_model(model)
    save(model, path)
