"""Static INT8 quantization (ONNX Runtime QDQ, per-channel weights) of Veil's detectors.

    python quantize_model.py MODEL_IN MODEL_OUT --kind centerface|ppocr --calibration DIR [DIR ...]

Calibration images (PNG/JPEG files in the given folders, or image files named directly) are
turned into a fixed set of input tensors at the video-mode size: crops, whole-image fits,
mosaics (small faces) and mirror images, drawn with a fixed seed in sorted file order, so the
same inputs give the same model. Inputs are prepared exactly as Veil prepares them:
CenterFace RGB 0..255 on a 640x384 canvas (640x360 content, zero padded below), PP-OCR BGR
(v/255-0.5)/0.5 at 640x352. Spatial input dimensions stay dynamic.

Prints one summary line; exits non-zero with a message on failure.
Needs onnxruntime, onnx, numpy and pillow.
"""

import argparse
import contextlib
import logging
import os
import sys
import tempfile
import time
import warnings

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp")
OPSET = 13  # per-channel QDQ (DequantizeLinear with axis) needs opset 13
CONTENT = {"centerface": (640, 360), "ppocr": (640, 352)}  # (width, height) of the picture
CANVAS = {"centerface": (640, 384), "ppocr": (640, 352)}  # model input (multiples of 32)
# Measured best on held-out sets (CenterFace: every op quantized; quantizing only Conv left
# Relu/Add in float with extra Q/DQ pairs and lost a third of the speed-up. PP-OCR: Conv and
# ConvTranspose only; quantizing its HardSigmoid/Mul/Add too cost text-map agreement.)
DEFAULT_PERCENTILE = {"centerface": 99.99, "ppocr": 99.999}
DEFAULT_OP_TYPES = {"centerface": "", "ppocr": "Conv,ConvTranspose"}
CHUNK = 4  # calibration tensors per histogram pass
TEXT_CHARACTERS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


class QuantizeError(Exception):
    pass


def image_paths(sources):
    paths = []
    for source in sources:
        if os.path.isdir(source):
            names = sorted(os.listdir(source))
            paths += [os.path.join(source, n) for n in names if n.lower().endswith(IMAGE_SUFFIXES)]
        elif os.path.isfile(source):
            paths.append(source)
        else:
            raise QuantizeError(f"calibration source not found: {source}")
    if not paths:
        raise QuantizeError("no calibration images (.png/.jpg/.jpeg/.bmp/.webp) in " + " ".join(sources))
    return paths


def random_crop(image, rng, aspect, min_fraction):
    """A crop of the given aspect (w/h) covering at least min_fraction of the largest such crop."""
    width, height = image.size
    full_w, full_h = (width, width / aspect) if width / aspect <= height else (height * aspect, height)
    fraction = rng.uniform(min_fraction, 1.0)
    crop_w, crop_h = max(8, full_w * fraction), max(8, full_h * fraction)
    left = rng.uniform(0, width - crop_w)
    top = rng.uniform(0, height - crop_h)
    return image.crop((int(left), int(top), int(left + crop_w), int(top + crop_h)))


