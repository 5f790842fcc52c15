#!/usr/bin/env bash
# `make eval`: runs `veil evaluate` on every dataset present under the evaluation root
# (default ../shared/eval); skips cleanly when there is none.
set -euo pipefail
VEIL="$1"
ROOT="$2"
if [ ! -d "$ROOT" ]; then echo "no evaluation data at $ROOT; nothing to do"; exit 0; fi
for set in faces-dlib faces-masks-dev; do
  [ -f "$ROOT/$set/annotations.json" ] || continue
  echo "== $set"
  "$VEIL" evaluate "$ROOT/$set" --targets face --min-size 16
done
