#!/usr/bin/env bash
# Portraits for the re-identification audit's tests (Tests/VeilAuditTests), from the source
# distribution of the PyPI package face_recognition 1.3.0 (MIT, Adam Geitgey). The photos are
# its own test images: official White House photographs by Pete Souza (works of a US federal
# employee, per their EXIF credit lines). Used only as test inputs; never committed.
#
# Called by scripts/setup.sh with FIXTURES (destination root), SUDO (empty or "sudo") and
# CACHE (download cache). Idempotent: files already present with the right sha256 are kept.
set -euo pipefail

FIXTURES="${FIXTURES:?set FIXTURES to the fixtures directory}"
SUDO="${SUDO-}"
CACHE="${CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/veil-setup}"

PACKAGE=face_recognition
VERSION=1.3.0
SDIST_SHA=5e5efdd1686aa566af0d3cc1313b131e4b197657a8ffd03669e6d3fad92705ec
# name in $FIXTURES/portraits | path inside the sdist | sha256
PORTRAITS="
obama.jpg|tests/test_images/obama.jpg|0930e3aa8cae5920329c0c8cbc6a2ab70f47b0e67b432875beaa95cbf7e741f6
obama2.jpg|tests/test_images/obama2.jpg|a7efcc907375274796f39646510704aa86672d59f6d5469d69af3c85590976a6
obama3.jpg|tests/test_images/obama3.jpg|76ac6bf97c36dc2da0ad16a537d6a5ac1b10f48d49aac29a0cca9a17cdbc3ca3
biden.jpg|tests/test_images/biden.jpg|3c17508bb91554c637a2eabddfae790e5bb1caba93130814fc2ac50be9760c4c
"

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }
sha_of() { sha256sum "$1" | cut -d' ' -f1; }
check_sha() { # file expected
  local got; got="$(sha_of "$1")"
  [ "$got" = "$2" ] || die "sha256 mismatch for $1: expected $2, got $got (download corrupted or package changed)"
}

destination="$FIXTURES/portraits"

all_present() {
  local name inner sha
  while IFS='|' read -r name inner sha; do
    [ -n "$name" ] || continue
    [ -f "$destination/$name" ] && [ "$(sha_of "$destination/$name")" = "$sha" ] || return 1
  done <<< "$PORTRAITS"
}

if all_present; then say "audit portraits: present"; exit 0; fi

say "audit portraits: from PyPI source distribution $PACKAGE==$VERSION"
sdists="$CACHE/sdists/$PACKAGE-$VERSION"
mkdir -p "$sdists"
archive="$sdists/$PACKAGE-$VERSION.tar.gz"
if [ ! -f "$archive" ] || [ "$(sha_of "$archive")" != "$SDIST_SHA" ]; then
  rm -f "$archive"
  # pip prepares the sdist's metadata (setup.py runs in an isolated build environment); no
  # code from it is installed.
  python3 -m pip download -q --no-deps --no-binary=:all: -d "$sdists" "$PACKAGE==$VERSION" \
    || die "could not download $PACKAGE==$VERSION from the package index"
fi
check_sha "$archive" "$SDIST_SHA"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
$SUDO mkdir -p "$destination"
while IFS='|' read -r name inner sha; do
  [ -n "$name" ] || continue
  if [ -f "$destination/$name" ] && [ "$(sha_of "$destination/$name")" = "$sha" ]; then continue; fi
  tar -xzf "$archive" -C "$tmp" "$PACKAGE-$VERSION/$inner" || die "$inner is missing from $archive"
  check_sha "$tmp/$PACKAGE-$VERSION/$inner" "$sha"
  $SUDO install -m 0644 "$tmp/$PACKAGE-$VERSION/$inner" "$destination/$name"
done <<< "$PORTRAITS"
say "audit portraits: verified in $destination"
