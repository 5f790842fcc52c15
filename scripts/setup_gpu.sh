#!/usr/bin/env bash
# Veil GPU setup (`make setup-gpu`, or `make setup GPU=1`): installs ONNX Runtime's GPU build,
# `onnxruntime-gpu[cuda,cudnn]` from PyPI, beside the CPU runtime that Veil links, into
# $PREFIX/lib/veil/onnxruntime-gpu, and records in runtime.json there what Veil loads for --gpu.
#
#   - The build follows the driver: onnxruntime-gpu 1.27+ targets CUDA 13, 1.26 and older CUDA 12.
#     The driver's CUDA version comes from nvidia-smi; GPU_CUDA=12 or GPU_CUDA=13 chooses without
#     a driver (an image built on a machine without a GPU).
#   - Every wheel is pinned by version and sha256 (scripts/gpu/requirements-cuda*.txt, pip's
#     --require-hashes) and unpacked, not pip-installed: Veil needs only the shared libraries.
#   - The provider libraries find the CUDA/cuDNN libraries by soname only (no run path to the
#     pip layout), so runtime.json lists them and Veil opens them itself before the runtime.
#   - Idempotent: a stamp holds the requirement file's sha256; re-running with it unchanged
#     does nothing. `make test` never runs this (the wheels are ~2 GB).
set -euo pipefail

PREFIX="${VEIL_PREFIX:-/usr/local}"
TARGET="$PREFIX/lib/veil/onnxruntime-gpu"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/veil-setup/gpu-wheels"
HERE="$(cd "$(dirname "$0")" && pwd)"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

say() { printf '[setup-gpu] %s\n' "$*"; }
die() { printf '[setup-gpu] error: %s\n' "$*" >&2; exit 1; }

# The CUDA major version to install for: GPU_CUDA, else the driver's (nvidia-smi's header).
cuda_major() {
  if [ -n "${GPU_CUDA:-}" ]; then
    case "$GPU_CUDA" in 12|13) echo "$GPU_CUDA"; return ;; *) die "GPU_CUDA must be 12 or 13, not '$GPU_CUDA'" ;; esac
  fi
  command -v nvidia-smi >/dev/null 2>&1 \
    || die "no NVIDIA driver found (nvidia-smi is missing); install the driver, or set GPU_CUDA=12 or 13 to install anyway"
  local version
  version="$(nvidia-smi 2>/dev/null | sed -n 's/.*CUDA Version: *\([0-9][0-9]*\)\..*/\1/p' | head -1)"
  [ -n "$version" ] || die "nvidia-smi did not report a CUDA version (is the driver loaded?); set GPU_CUDA=12 or 13 to install anyway"
  if [ "$version" -ge 13 ]; then echo 13; elif [ "$version" -eq 12 ]; then echo 12; else
    die "the driver supports CUDA $version; onnxruntime-gpu needs CUDA 12 or newer (update the driver)"
  fi
}

MAJOR="$(cuda_major)"
REQUIREMENTS="$HERE/gpu/requirements-cuda$MAJOR.txt"
[ -f "$REQUIREMENTS" ] || die "missing $REQUIREMENTS"
ORT_VERSION="$(sed -n 's/^onnxruntime-gpu==\([^ ]*\) .*/\1/p' "$REQUIREMENTS")"
STAMP="$TARGET/requirements.sha256"
WANT="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] && [ -f "$TARGET/runtime.json" ]; then
  say "onnxruntime-gpu $ORT_VERSION (CUDA $MAJOR): present in $TARGET"
  exit 0
fi

say "onnxruntime-gpu $ORT_VERSION for CUDA $MAJOR: downloading the pinned wheels (about 2 GB, verified by sha256)"
mkdir -p "$CACHE/cuda$MAJOR"
python3 -m pip download -q --no-deps --require-hashes --only-binary=:all: --python-version 3.11 --implementation cp \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
  --platform manylinux2014_x86_64 --platform manylinux_2_12_x86_64 --platform manylinux2010_x86_64 \
  --platform manylinux_2_5_x86_64 --platform manylinux1_x86_64 \
  -d "$CACHE/cuda$MAJOR" -r "$REQUIREMENTS"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# Only the wheels the requirement file names (the cache may hold older ones).
while read -r requirement _; do
  case "$requirement" in ''|'#'*) continue ;; esac
  name="${requirement%%==*}" version="${requirement##*==}"
  wheel="$(ls "$CACHE/cuda$MAJOR/$(echo "$name" | tr - _)-$version-"*.whl 2>/dev/null | head -1)"
  [ -n "$wheel" ] || die "pip did not download $requirement"
  unzip -q -o "$wheel" -d "$tmp/root" -x '*.dist-info/*'
done < "$REQUIREMENTS"

library="onnxruntime/capi/libonnxruntime.so.$ORT_VERSION"
[ -f "$tmp/root/$library" ] || die "the onnxruntime-gpu wheel has no $library"
[ -f "$tmp/root/onnxruntime/capi/libonnxruntime_providers_cuda.so" ] || die "the wheel has no CUDA provider library"
# Everything under nvidia/ that is a shared library, as Veil must open it first.
preload="$(cd "$tmp/root" && find nvidia -name '*.so*' -type f | LC_ALL=C sort \
  | python3 -c 'import json, sys; print(json.dumps([line.strip() for line in sys.stdin]))')"
printf '{"version": "%s", "cudaMajor": %s, "library": "%s", "preload": %s}\n' \
  "$ORT_VERSION" "$MAJOR" "$library" "$preload" > "$tmp/root/runtime.json"
echo "$WANT" > "$tmp/root/requirements.sha256"

$SUDO mkdir -p "$(dirname "$TARGET")"
$SUDO rm -rf "$TARGET.new"
$SUDO cp -r "$tmp/root" "$TARGET.new"
$SUDO rm -rf "$TARGET"
$SUDO mv "$TARGET.new" "$TARGET"
say "done: onnxruntime-gpu $ORT_VERSION (CUDA $MAJOR) in $TARGET; run Veil with --gpu"
