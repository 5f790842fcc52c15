#!/usr/bin/env bash
# Photos per second and peak RSS: Veil at its defaults (faces and plates), Veil with
# `--targets face` (what deface does), and deface 1.5.0 at its defaults, side by side on one
# folder of photos (faces-masks-dev: 427 crowded web photos), one after another, with ratios
# against deface. Run by `make bench` (scripts/bench.sh) and alone by `make bench-photos`;
# appends its table (machine and command included) to docs/BENCHMARKS.md unless told not to.
#
# Usage: scripts/bench_photos.sh VEIL [WORK] [EVAL_ROOT] [--no-append]
#
# CPU time (user + system) holds when other work loads the machine; wall time (photos/s) does
# not: on a shared machine compare the CPU columns. deface writes next to its inputs, so it
# runs on a copy; it is installed into a throw-away virtualenv under WORK.
set -euo pipefail
VEIL="$(realpath "$1")"
WORK="${2:-.bench}"
EVAL_ROOT="${3:-../shared/eval}"
APPEND=1
[ "${4:-}" = "--no-append" ] && APPEND=0
PHOTOS="$EVAL_ROOT/faces-masks-dev/images"
if [ ! -d "$PHOTOS" ]; then
  echo "[bench] no photos at $PHOTOS: photo section skipped"
  exit 0
fi
mkdir -p "$WORK"

VENV="$WORK/deface-venv"
if [ ! -x "$VENV/bin/deface" ]; then
  echo "[bench] installing deface 1.5.0 into a throw-away virtualenv ($VENV)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "deface==1.5.0"
fi

# run NAME COMMAND...: wall seconds, peak RSS (KB), user and system seconds into $WORK/NAME.stats
run() {
  local name="$1"; shift
  /usr/bin/time -f "%e %M %U %S" -o "$WORK/$name.stats" "$@" > "$WORK/$name.log" 2>&1 \
    || { echo "[bench] $name failed, see $WORK/$name.log"; tail -5 "$WORK/$name.log"; exit 1; }
}

rm -rf "$WORK/photos-deface" "$WORK/photos-veil-out" "$WORK/photos-veil-face-out"
mkdir -p "$WORK/photos-deface"
cp "$PHOTOS"/* "$WORK/photos-deface/"
COUNT=$(ls "$PHOTOS" | wc -l)
echo "[bench] photos: $COUNT files of $PHOTOS"
run photos-veil "$VEIL" anonymize "$PHOTOS" -o "$WORK/photos-veil-out" --quiet
run photos-veil-face "$VEIL" anonymize "$PHOTOS" -o "$WORK/photos-veil-face-out" --targets face --quiet
run photos-deface "$VENV/bin/deface" "$WORK/photos-deface"

python3 - "$WORK" "$COUNT" "$APPEND" <<'PY'
import datetime, os, platform, subprocess, sys
work, photos, append = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
def stats(name):
    wall, rss_kb, user, system = open(f"{work}/{name}.stats").read().split()[-4:]
    return float(wall), float(rss_kb) / 1024, float(user) + float(system)
runs = [("photos-veil", "veil anonymize DIR -o OUT (faces + plates)"),
        ("photos-veil-face", "veil anonymize DIR -o OUT --targets face"),
        ("photos-deface", "deface 1.5.0 DIR (faces)")]
measured = {name: stats(name) for name, _ in runs}
deface_wall, deface_rss, deface_cpu = measured["photos-deface"]
cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
                     capture_output=True, text=True).stdout.strip()
load = os.getloadavg()[0]
lines = [f"### {datetime.date.today()} — photos: {photos} files of faces-masks-dev, one folder, each tool at its defaults",
         "", f"Machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, load average "
         f"{load:.1f} at the end. Command: `scripts/bench_photos.sh` (part of `make bench`).", "",
         "| run | wall s | CPU s | photos/s | photos per CPU-s | peak RSS MB | photos/s ÷ deface's | "
         "photos per CPU-s ÷ deface's | RSS ÷ deface's |",
         "|---|---|---|---|---|---|---|---|---|"]
for name, label in runs:
    wall, rss, cpu_s = measured[name]
    lines.append(f"| {label} | {wall:.1f} | {cpu_s:.1f} | {photos / wall:.1f} | {photos / cpu_s:.1f} | {rss:.0f} | "
                 f"{deface_wall / wall:.2f}× | {deface_cpu / cpu_s:.2f}× | {rss / deface_rss:.2f}× |")
lines += ["", "Target (issue 16): photos/s ≥ deface's (ratio ≥ 1) with peak RSS ≤ 300 MB. On a loaded machine judge "
          "by photos per CPU-s: wall time depends on what else runs."]
text = "\n".join(lines) + "\n"
print(text)
if append:
    with open("docs/BENCHMARKS.md", "a") as handle:
        handle.write("\n" + text)
PY
