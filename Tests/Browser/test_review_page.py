"""The `veil review` editor driven in a real browser (issue 13, "In a real browser").

Headless Debian chromium through chromium-driver and Selenium (installed by scripts/setup.sh),
offline. A generated clip carries a burned-in frame counter (a row of black/white blocks, the
frame number in binary) and three moving white squares: tracks 1 and 2 (the tracks file is
written here, as `veil detect` would, so the test does not depend on the face detector), and
one the "detector missed", which the test masks by drawing a manual region on two keyframes.

Run: `make test-browser` (after `swift build`), or
`$VENV/bin/python Tests/Browser/test_review_page.py` with VEIL pointing at a built veil.
Screenshots of each step go to .build/browser-artifacts/ (not committed).
"""

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
VEIL = Path(os.environ.get("VEIL", ROOT / ".build" / "debug" / "veil"))
ARTIFACTS = ROOT / ".build" / "browser-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")

WIDTH, HEIGHT, FPS, FRAMES = 320, 240, 25, 50
BITS, BLOCK = 8, 16  # the counter: bit i is the block at x = 16 i … 16 i + 15, y = 0 … 15
SIDE = 40  # the white squares' side


def track_x(track, n):
    """Left edge of track 1's or 2's square on frame n (both at y = 60)."""
    return 40 + 1.6 * n if track == 1 else 240 - 1.6 * n


def missed_x(n):
    """Left edge of the missed square on frame n (y = 160)."""
    return 60 + 3.2 * n


MISSED_Y = 160
REGION_FIRST, REGION_LAST = 5, 40
MARGIN = 6  # the drawn region reaches this far around the missed square


def make_clip(folder):
    clip = folder / "clip.mp4"
    counter = (
        f"geq=lum='if(lt(Y,{BLOCK})*lt(X,{BITS * BLOCK}),255*mod(floor(N/pow(2,floor(X/{BLOCK}))),2),lum(X,Y))'"
        ":cb='cb(X,Y)':cr='cr(X,Y)'"
    )
    graph = (
        f"[0:v]format=yuv444p,{counter},format=yuv420p[bg];"
        "[bg][1:v]overlay=x='40+t*40':y=60[a];"
        "[a][1:v]overlay=x='240-t*40':y=60[b];"
        "[b][1:v]overlay=x='60+t*80':y=160[v]"
    )
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", f"color=c=0x404040:size={WIDTH}x{HEIGHT}:rate={FPS}:duration={FRAMES / FPS}",
         "-f", "lavfi", "-i", f"color=c=white:size={SIDE}x{SIDE}:rate={FPS}:duration={FRAMES / FPS}",
         "-filter_complex", graph, "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "12",
         "-pix_fmt", "yuv420p", "-g", str(FPS), "-movflags", "+faststart", str(clip)],
        check=True)
    return clip


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_tracks(clip):
    """Tracks 1 and 2 as `veil detect` writes them: a detected box on every frame."""
    tracks = []
    for track in (1, 2):
        boxes = [{"frame": n, "source": "detected", "score": 0.9,
                  "box": {"x": round(track_x(track, n), 2), "y": 60.0, "width": float(SIDE), "height": float(SIDE)}}
                 for n in range(FRAMES)]
        tracks.append({"id": track, "objectClass": "face", "boxes": boxes})
    document = {
        "format": "veil-tracks", "version": 1,
        "media": {"fileName": clip.name, "sha256": sha256(clip), "bytes": clip.stat().st_size,
                  "width": WIDTH, "height": HEIGHT, "frames": FRAMES, "durationSeconds": FRAMES / FPS},
        "provenance": {"tool": "browser test", "models": [], "threshold": 0.5, "targets": ["face"],
                       "detectionStride": 1, "plateDetectionStride": 1, "lookAheadSeconds": 1.0},
        "tracks": tracks, "looseBoxes": [],
    }
    path = clip.with_name("clip.tracks.json")
    path.write_text(json.dumps(document))
    return path


def decode_gray(video):
    """Every frame of a video as 8-bit luma, WIDTH × HEIGHT."""
    raw = subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(video), "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                         check=True, capture_output=True).stdout
    size = WIDTH * HEIGHT
    return [raw[i:i + size] for i in range(0, len(raw), size)]


def bright(frame, x0, y0, x1, y1, threshold=200):
    """Pixels brighter than threshold in [x0, x1) × [y0, y1)."""
    return sum(1 for y in range(int(y0), int(y1)) for x in range(int(x0), int(x1)) if frame[y * WIDTH + x] > threshold)