def fitted(image, size):
    """The whole image scaled to fit size (aspect kept), centred on black."""
    from PIL import Image

    scale = min(size[0] / image.width, size[1] / image.height)
    scaled = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.BILINEAR)
    canvas = Image.new("RGB", size)
    canvas.paste(scaled, ((size[0] - scaled.width) // 2, (size[1] - scaled.height) // 2))
    return canvas


def draw_text_patches(picture, rng):
    """Plate-like dark-on-light and light-on-dark character strips, so the text detector's
    activations on text are inside the calibrated ranges."""
    from PIL import ImageDraw, ImageFont

    draw = ImageDraw.Draw(picture)
    for _ in range(int(rng.integers(1, 4))):
        size = int(rng.integers(10, 40))
        try:
            font = ImageFont.load_default(size=size)
        except (TypeError, OSError):  # Pillow without FreeType: fixed bitmap font
            font = ImageFont.load_default()
        text = "".join(rng.choice(list(TEXT_CHARACTERS), size=int(rng.integers(4, 9))))
        box = draw.textbbox((0, 0), text, font=font)
        text_w, text_h = box[2] - box[0], box[3] - box[1]
        pad = max(2, size // 4)
        x = int(rng.integers(0, max(1, picture.width - text_w - 2 * pad)))
        y = int(rng.integers(0, max(1, picture.height - text_h - 2 * pad)))
        light, dark = int(rng.integers(180, 256)), int(rng.integers(0, 70))
        background, foreground = (light, dark) if rng.random() < 0.7 else (dark, light)
        draw.rectangle((x, y, x + text_w + 2 * pad, y + text_h + 2 * pad), fill=(background,) * 3)
        draw.text((x + pad - box[0], y + pad - box[1]), text, font=font, fill=(foreground,) * 3)
    return picture


def calibration_pictures(paths, kind, count, seed):
    """count RGB pictures of the content size, deterministic for given files and seed."""
    from PIL import Image, ImageOps

    rng = __import__("numpy").random.default_rng(seed)
    images = []
    for path in paths:
        try:
            with Image.open(path) as opened:
                images.append(ImageOps.exif_transpose(opened).convert("RGB"))
        except Exception as error:  # noqa: BLE001 - any unreadable file is a usage error
            raise QuantizeError(f"cannot read calibration image {path}: {error}") from error
    size = CONTENT[kind]
    aspect = size[0] / size[1]
    pictures = []
    for index in range(count):
        style = index % 4
        image = images[(index // 4 + index) % len(images)]
        if style == 0:  # large faces: a crop filling the frame
            picture = random_crop(image, rng, aspect, 0.35).resize(size, Image.BILINEAR)
        elif style == 1:  # the whole picture, letterboxed
            picture = fitted(image, size)
        else:  # mosaics of 2x2 / 4x4 cells: mid-size and small faces
            grid = 2 if style == 2 else 4
            picture = Image.new("RGB", size)
            cell = (size[0] // grid, size[1] // grid)
            for row in range(grid):
                for column in range(grid):
                    source = images[int(rng.integers(len(images)))]
                    tile = random_crop(source, rng, cell[0] / cell[1], 0.3).resize(cell, Image.BILINEAR)
                    picture.paste(tile, (column * cell[0], row * cell[1]))
        if rng.random() < 0.5:
            picture = ImageOps.mirror(picture)
        if kind == "ppocr":
            picture = draw_text_patches(picture, rng)
        pictures.append(picture)
    return pictures


def to_tensor(picture, kind):
    import numpy as np

    pixels = np.asarray(picture, dtype=np.float32)  # H, W, RGB
    width, height = CANVAS[kind]
    if kind == "centerface":
        tensor = np.zeros((1, 3, height, width), dtype=np.float32)
        tensor[0, :, : pixels.shape[0], : pixels.shape[1]] = pixels.transpose(2, 0, 1)
        return tensor
    bgr = pixels[:, :, ::-1]
    return np.ascontiguousarray(((bgr / 255.0 - 0.5) / 0.5).transpose(2, 0, 1)[None], dtype=np.float32)


def prepared_model(src, work):
    """The fp32 model ready to quantize: weights not graph inputs, unused initializers gone,
    opset 13, every node named, ONNX Runtime's basic fusions (BatchNorm into Conv) and shapes."""
    import onnx
    from onnx import version_converter
    from onnxruntime.quantization.shape_inference import quant_pre_process

    try:
        model = onnx.load(src)
    except Exception as error:  # noqa: BLE001
        raise QuantizeError(f"cannot load {src}: {error}") from error
    graph = model.graph
    weights = {tensor.name for tensor in graph.initializer}
    inputs = [value for value in graph.input if value.name not in weights]
    if len(inputs) != 1:
        raise QuantizeError(f"{src}: expected one image input, found {len(inputs)}")
    del graph.input[:]
    graph.input.extend(inputs)
    used = {name for node in graph.node for name in node.input} | {value.name for value in graph.output}
    kept = [tensor for tensor in graph.initializer if tensor.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    opset = next((entry.version for entry in model.opset_import if entry.domain in ("", "ai.onnx")), 0)
    if opset < OPSET:
        model = version_converter.convert_version(model, OPSET)
    for index, node in enumerate(model.graph.node):
        if not node.name:
            node.name = f"{node.op_type}_{index}"
    raw = os.path.join(work, "prepared_raw.onnx")
    onnx.save(model, raw)
    processed = os.path.join(work, "prepared.onnx")
    quant_pre_process(raw, processed, skip_symbolic_shape=True)  # sympy not needed for CNNs
    return processed


def tail_nodes(model_path, kind):
    """Nodes kept in float: the detection heads (CenterFace: the four 1x1 output convolutions
    and the sigmoid; PP-OCR: the last transposed convolution, its bias add and the sigmoid)."""
    import onnx

    graph = onnx.load(model_path).graph
    outputs = {value.name for value in graph.output}
    producers = {output: node for node in graph.node for output in node.output}
    excluded = []
    if kind == "centerface":
        for name in outputs:
            node = producers.get(name)
            while node is not None and node.op_type in ("Sigmoid", "Conv"):
                excluded.append(node.name)
                if node.op_type == "Conv":
                    break
                node = producers.get(node.input[0])
    else:
        node = producers.get(next(iter(outputs)))
        while node is not None and node.op_type in ("Sigmoid", "Add", "ConvTranspose"):
            excluded.append(node.name)
            if node.op_type == "ConvTranspose":
                break
            node = producers.get(node.input[0])
    return excluded


def quantize(args):
    import numpy as np
    import onnx
    import onnxruntime as ort
    from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType
    from onnxruntime.quantization import quantize_static

    ort.set_default_logger_severity(3)
    logging.disable(logging.WARNING)
    warnings.filterwarnings("ignore")
    np.random.seed(args.seed)

    paths = image_paths(args.calibration)
    pictures = calibration_pictures(paths, args.kind, args.samples, args.seed)
    tensors = [to_tensor(picture, args.kind) for picture in pictures]

    with tempfile.TemporaryDirectory(prefix="veil-quantize-") as work:
        prepared = prepared_model(args.model_in, work)
        input_name = onnx.load(prepared).graph.input[0].name

        class Reader(CalibrationDataReader):
            """Feeds the tensors; set_range lets ONNX Runtime calibrate in chunks."""

            def __init__(self):
                self.set_range(0, len(tensors))

            def __len__(self):
                return len(tensors)

            def set_range(self, start_index, end_index):
                self.items = iter(tensors[start_index:end_index])

            def get_next(self):
                tensor = next(self.items, None)
                return None if tensor is None else {input_name: tensor}

            def rewind(self):
                self.set_range(0, len(tensors))

        excluded = tail_nodes(prepared, args.kind) if args.float_head else []
        method = {
            "minmax": CalibrationMethod.MinMax,
            "percentile": CalibrationMethod.Percentile,
            "entropy": CalibrationMethod.Entropy,
        }[args.calibrate]
        extra = {"ActivationSymmetric": False, "WeightSymmetric": True}
        if args.calibrate == "percentile":
            extra["CalibPercentile"] = args.percentile
        if args.calibrate != "minmax" and len(tensors) % CHUNK == 0:
            # Histogram calibrators keep every activation of every tensor they are fed (about
            # 10 GB for CenterFace at 32 tensors); in chunks the histograms are merged instead.
            extra["CalibStridedMinMax"] = CHUNK
        op_types = [op for op in args.op_types.split(",") if op] or None
        with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):  # calibrators print
            quantize_static(
                prepared,
                args.model_out,
                Reader(),
                quant_format=QuantFormat.QDQ,
                op_types_to_quantize=op_types,
                per_channel=True,
                reduce_range=False,
                activation_type=QuantType.QUInt8 if args.activations == "u8" else QuantType.QInt8,
                weight_type=QuantType.QInt8,
                nodes_to_exclude=excluded,
                calibrate_method=method,
                calibration_providers=["CPUExecutionProvider"],
                extra_options=extra,
            )
    return len(paths), len(tensors), len(excluded)


def check(path, kind):
    """The quantized model loads and runs at the calibration size and at another size."""
    import numpy as np
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    for height, width in ((CANVAS[kind][1], CANVAS[kind][0]), (480, 320)):
        outputs = session.run(None, {name: np.zeros((1, 3, height, width), dtype=np.float32)})
        stride = 4 if kind == "centerface" else 1
        if outputs[0].shape[2:] != (height // stride, width // stride):
            raise QuantizeError(f"quantized model gives output {outputs[0].shape} for input {height}x{width}")


def main():
    parser = argparse.ArgumentParser(description="Static INT8 (QDQ, per-channel) quantization of a Veil detector.")
    parser.add_argument("model_in")
    parser.add_argument("model_out")
    parser.add_argument("--kind", required=True, choices=("centerface", "ppocr"))
    parser.add_argument("--calibration", required=True, nargs="+", metavar="DIR", help="folders or image files")
    parser.add_argument("--samples", type=int, default=32, help="calibration tensors (default 32)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--calibrate", choices=("minmax", "percentile", "entropy"), default="percentile")
    parser.add_argument("--percentile", type=float, help=f"default {DEFAULT_PERCENTILE}")
    parser.add_argument("--activations", choices=("u8", "s8"), default="u8")
    parser.add_argument("--op-types", help=f"comma-separated op types to quantize, empty for all; default {DEFAULT_OP_TYPES}")
    parser.add_argument("--float-head", action=argparse.BooleanOptionalAction, default=True,
                        help="keep the output layers in float (default on)")
    args = parser.parse_args()
    if args.percentile is None:
        args.percentile = DEFAULT_PERCENTILE[args.kind]
    if args.op_types is None:
        args.op_types = DEFAULT_OP_TYPES[args.kind]
    if args.samples < 1:
        parser.error("--samples must be positive")
    if os.path.abspath(args.model_in) == os.path.abspath(args.model_out):
        parser.error("MODEL_OUT must differ from MODEL_IN")
    started = time.monotonic()
    try:
        images, samples, excluded = quantize(args)
        check(args.model_out, args.kind)
    except QuantizeError as error:
        sys.exit(f"quantize_model: {error}")
    except ImportError as error:
        sys.exit(f"quantize_model: missing dependency ({error}); needs onnxruntime, onnx, numpy, pillow")
    except Exception as error:  # noqa: BLE001 - one clear line instead of a traceback
        sys.exit(f"quantize_model: failed: {type(error).__name__}: {error}")
    method = f"percentile {args.percentile}" if args.calibrate == "percentile" else args.calibrate
    print(
        f"quantized {os.path.basename(args.model_in)} -> {args.model_out} ({args.kind}, QDQ per-channel "
        f"{args.activations}/s8, {method}, ops {args.op_types or 'all'}, {samples} tensors from {images} images, "
        f"{excluded} float nodes, {os.path.getsize(args.model_out) / 1e6:.1f} MB, {time.monotonic() - started:.0f} s)"
    )


if __name__ == "__main__":
    main()