# The options the export and the replay share: a deterministic mask, lossless-ish output.
RENDER_OPTIONS = ["--mask", "fill", "--preset", "ultrafast"]


class ReviewPageTest(unittest.TestCase):
    cleared = False

    def setUp(self):
        if not VEIL.exists():
            self.fail(f"{VEIL} is missing: build first (swift build)")
        self.folder = Path(tempfile.mkdtemp(prefix="veil-browser-"))
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        if not ReviewPageTest.cleared:  # once per run: each test's screenshots stay
            for old in ARTIFACTS.glob("*.png"):
                old.unlink()
            ReviewPageTest.cleared = True
        self.server = None
        self.driver = None
        self.addCleanup(self.cleanUp)

    def cleanUp(self):
        if self.driver is not None:
            self.driver.quit()
        if self.server is not None:
            if self.server.poll() is None:
                self.server.send_signal(signal.SIGINT)
                try:
                    self.server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.server.kill()
                    self.server.wait()
            self.server.stdout.close()
            self.server.stderr.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # ---- helpers ----

    def start_server(self, clip, tracks, output):
        self.server = subprocess.Popen(
            [str(VEIL), "review", str(clip), "--tracks", str(tracks), "-o", str(output), *RENDER_OPTIONS],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines = []
        reader = threading.Thread(target=lambda: lines.append(self.server.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout=90)
        url = lines[0].strip() if lines else ""
        if not url.startswith("http://127.0.0.1:"):
            self.server.kill()
            _, err = self.server.communicate(timeout=10)
            self.fail(f"veil review printed no address (got {url!r}): {err[-2000:]}")
        # Drain stderr so the server never blocks on a full pipe.
        threading.Thread(target=self.server.stderr.read, daemon=True).start()
        return url

    def start_browser(self):
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1400,1100", "--autoplay-policy=no-user-gesture-required",
                         "--disable-extensions", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        os.environ.setdefault("SE_OFFLINE", "true")
        self.driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
        self.driver.set_page_load_timeout(60)
        return self.driver

    def wait(self, condition, what, timeout=30):
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(lambda d: condition())
        except Exception:
            self.shot("failure")
            self.fail(f"timed out waiting for {what}; page status: {self.page_text('status')!r}, "
                      f"error: {self.page_text('error')!r}")

    def page_text(self, element_id):
        try:
            return self.driver.find_element(By.ID, element_id).text
        except Exception:
            return ""

    def shot(self, name):
        self.driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))

    def console_errors(self):
        return [entry for entry in self.driver.get_log("browser") if entry.get("level") == "SEVERE"]

    def shown_frame(self):
        value = self.driver.find_element(By.TAG_NAME, "body").get_attribute("data-frame")
        return int(value) if value not in (None, "") else None

    def read_counter(self):
        """The frame number burned into the pixels the canvas shows now."""
        bits = self.driver.execute_script(
            """
            const canvas = document.getElementById('canvas');
            const k = canvas.width / arguments[0];
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, Math.ceil(arguments[2] * k)).data;
            const out = [];
            for (let i = 0; i < arguments[1]; i++) {
              const x = Math.floor((i * arguments[2] + arguments[2] / 2) * k);
              const y = Math.floor((arguments[2] / 2) * k);
              out.push(data[(y * canvas.width + x) * 4]);
            }
            return out;
            """, WIDTH, BITS, BLOCK)
        return sum(1 << i for i, value in enumerate(bits) if value > 128)

    def canvas_luma(self, x, y):
        """The canvas's red channel at original pixel (x, y)."""
        return self.driver.execute_script(
            """
            const canvas = document.getElementById('canvas');
            const k = canvas.width / arguments[0];
            return canvas.getContext('2d').getImageData(Math.floor(arguments[1] * k), Math.floor(arguments[2] * k), 1, 1).data[0];
            """, WIDTH, x, y)

    def press(self, *keys):
        self.driver.execute_script("document.activeElement && document.activeElement.blur()")
        ActionChains(self.driver).send_keys(*keys).perform()

    def key_with_shift(self, key):
        self.driver.execute_script("document.activeElement && document.activeElement.blur()")
        ActionChains(self.driver).key_down(Keys.SHIFT).send_keys(key).key_up(Keys.SHIFT).perform()

    def go_to_frame(self, n):
        field = self.driver.find_element(By.ID, "frame-input")
        field.clear()
        field.send_keys(str(n), Keys.ENTER)
        self.driver.execute_script("document.activeElement && document.activeElement.blur()")
        self.wait(lambda: self.shown_frame() == n, f"frame {n}")

    def drag(self, x0, y0, x1, y1):
        """Drags on the canvas from original pixel (x0, y0) to (x1, y1)."""
        canvas = self.driver.find_element(By.ID, "canvas")
        rect = self.driver.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.width, r.height];", canvas)
        def offset(x, y):  # Selenium 4 offsets are from the element's centre
            return round(x * rect[0] / WIDTH - rect[0] / 2), round(y * rect[1] / HEIGHT - rect[1] / 2)
        (ax, ay), (bx, by) = offset(x0, y0), offset(x1, y1)
        chain = ActionChains(self.driver)
        chain.move_to_element_with_offset(canvas, ax, ay).click_and_hold()
        chain.move_to_element_with_offset(canvas, (ax + bx) // 2, (ay + by) // 2)
        chain.move_to_element_with_offset(canvas, bx, by).release().perform()

    def log_entries(self, log):
        if not log.exists():
            return []
        return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]

    # ---- opening a review ----

    def serve_video(self):
        """The generated clip and its tracks, served by `veil review`: (clip, tracks, log,
        output, the page's address)."""
        clip = make_clip(self.folder)
        tracks = write_tracks(clip)
        output = self.folder / "clip.reviewed.mp4"
        url = self.start_server(clip, tracks, output)
        return clip, tracks, self.folder / "clip.edits.jsonl", output, url

    def give_name(self):
        """Answers the reviewer's-name dialog the page opens once."""
        driver = self.driver
        self.wait(lambda: driver.find_element(By.ID, "name-dialog").get_attribute("open") is not None, "the name dialog")
        driver.find_element(By.ID, "name-input").send_keys("Browser Test")
        driver.find_element(By.ID, "name-ok").click()

    # ---- the tests ----

    def test_review_in_the_browser(self):
        clip, tracks, log, output, url = self.serve_video()
        driver = self.start_browser()

        # 1. The page loads (the token is exchanged for the cookie), asks the reviewer's name once.
        driver.get(url)
        self.give_name()
        self.wait(lambda: driver.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1", "the page")
        self.wait(lambda: self.shown_frame() == 0, "frame 0")
        self.shot("01-loaded")
        self.assertEqual(self.console_errors(), [], "console errors after loading")

        # 2. Frame-exact stepping: the counter burned into the frame equals the frame number.
        driver.find_element(By.ID, "view-original").click()
        self.wait(lambda: self.shown_frame() == 0, "frame 0 again")
        self.assertEqual(self.read_counter(), 0)
        for _ in range(7):
            self.press(Keys.ARROW_RIGHT)
        self.wait(lambda: self.shown_frame() == 7, "frame 7")
        self.assertEqual(self.read_counter(), 7, "→ seven times shows frame 7")
        self.key_with_shift(Keys.ARROW_RIGHT)
        self.wait(lambda: self.shown_frame() == 7 + FPS, "frame 32")
        self.assertEqual(self.read_counter(), 7 + FPS, "Shift+→ steps one second")
        self.press(Keys.ARROW_LEFT)
        self.wait(lambda: self.shown_frame() == 6 + FPS, "frame 31")
        self.assertEqual(self.read_counter(), 6 + FPS, "← steps back one frame")
        # Space plays, K pauses: the pause lands on a whole frame, and the canvas shows it.
        self.press(" ")
        time.sleep(0.4)
        self.press("k")
        self.wait(lambda: self.shown_frame() is not None, "a frame after pausing")
        paused = self.shown_frame()
        self.assertEqual(self.read_counter(), paused, "the frame shown after a pause")
        # J plays backwards, K stops on a whole, earlier frame.
        self.press("j")
        time.sleep(0.3)
        self.press("k")
        self.wait(lambda: self.shown_frame() is not None, "a frame after playing backwards")
        back = self.shown_frame()
        self.assertLess(back, paused, "J played backwards")
        self.assertEqual(self.read_counter(), back, "the frame shown after playing backwards")
        self.go_to_frame(13)
        self.assertEqual(self.read_counter(), 13)
        self.shot("02-stepped-to-frame-13")

        # 3. Track 1 kept visible: the masked view shows it, the log records it.
        driver.find_element(By.ID, "view-masked").click()
        centre = (track_x(1, 13) + SIDE / 2, 60 + SIDE / 2)
        self.wait(lambda: self.canvas_luma(*centre) < 60, "track 1 masked in the masked view")
        driver.find_element(By.CSS_SELECTOR, '#track-list li[data-track="1"]').click()
        driver.find_element(By.ID, "visible-reason").send_keys("consented")
        driver.find_element(By.ID, "keep-visible").click()
        self.wait(lambda: any(e["what"].get("op") == "keepVisible" for e in self.log_entries(log)), "keepVisible in the log")
        entry = [e for e in self.log_entries(log) if e["what"].get("op") == "keepVisible"][-1]
        self.assertEqual(entry["what"], {"op": "keepVisible", "track": 1, "reason": "consented"})
        self.assertEqual(entry["who"], "Browser Test")
        self.wait(lambda: self.canvas_luma(*centre) > 200, "track 1 unmasked in the masked view")
        self.assertLess(self.canvas_luma(track_x(2, 13) + SIDE / 2, 80), 60, "track 2 still masked")
        self.shot("03-track-1-visible")

        # A refused edit (merging two tracks that share frames) shows the server's one-line
        # reason and writes nothing.
        before = len(self.log_entries(log))
        driver.find_element(By.ID, "merge-track").click()
        self.wait(lambda: driver.find_element(By.ID, "error").is_displayed(), "the refusal")
        refusal = driver.find_element(By.ID, "error").text
        self.assertTrue(refusal and "\n" not in refusal, repr(refusal))
        self.assertEqual(len(self.log_entries(log)), before, "a refused edit was logged")
        # Chromium logs every non-2xx answer to fetch as a console error: this one is expected.
        unexpected = [e for e in self.console_errors() if "/api/edits" not in e["message"] or "409" not in e["message"]]
        self.assertEqual(unexpected, [], "console errors up to the refusal")

        # 4. A manual region drawn with the mouse on two keyframes.
        self.go_to_frame(REGION_FIRST)
        driver.find_element(By.ID, "region-label").send_keys("missed person")
        driver.find_element(By.ID, "region-first").send_keys(str(REGION_FIRST))
        driver.find_element(By.ID, "region-last").send_keys(str(REGION_LAST))
        driver.find_element(By.ID, "draw-region").click()
        x = missed_x(REGION_FIRST)
        self.drag(x - MARGIN, MISSED_Y - MARGIN, x + SIDE + MARGIN, MISSED_Y + SIDE + MARGIN)
        self.wait(lambda: any(e["what"].get("op") == "addRegion" for e in self.log_entries(log)), "addRegion in the log")
        self.shot("04-region-drawn")
        self.go_to_frame(REGION_LAST)
        driver.find_element(By.ID, "draw-keyframe").click()
        x = missed_x(REGION_LAST)
        self.drag(x - MARGIN, MISSED_Y - MARGIN, x + SIDE + MARGIN, MISSED_Y + SIDE + MARGIN)
        self.wait(lambda: any(e["what"].get("op") == "setRegionKeyframe" for e in self.log_entries(log)),
                  "setRegionKeyframe in the log")
        region = [e for e in self.log_entries(log) if e["what"].get("op") == "addRegion"][-1]["what"]["region"]
        self.assertEqual((region["firstFrame"], region["lastFrame"]), (REGION_FIRST, REGION_LAST))
        keyframe = [e for e in self.log_entries(log) if e["what"].get("op") == "setRegionKeyframe"][-1]["what"]
        self.assertEqual(keyframe["frame"], REGION_LAST)
        self.assertAlmostEqual(keyframe["box"]["x"], missed_x(REGION_LAST) - MARGIN, delta=3)
        self.go_to_frame(20)  # between the keyframes: the masked view covers the square
        self.assertLess(self.canvas_luma(missed_x(20) + SIDE / 2, MISSED_Y + SIDE / 2), 60)
        self.shot("05-region-keyframe-2-frame-20")

        # 5. A box dragged on the frame is a moveBox; Ctrl+Z appends its undo (the export below
        #    is then as if it never happened).
        driver.find_element(By.ID, "view-outline").click()
        driver.find_element(By.CSS_SELECTOR, '#track-list li[data-track="2"]').click()
        x2 = track_x(2, 20)
        self.drag(x2 + SIDE / 2, 80, x2 + SIDE / 2 + 12, 86)
        self.wait(lambda: any(e["what"].get("op") == "moveBox" for e in self.log_entries(log)), "moveBox in the log")
        moved = [e for e in self.log_entries(log) if e["what"].get("op") == "moveBox"][-1]
        self.assertEqual((moved["what"]["track"], moved["what"]["frame"]), (2, 20))
        self.assertAlmostEqual(moved["what"]["box"]["x"], x2 + 12, delta=2)
        self.shot("06-box-moved")
        self.driver.execute_script("document.activeElement && document.activeElement.blur()")
        ActionChains(driver).key_down(Keys.CONTROL).send_keys("z").key_up(Keys.CONTROL).perform()
        self.wait(lambda: self.log_entries(log)[-1]["action"] == "undo", "the undo in the log")
        self.assertEqual(self.log_entries(log)[-1]["target"], moved["seq"])
        driver.find_element(By.ID, "view-masked").click()

        # 6. Export while tracks are unreviewed asks first; cancelled, nothing is exported.
        driver.find_element(By.ID, "export").click()
        self.wait(lambda: driver.find_element(By.ID, "export-dialog").get_attribute("open") is not None,
                  "the unreviewed-tracks question")
        self.assertIn("#1", driver.find_element(By.ID, "export-question").text)
        self.shot("07-export-asks")
        driver.find_element(By.ID, "export-cancel").click()
        time.sleep(0.3)
        self.assertFalse(output.exists(), "a cancelled export wrote the output")

        # 7. Sign off and export; the page reports the output.
        driver.find_element(By.ID, "sign-off").click()
        self.wait(lambda: any(e["what"].get("op") == "setVideoReviewed" for e in self.log_entries(log)), "the sign-off")
        driver.find_element(By.ID, "export").click()
        self.wait(lambda: driver.find_element(By.TAG_NAME, "body").get_attribute("data-exported"), "the export", 120)
        self.shot("08-exported")
        self.assertEqual(self.console_errors(), [], "console errors during the review")
        self.assertTrue(output.exists())

        # 8. The exported pixels follow the decisions.
        frames = decode_gray(output)
        self.assertEqual(len(frames), FRAMES)
        for n, frame in enumerate(frames):
            t1, t2, m = track_x(1, n), track_x(2, n), missed_x(n)
            self.assertGreater(bright(frame, t1 + 6, 66, t1 + SIDE - 6, 94), 500, f"track 1 (visible) masked on frame {n}")
            self.assertEqual(bright(frame, t2 + 6, 66, t2 + SIDE - 6, 94), 0, f"track 2 visible on frame {n}")
            missed = bright(frame, m + 6, MISSED_Y + 6, m + SIDE - 6, MISSED_Y + SIDE - 6)
            if REGION_FIRST <= n <= REGION_LAST:
                self.assertEqual(missed, 0, f"the region is not masked on frame {n}")
            else:
                self.assertGreater(missed, 500, f"the region masks frame {n}, outside its span")

        # Ctrl-C stops the server cleanly.
        self.server.send_signal(signal.SIGINT)
        self.assertEqual(self.server.wait(timeout=20), 0, "veil review did not exit 0 on SIGINT")

        # 9. The export equals `veil render --edits` of the same log.
        replay = self.folder / "replay.mp4"
        run = subprocess.run([str(VEIL), "render", str(clip), "--tracks", str(tracks), "--edits", str(log),
                              "-o", str(replay), "--quiet", *RENDER_OPTIONS], capture_output=True, text=True)
        self.assertEqual(run.returncode, 0, run.stderr)
        if sha256(replay) == sha256(output):
            print("export == render --edits: same bytes", file=sys.stderr)
        else:
            # Bytes may differ only in container metadata; the pixels must not.
            replayed = decode_gray(replay)
            self.assertEqual(len(replayed), len(frames))
            for n, (a, b) in enumerate(zip(replayed, frames)):
                self.assertTrue(a == b, f"export and render --edits differ on frame {n}")
            print("export == render --edits: same decoded frames, different bytes", file=sys.stderr)


    # ---- the other video operations ----

    def test_video_operations_in_the_browser(self):
        """Split, delete to start / end, a merge that succeeds, ellipse and polygon regions,
        timeline zoom and the export override, each driven with the mouse and checked in the log."""
        clip, tracks, log, output, url = self.serve_video()
        driver = self.start_browser()
        driver.get(url)
        self.give_name()
        self.wait(lambda: driver.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1", "the page")
        self.wait(lambda: self.shown_frame() == 0, "frame 0")

        def last(op):
            entries = [e for e in self.log_entries(log) if e["what"].get("op") == op]
            return entries[-1]["what"] if entries else None

        def select_track(track):
            self.wait(lambda: self.click_if_shown(f'#track-list li[data-track="{track}"]'), f"track {track} in the list")

        # Timeline zoom: + halves the window around the playhead, All shows every frame.
        timeline = driver.find_element(By.ID, "timeline")
        self.assertEqual(timeline.get_attribute("data-window"), f"0+{FRAMES}")
        driver.find_element(By.ID, "zoom-in").click()
        self.wait(lambda: timeline.get_attribute("data-window").endswith(f"+{FRAMES // 2}"), "the timeline zoomed in")
        driver.find_element(By.ID, "zoom-all").click()
        self.wait(lambda: timeline.get_attribute("data-window") == f"0+{FRAMES}", "the whole timeline")

        # Split track 1 at frame 20 (the new part is track 3), then trim both parts.
        self.go_to_frame(20)
        select_track(1)
        driver.find_element(By.ID, "split-track").click()
        self.wait(lambda: last("split") is not None, "split in the log")
        self.assertEqual(last("split"), {"op": "split", "track": 1, "frame": 20, "newTrack": 3})
        self.go_to_frame(30)
        select_track(3)
        driver.find_element(By.ID, "delete-end").click()
        self.wait(lambda: last("deleteBoxes") is not None, "delete to end in the log")
        self.assertEqual(last("deleteBoxes"), {"op": "deleteBoxes", "track": 3, "frame": 30, "toward": "end"})
        self.go_to_frame(10)
        select_track(1)
        driver.find_element(By.ID, "delete-start").click()
        self.wait(lambda: last("deleteBoxes")["toward"] == "start", "delete to start in the log")
        self.assertEqual(last("deleteBoxes"), {"op": "deleteBoxes", "track": 1, "frame": 10, "toward": "start"})

        # Merge track 3 back into track 1 (no shared frame now: it succeeds).
        select_track(3)
        Select(driver.find_element(By.ID, "merge-target")).select_by_value("1")
        driver.find_element(By.ID, "merge-track").click()
        self.wait(lambda: last("merge") is not None, "merge in the log")
        self.assertEqual(last("merge"), {"op": "merge", "track": 3, "into": 1})
        self.wait(lambda: not driver.find_elements(By.CSS_SELECTOR, '#track-list li[data-track="3"]'), "track 3 gone")

        # An ellipse and a polygon region, drawn with the mouse.
        self.go_to_frame(REGION_FIRST)
        Select(driver.find_element(By.ID, "region-shape")).select_by_value("ellipse")
        driver.find_element(By.ID, "region-label").send_keys("ellipse")
        driver.find_element(By.ID, "draw-region").click()
        x = missed_x(REGION_FIRST)
        self.drag(x - MARGIN, MISSED_Y - MARGIN, x + SIDE + MARGIN, MISSED_Y + SIDE + MARGIN)
        self.wait(lambda: last("addRegion") is not None, "the ellipse in the log")
        self.assertEqual(last("addRegion")["region"]["shape"], "ellipse")
        Select(driver.find_element(By.ID, "region-shape")).select_by_value("polygon")
        driver.find_element(By.ID, "region-label").clear()
        driver.find_element(By.ID, "region-label").send_keys("polygon")
        driver.find_element(By.ID, "draw-region").click()
        for px, py in ((250, 180), (300, 180), (280, 225)):
            self.click_canvas(px, py)
        self.press(Keys.ENTER)
        self.wait(lambda: last("addRegion")["region"]["shape"] == "polygon", "the polygon in the log")
        points = last("addRegion")["region"]["points"]
        self.assertEqual(len(points), 3)
        self.assertAlmostEqual(points[0]["x"], 250, delta=3)
        self.shot("v1-operations")

        # Export with every track unreviewed: the question, then the override, logged first.
        driver.find_element(By.ID, "export").click()
        self.wait(lambda: driver.find_element(By.ID, "export-dialog").get_attribute("open") is not None, "the question")
        driver.find_element(By.ID, "export-confirm").click()
        self.wait(lambda: driver.find_element(By.TAG_NAME, "body").get_attribute("data-exported"), "the export", 120)
        self.assertEqual(last("allowUnreviewedExport"), {"op": "allowUnreviewedExport", "tracks": [1, 2]})
        report = json.loads((self.folder / "clip.reviewed.report.json").read_text())
        self.assertTrue(report["review"]["unreviewedExportAllowed"])
        self.assertEqual(self.console_errors(), [], "console errors")
        frames = decode_gray(output)
        self.assertGreater(bright(frames[5], track_x(1, 5) + 6, 66, track_x(1, 5) + SIDE - 6, 94), 500,
                           "track 1's boxes before frame 11 were deleted: visible on frame 5")
        self.assertEqual(bright(frames[25], track_x(1, 25) + 6, 66, track_x(1, 25) + SIDE - 6, 94), 0,
                         "the merged part masks track 1 on frame 25")
        self.assertGreater(bright(frames[40], track_x(1, 40) + 6, 66, track_x(1, 40) + SIDE - 6, 94), 500,
                           "deleted from frame 30 on: visible on frame 40")
        m = missed_x(REGION_FIRST + 1)
        self.assertEqual(bright(frames[REGION_FIRST + 1], m + 10, MISSED_Y + 10, m + SIDE - 10, MISSED_Y + SIDE - 10), 0,
                         "the ellipse masks the square's centre")

    def click_canvas(self, x, y):
        canvas = self.driver.find_element(By.ID, "canvas")
        rect = self.driver.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.width, r.height];", canvas)
        ActionChains(self.driver).move_to_element_with_offset(
            canvas, round(x * rect[0] / WIDTH - rect[0] / 2), round(y * rect[1] / HEIGHT - rect[1] / 2)).click().perform()

    # ---- photos ----

    def test_photo_review_in_the_browser(self):
        photos = self.folder / "photos"
        photos.mkdir()
        make_photo(photos / "a.png", [(40, 60), (200, 60)])
        make_photo(photos / "b.png", [(60, 140)])
        write_photo_detections(photos, {"a.png": [(40, 60), (200, 60)], "b.png": []})
        log = self.folder / "photos.edits.jsonl"
        output = self.folder / "photos.reviewed"
        self.server = subprocess.Popen(
            [str(VEIL), "review", str(photos), *RENDER_OPTIONS],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        url = self.read_address()
        driver = self.start_browser()

        # 1. The grid loads without console errors.
        driver.get(url)
        self.give_name()
        self.wait(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#grid figure")) == 2, "the grid")
        self.shot("p1-grid")
        self.assertEqual(self.console_errors(), [], "console errors after loading the grid")

        # 2. a.png: the box on the right is kept visible (removed from the masks) with a reason.
        self.wait(lambda: self.click_if_shown('#grid figure[data-photo="0"]'), "photo a.png in the grid")
        self.wait(lambda: driver.find_elements(By.CSS_SELECTOR, '#track-list li[data-track="2"]'), "a.png opened")
        driver.find_element(By.ID, "view-masked").click()
        self.wait(lambda: self.canvas_luma(220, 80) < 60, "box 2 masked in the masked view")
        driver.find_element(By.CSS_SELECTOR, '#track-list li[data-track="2"]').click()
        driver.find_element(By.ID, "visible-reason").send_keys("consented")
        driver.find_element(By.ID, "keep-visible").click()
        self.wait(lambda: any(e["what"].get("op") == "keepVisible" for e in self.log_entries(log)), "keepVisible in the log")
        entry = [e for e in self.log_entries(log) if e["what"].get("op") == "keepVisible"][-1]
        self.assertEqual((entry["photo"], entry["what"]["track"]), ("a.png", 2))
        self.assertEqual(entry["mediaSHA256"], sha256(photos / "a.png"))
        self.wait(lambda: self.canvas_luma(220, 80) > 200, "box 2 visible in the masked view")
        driver.find_element(By.ID, "sign-off").click()
        self.wait(lambda: any(e["what"].get("op") == "setVideoReviewed" for e in self.log_entries(log)), "a.png signed off")
        self.shot("p2-a-box-kept-visible")

        # 3. b.png: the face the detector missed gets a box drawn with the mouse.
        self.wait(lambda: self.click_if_shown("#back-to-grid"), "the way back to the grid")
        self.wait(lambda: self.click_if_shown('#grid figure[data-photo="1"]'), "the grid again")
        self.wait(lambda: driver.find_element(By.ID, "file-name").text == "b.png", "b.png opened")
        self.wait(lambda: self.canvas_luma(80, 160) > 200, "b.png drawn")
        driver.find_element(By.ID, "region-label").send_keys("missed face")
        driver.find_element(By.ID, "draw-region").click()
        self.drag(60 - MARGIN, 140 - MARGIN, 60 + SIDE + MARGIN, 140 + SIDE + MARGIN)
        self.wait(lambda: any(e["what"].get("op") == "addRegion" for e in self.log_entries(log)), "addRegion in the log")
        region = [e for e in self.log_entries(log) if e["what"].get("op") == "addRegion"][-1]
        self.assertEqual(region["photo"], "b.png")
        self.assertAlmostEqual(region["what"]["region"]["keyframes"][0]["box"]["x"], 60 - MARGIN, delta=3)
        self.wait(lambda: self.canvas_luma(80, 160) < 60, "the added box masked in the masked view")
        driver.find_element(By.ID, "sign-off").click()
        self.wait(lambda: sum(e["what"].get("op") == "setVideoReviewed" for e in self.log_entries(log)) == 2,
                  "b.png signed off")
        self.shot("p3-b-box-added")

        # 4. Export (every photo reviewed: no question).
        driver.find_element(By.ID, "export").click()
        self.wait(lambda: driver.find_element(By.TAG_NAME, "body").get_attribute("data-exported"), "the export", 120)
        self.shot("p4-exported")
        self.assertEqual(self.console_errors(), [], "console errors during the photo review")
        a, b = decode_photo(output / "a.png"), decode_photo(output / "b.png")
        self.assertEqual(bright(a, 46, 66, 74, 94), 0, "a.png box 1 not masked")
        self.assertGreater(bright(a, 206, 66, 234, 94), 500, "a.png box 2 (kept visible) masked")
        self.assertEqual(bright(b, 66, 146, 94, 174), 0, "b.png added box not masked")
        report = json.loads((self.folder / "photos.reviewed.report.json").read_text())
        self.assertEqual(report["failed"], 0)
        self.assertEqual([p["inputSHA256"] for p in report["photos"]], [sha256(photos / "a.png"), sha256(photos / "b.png")])

        self.server.send_signal(signal.SIGINT)
        self.assertEqual(self.server.wait(timeout=20), 0, "veil review did not exit 0 on SIGINT")

        # 5. The export equals the replay without the browser, byte for byte.
        replay = self.folder / "replay"
        run = subprocess.run([str(VEIL), "render", str(photos), "--tracks", str(self.folder / "photos.detections.json"),
                              "--edits", str(log), "-o", str(replay), "--quiet", *RENDER_OPTIONS],
                             capture_output=True, text=True)
        self.assertEqual(run.returncode, 0, run.stderr)
        for name in ("a.png", "b.png"):
            self.assertEqual(sha256(replay / name), sha256(output / name), f"{name}: export != render --edits")

    def click_if_shown(self, selector):
        """Clicks the element once it is displayed. The grid and the track list are redrawn on
        every change, so an element found here can be replaced before it is looked at or
        clicked (a stale reference): that is "not yet", and the caller's wait tries again."""
        for element in self.driver.find_elements(By.CSS_SELECTOR, selector):
            try:
                if element.is_displayed() and element.size["height"] > 0:
                    element.click()
                    return True
            except Exception:
                return False
        return False

    def read_address(self):
        lines = []
        reader = threading.Thread(target=lambda: lines.append(self.server.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout=90)
        url = lines[0].strip() if lines else ""
        if not url.startswith("http://127.0.0.1:"):
            self.server.kill()
            _, err = self.server.communicate(timeout=10)
            self.fail(f"veil review printed no address (got {url!r}): {err[-2000:]}")
        threading.Thread(target=self.server.stderr.read, daemon=True).start()
        return url


def make_photo(path, squares):
    """A WIDTH × HEIGHT grey PNG with white SIDE × SIDE squares at the given corners."""
    inputs = ["-f", "lavfi", "-i", f"color=c=0x404040:size={WIDTH}x{HEIGHT}",
              "-f", "lavfi", "-i", f"color=c=white:size={SIDE}x{SIDE}"]
    chain, last = [], "0:v"
    for i, (x, y) in enumerate(squares):
        chain.append(f"[{last}][1:v]overlay=x={x}:y={y}[s{i}]")
        last = f"s{i}"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", *inputs, "-filter_complex", ";".join(chain),
                    "-map", f"[{last}]", "-frames:v", "1", str(path)], check=True)


def write_photo_detections(folder, boxes):
    """photos.detections.json beside the folder, as `veil review` writes it after detection."""
    photos = []
    for name in sorted(boxes):
        path = folder / name
        photos.append({"fileName": name, "sha256": sha256(path), "bytes": path.stat().st_size,
                       "width": WIDTH, "height": HEIGHT,
                       "detections": [{"objectClass": "face", "score": 0.9, "landmarks": [],
                                       "box": {"x": float(x), "y": float(y), "width": float(SIDE), "height": float(SIDE)}}
                                      for x, y in boxes[name]]})
    document = {"format": "veil-photo-detections", "version": 1, "detector": "browser test", "models": [],
                "threshold": 0.5, "targets": ["face"], "photos": photos}
    (folder.parent / "photos.detections.json").write_text(json.dumps(document))


def decode_photo(path):
    return decode_gray(path)[0]


if __name__ == "__main__":
    unittest.main(verbosity=2)
