// Veil review: the browser editor (issue 13). Plain script, no build step, no dependencies.
// The server's API is docs/REVIEW-API.md; the edit operations are docs/REVIEW.md. Every edit is
// an operation POSTed to /api/edits; the server applies it to the edit model, appends it to the
// decision log (autosave) and answers the new state, which this page only draws.
'use strict';

(() => {
  /** A detected box whose score is below this is "low score" (Next low score). */
  const LOW_SCORE = 0.6;
  /** The face mask's reach beyond a box in the masked view: the export's ellipse margin, drawn
   *  as a rectangle, which covers the export's ellipse and its box mask. Plates: the plate margin. */
  const FACE_MARGIN = { horizontal: 0.4, top: 0.45, bottom: 0.4 };
  const PLATE_MARGIN = { horizontal: 0.15, top: 0.3, bottom: 0.3 };
  const MASK_COLOUR = '#101010';
  const HANDLE = 8; // CSS pixels around a corner that resize a box
  const NAME_KEY = 'veil-review.who';

  const $ = (id) => document.getElementById(id);
  const canvas = $('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const video = $('video');
  const timeline = $('timeline');
  const tctx = timeline.getContext('2d');

  const S = {
    project: null,
    who: '',
    photo: null, // the photo under review (photos), null for a video or the grid
    image: null, // the photo's <img>
    frame: 0,
    shownFrame: -1,
    view: 'masked',
    selectedTrack: null,
    selectedRegion: null,
    tool: null, // 'region' | 'keyframe' | null
    polygon: [],
    drag: null,
    playing: false,
    reverseTimer: null,
    reverseSpeed: 1,
    window: { start: 0, count: 1 },
    thumbs: new Map(),
    thumbQueue: [],
    thumbBusy: false,
  };

  // ---- the project ------------------------------------------------------------------------

  function doc() {
    return S.photo ? S.photo.document : S.project.document;
  }
  function tracks() {
    return doc().tracksFile.tracks;
  }
  function trackByID(id) {
    return tracks().find((t) => t.id === id) || null;
  }
  function stateOf(id) {
    return doc().states[String(id)] || { visibleReason: null, isReviewed: false, correctedFrames: [] };
  }
  function isReviewed(id) {
    return doc().isVideoReviewed || stateOf(id).isReviewed;
  }
  function unreviewedIDs() {
    return S.photo ? S.photo.unreviewedTrackIDs : S.project.unreviewedTrackIDs;
  }
  function mediaWidth() {
    return S.photo ? S.photo.width : S.project.media.width;
  }
  function frameCount() {
    return S.photo ? 1 : S.project.media.frames;
  }
  function fps() {
    return (S.project.media && S.project.media.fps) || 25;
  }
  function scale() {
    return canvas.width / mediaWidth();
  }

  /** Swift encodes an Int-keyed dictionary as an object with string keys (or, in older
   *  versions, as an array of alternating keys and values): accept both. */
  function normaliseDocument(d) {
    if (Array.isArray(d.states)) {
      const states = {};
      for (let i = 0; i + 1 < d.states.length; i += 2) states[String(d.states[i])] = d.states[i + 1];
      d.states = states;
    }
    d.regions = d.regions || [];
    d.tracksFile.looseBoxes = d.tracksFile.looseBoxes || [];
    for (const t of d.tracksFile.tracks) t.boxes.sort((a, b) => a.frame - b.frame);
    return d;
  }

  function setProject(p) {
    if (p.document) normaliseDocument(p.document);
    for (const photo of p.photos || []) normaliseDocument(photo.document);
    S.project = p;
    if (S.photo) S.photo = (p.photos || []).find((x) => x.id === S.photo.id) || null;
    if (S.selectedTrack !== null && !(S.project.kind === 'photos' && !S.photo) && !trackByID(S.selectedTrack)) {
      S.selectedTrack = null;
    }
    if (S.selectedRegion !== null && !regionByID(S.selectedRegion)) S.selectedRegion = null;
    refresh();
  }

  async function api(method, path, body) {
    const init = { method, headers: {}, credentials: 'same-origin' };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      throw new Error('the server does not answer (was veil review stopped?)');
    }
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (e) {
      json = null;
    }
    if (!response.ok) {
      if (response.status === 401) throw new Error('not signed in: open the address veil review printed again');
      const message = json && typeof json.error === 'string' ? json.error : text.split('\n')[0];
      throw new Error(message || 'the server answered ' + response.status);
    }
    return json;
  }

  function showError(message) {
    const el = $('error');
    el.textContent = message;
    el.hidden = !message;
  }
  function say(message) {
    $('status').textContent = message;
  }

  /** Sends one operation; the server saves it at once (autosave) and answers the new state. */
  async function edit(what) {
    const body = { who: S.who, photo: S.photo ? S.photo.id : null, what };
    const why = $('why').value.trim();
    if (why) body.why = why;
    try {
      const next = await api('POST', '/api/edits', body);
      $('why').value = '';
      showError('');
      setProject(next);
      say('Saved: ' + summary(what) + '.');
      return true;
    } catch (e) {
      showError(e.message);
      render();
      return false;
    }
  }

  async function undoRedo(which) {
    try {
      const next = await api('POST', '/api/' + which, { who: S.who, photo: S.photo ? S.photo.id : null });
      showError('');
      setProject(next);
      say(which === 'undo' ? 'Undone (recorded in the log).' : 'Redone (recorded in the log).');
    } catch (e) {
      showError(e.message);
    }
  }

  function summary(what) {
    switch (what.op) {
      case 'mask': return 'mask track ' + what.track;
      case 'keepVisible': return 'keep track ' + what.track + ' visible (' + what.reason + ')';
      case 'split': return 'split track ' + what.track + ' at frame ' + what.frame + ' into ' + what.newTrack;
      case 'merge': return 'merge track ' + what.track + ' into track ' + what.into;
      case 'deleteBoxes': return 'delete track ' + what.track + "'s boxes from frame " + what.frame + ' to the ' + what.toward;
      case 'moveBox': return 'move track ' + what.track + "'s box on frame " + what.frame;
      case 'addRegion': return 'add ' + what.region.shape + ' region ' + what.region.id + " '" + what.region.label + "'";
      case 'updateRegion': return 'change region ' + what.region.id;
      case 'setRegionKeyframe': return 'set region ' + what.region + "'s box on frame " + what.frame;
      case 'removeRegion': return 'remove region ' + what.id;
      case 'setTrackReviewed': return (what.isReviewed ? 'mark' : 'unmark') + ' track ' + what.track + ' reviewed';
      case 'setVideoReviewed':
        return what.isReviewed ? 'sign the ' + (S.project && S.project.kind === 'photos' ? 'photo' : 'video') + ' off' : 'withdraw the sign-off';
      case 'restoreTracks': return 'restore track(s) ' + (what.tracks || []).map((t) => t.track && t.track.id).join(', ');
      default: return what.op || 'edit';
    }
  }

  // ---- geometry ---------------------------------------------------------------------------

  function boxAt(track, frame) {
    const boxes = track.boxes;
    let lo = 0;
    let hi = boxes.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (boxes[mid].frame === frame) return boxes[mid];
      if (boxes[mid].frame < frame) lo = mid + 1;
      else hi = mid - 1;
    }
    return null;
  }

  function regionByID(id) {
    const d = S.project && (S.photo ? S.photo.document : S.project.document);
    return d ? d.regions.find((r) => r.id === id) || null : null;
  }

  /** ManualRegion.box(atFrame:): linear between keyframes, held outside them, nil outside the span. */
  function regionBox(region, frame) {
    const last = region.lastFrame === null || region.lastFrame === undefined ? Infinity : region.lastFrame;
    if (frame < region.firstFrame || frame > last) return null;
    const k = region.keyframes;
    if (!k.length) return null;
    if (frame <= k[0].frame) return k[0].box;
    if (frame >= k[k.length - 1].frame) return k[k.length - 1].box;
    const next = k.findIndex((x) => x.frame >= frame);
    const a = k[next - 1];
    const b = k[next];
    const t = (frame - a.frame) / (b.frame - a.frame);
    const mix = (x, y) => x + (y - x) * t;
    return { x: mix(a.box.x, b.box.x), y: mix(a.box.y, b.box.y), width: mix(a.box.width, b.box.width), height: mix(a.box.height, b.box.height) };
  }

  /** A polygon region's points on a frame: moved and scaled with its box (BoxInterpolation.map). */
  function regionPoints(region, box) {
    const ref = region.keyframes[0].box;
    const sx = ref.width > 0 ? box.width / ref.width : 1;
    const sy = ref.height > 0 ? box.height / ref.height : 1;
    const rcx = ref.x + ref.width / 2;
    const rcy = ref.y + ref.height / 2;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    return region.points.map((p) => ({ x: cx + (p.x - rcx) * sx, y: cy + (p.y - rcy) * sy }));
  }

  function grown(box, objectClass) {
    const m = objectClass === 'plate' ? PLATE_MARGIN : FACE_MARGIN;
    return {
      x: box.x - m.horizontal * box.width,
      y: box.y - m.top * box.height,
      width: box.width * (1 + 2 * m.horizontal),
      height: box.height * (1 + m.top + m.bottom),
    };
  }

  function shapePath(c, shape, box, points, k) {
    c.beginPath();
    if (shape === 'ellipse') {
      c.ellipse((box.x + box.width / 2) * k, (box.y + box.height / 2) * k, (box.width / 2) * k, (box.height / 2) * k, 0, 0, 2 * Math.PI);
    } else if (shape === 'polygon' && points && points.length >= 3) {
      c.moveTo(points[0].x * k, points[0].y * k);
      for (const p of points.slice(1)) c.lineTo(p.x * k, p.y * k);
      c.closePath();
    } else {
      c.rect(box.x * k, box.y * k, box.width * k, box.height * k);
    }
  }

  /** Paints every mask the export paints on `frame` (opaque), on a context scaled by `k`.
   *  `alsoTrack`: a track masked even if kept visible (thumbnails never show a face). */
  function paintMasks(c, d, frame, k, alsoTrack) {
    c.save();
    c.fillStyle = MASK_COLOUR;
    for (const t of d.tracksFile.tracks) {
      const state = d.states[String(t.id)];
      const visible = state && state.visibleReason;
      if (visible && t.id !== alsoTrack) continue;
      const b = boxAt(t, frame);
      if (!b) continue;
      shapePath(c, 'box', grown(b.box, t.objectClass), null, k);
      c.fill();
    }
    for (const loose of d.tracksFile.looseBoxes) {
      if (loose.frame !== frame) continue;
      shapePath(c, 'box', grown(loose.box, loose.objectClass), null, k);
      c.fill();
    }
    for (const r of d.regions) {
      const box = regionBox(r, frame);
      if (!box) continue;
      shapePath(c, r.shape, box, r.shape === 'polygon' ? regionPoints(r, box) : null, k);
      c.fill();
    }
    c.restore();
  }

  // ---- drawing the frame ------------------------------------------------------------------

  function source() {
    return S.photo ? S.image : video;
  }

  function render() {
    if (!S.project || (S.project.kind === 'photos' && !S.photo)) return;
    const src = source();
    const k = scale();
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (S.photo ? src && src.complete : video.readyState >= 2) ctx.drawImage(src, 0, 0, canvas.width, canvas.height);
    const d = doc();
    const frame = S.frame;
    if (S.view === 'masked') {
      paintMasks(ctx, d, frame, k, null);
    } else if (S.view === 'outline') {
      drawOutlines(d, frame, k);
    }
    drawSelection(d, frame, k);
    drawTool(k);
  }

  /** Canvas pixels per CSS pixel: labels and handles keep their size on screen. */
  function pixelRatio() {
    const width = canvas.getBoundingClientRect().width;
    return width > 0 ? canvas.width / width : 1;
  }

  function drawOutlines(d, frame, k) {
    const r = pixelRatio();
    ctx.save();
    ctx.lineWidth = 2 * r;
    ctx.font = Math.round(13 * r) + 'px system-ui, sans-serif';
    for (const t of d.tracksFile.tracks) {
      const b = boxAt(t, frame);
      if (!b) continue;
      const visible = !!stateOf(t.id).visibleReason;
      ctx.strokeStyle = visible ? '#43a047' : '#e53935';
      ctx.setLineDash(b.source === 'detected' ? [] : [5, 4]);
      ctx.strokeRect(b.box.x * k, b.box.y * k, b.box.width * k, b.box.height * k);
      ctx.setLineDash([]);
      const label = '#' + t.id + (visible ? ' visible' : '') + (isReviewed(t.id) ? ' \u2713' : '') +
        (b.score !== null && b.score !== undefined ? ' ' + b.score.toFixed(2) : b.source === 'detected' ? '' : ' ' + b.source);
      const w = ctx.measureText(label).width + 6 * r;
      const y = Math.max(0, b.box.y * k - 17 * r);
      ctx.fillStyle = ctx.strokeStyle;
      ctx.fillRect(b.box.x * k, y, w, 17 * r);
      ctx.fillStyle = '#fff';
      ctx.fillText(label, b.box.x * k + 3 * r, y + 13 * r);
    }
    for (const region of d.regions) {
      const box = regionBox(region, frame);
      if (!box) continue;
      ctx.strokeStyle = '#1e88e5';
      shapePath(ctx, region.shape, box, region.shape === 'polygon' ? regionPoints(region, box) : null, k);
      ctx.stroke();
      ctx.fillStyle = '#1e88e5';
      ctx.fillText('R' + region.id + ' ' + region.label, box.x * k + 3 * r, box.y * k + box.height * k + 14 * r);
    }
    ctx.restore();
  }

  /** The selected track's or region's box: an outline and corner handles (all views). */
  function drawSelection(d, frame, k) {
    let box = null;
    if (S.drag && S.drag.box) box = S.drag.box;
    else if (S.selectedRegion !== null) {
      const r = regionByID(S.selectedRegion);
      box = r ? regionBox(r, frame) : null;
    } else if (S.selectedTrack !== null) {
      const t = trackByID(S.selectedTrack);
      const b = t ? boxAt(t, frame) : null;
      box = b ? b.box : null;
    }
    if (!box) return;
    const r = pixelRatio();
    ctx.save();
    ctx.strokeStyle = '#ffd600';
    ctx.lineWidth = 2 * r;
    ctx.setLineDash([6 * r, 3 * r]);
    ctx.strokeRect(box.x * k, box.y * k, box.width * k, box.height * k);
    ctx.setLineDash([]);
    ctx.fillStyle = '#ffd600';
    for (const [x, y] of corners(box)) ctx.fillRect(x * k - 4 * r, y * k - 4 * r, 8 * r, 8 * r);
    ctx.restore();
  }

  function drawTool(k) {
    if (S.tool === 'region' && $('region-shape').value === 'polygon' && S.polygon.length) {
      ctx.save();
      ctx.strokeStyle = '#00e5ff';
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(S.polygon[0].x * k, S.polygon[0].y * k);
      for (const p of S.polygon.slice(1)) ctx.lineTo(p.x * k, p.y * k);
      if (S.pointer) ctx.lineTo(S.pointer.x * k, S.pointer.y * k);
      ctx.stroke();
      ctx.restore();
    }
    if (S.drag && S.drag.kind === 'new') {
      ctx.save();
      ctx.strokeStyle = '#00e5ff';
      ctx.lineWidth = 2;
      shapePath(ctx, S.drag.shape, S.drag.box, null, k);
      ctx.stroke();
      ctx.restore();
    }
  }

  function corners(b) {
    return [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height], [b.x + b.width, b.y + b.height]];
  }

  // ---- frames: seeking, stepping, playing -------------------------------------------------

  function frameOfCurrentTime(t) {
    return Math.max(0, Math.min(frameCount() - 1, Math.floor(t * fps() + 1e-6)));
  }
  function frameOfMediaTime(t) {
    return Math.max(0, Math.min(frameCount() - 1, Math.round(t * fps())));
  }

  /** Seeks to the middle of frame n on the constant-frame-rate proxy. */
  function seek(n) {
    if (S.photo) return;
    n = Math.max(0, Math.min(frameCount() - 1, Math.round(n)));
    S.frame = n;
    S.shownFrame = -1;
    document.body.dataset.frame = '';
    showFrameNumber();
    video.currentTime = (n + 0.5) / fps();
    keepPlayheadVisible();
    drawTimeline();
  }

  function frameShown(n) {
    S.shownFrame = n;
    render();
    document.body.dataset.frame = String(n);
    showFrameNumber();
  }

  video.addEventListener('seeked', () => {
    if (S.playing) return;
    const n = frameOfCurrentTime(video.currentTime);
    if (n !== S.frame) return; // a later seek is on its way
    if ('requestVideoFrameCallback' in video) {
      // Confirm with the frame the compositor presents (its own timestamp) when there is one.
      let done = false;
      video.requestVideoFrameCallback((now, meta) => {
        done = true;
        // A seek issued since (stopping reverse play seeks again to the same frame) leaves no
        // frame to draw until it ends; its own 'seeked' shows the frame then.
        if (S.playing || S.frame !== n || video.seeking) return;
        // A mismatch means the proxy's timestamps are not constant-rate: say so, draw anyway.
        document.body.dataset.presented = String(frameOfMediaTime(meta.mediaTime));
        frameShown(n);
      });
      setTimeout(() => {
        if (!done && !S.playing && S.frame === n && !video.seeking) frameShown(n);
      }, 120);
    } else {
      frameShown(n);
    }
  });

  function step(delta) {
    if (S.photo) return;
    stopPlaying();
    seek(S.frame + delta);
  }

  function onPlayFrame(now, meta) {
    if (!S.playing) return;
    S.frame = frameOfMediaTime(meta.mediaTime);
    frameShownWhilePlaying();
    video.requestVideoFrameCallback(onPlayFrame);
  }
  function onPlayAnimation() {
    if (!S.playing) return;
    S.frame = frameOfCurrentTime(video.currentTime);
    frameShownWhilePlaying();
    requestAnimationFrame(onPlayAnimation);
  }
  function frameShownWhilePlaying() {
    render();
    showFrameNumber();
    keepPlayheadVisible();
    drawTimeline();
  }

  function play(rate) {
    if (S.photo) return;
    stopReverse();
    video.playbackRate = rate;
    S.playing = true;
    document.body.dataset.frame = ''; // no single frame is shown until playing stops
    $('play').textContent = 'Pause';
    video.play().catch((e) => {
      S.playing = false;
      say('Cannot play: ' + e.message);
    });
    if ('requestVideoFrameCallback' in video) video.requestVideoFrameCallback(onPlayFrame);
    else requestAnimationFrame(onPlayAnimation);
  }

  function stopReverse() {
    if (S.reverseTimer !== null) clearInterval(S.reverseTimer);
    S.reverseTimer = null;
  }

  /** Stops forward and reverse play and lands exactly on a frame. */
  function stopPlaying() {
    const wasPlaying = S.playing || S.reverseTimer !== null;
    stopReverse();
    if (S.playing) {
      S.playing = false;
      video.pause();
      S.frame = frameOfCurrentTime(video.currentTime);
    }
    $('play').textContent = 'Play';
    if (wasPlaying) seek(S.frame);
  }

  function reverse() {
    if (S.photo) return;
    const faster = S.reverseTimer !== null;
    stopPlaying();
    S.reverseSpeed = faster ? Math.min(8, S.reverseSpeed * 2) : 1;
    document.body.dataset.frame = '';
    $('play').textContent = 'Pause';
    S.reverseTimer = setInterval(() => {
      if (S.frame <= 0) {
        stopPlaying();
        return;
      }
      seek(S.frame - 1);
    }, 1000 / fps() / S.reverseSpeed);
  }

  function forward() {
    if (S.playing) play(Math.min(8, video.playbackRate * 2));
    else play(1);
  }

  function togglePlay() {
    if (S.playing || S.reverseTimer !== null) stopPlaying();
    else play(1);
  }

  video.addEventListener('ended', () => stopPlaying());

  function showFrameNumber() {
    const input = $('frame-input');
    if (document.activeElement !== input) input.value = String(S.frame);
    if (!S.photo && S.project) $('frame-time').textContent = (S.frame / fps()).toFixed(3) + ' s';
  }

  // ---- timeline -----------------------------------------------------------------------------

  const ROW = 16;
  const LABEL = 46;
  const AXIS = 14;

  function timelineRows() {
    const rows = tracks().map((t) => ({ kind: 'track', id: t.id }));
    for (const r of doc().regions) rows.push({ kind: 'region', id: r.id });
    return rows;
  }

  function keepPlayheadVisible() {
    const w = S.window;
    if (S.frame < w.start || S.frame >= w.start + w.count) {
      w.start = Math.max(0, Math.min(frameCount() - w.count, Math.round(S.frame - w.count / 2)));
    }
  }

  function zoom(factor, aroundFrame) {
    const w = S.window;
    const total = frameCount();
    const centre = aroundFrame === undefined ? S.frame : aroundFrame;
    const count = Math.max(10, Math.min(total, Math.round(w.count * factor)));
    const fraction = (centre - w.start) / w.count;
    w.start = Math.max(0, Math.min(total - count, Math.round(centre - fraction * count)));
    w.count = count;
    drawTimeline();
  }

  function drawTimeline() {
    if (!S.project || S.photo || S.project.kind !== 'video') return;
    timeline.dataset.window = S.window.start + '+' + S.window.count; // frames shown (read by the browser test)
    const rows = timelineRows();
    const cssWidth = timeline.clientWidth || 800;
    const ratio = window.devicePixelRatio || 1;
    const height = AXIS + Math.max(1, rows.length) * ROW;
    if (timeline.width !== Math.round(cssWidth * ratio) || timeline.height !== Math.round(height * ratio)) {
      timeline.width = Math.round(cssWidth * ratio);
      timeline.height = Math.round(height * ratio);
      timeline.style.height = height + 'px';
    }
    const c = tctx;
    c.setTransform(ratio, 0, 0, ratio, 0, 0);
    c.clearRect(0, 0, cssWidth, height);
    const w = S.window;
    const px = (cssWidth - LABEL) / w.count;
    const x = (f) => LABEL + (f - w.start) * px;
    const end = w.start + w.count;
    c.font = '10px system-ui, sans-serif';
    c.fillStyle = '#555';
    const tick = Math.max(1, Math.pow(10, Math.ceil(Math.log10(w.count / 8))));
    for (let f = Math.ceil(w.start / tick) * tick; f < end; f += tick) {
      c.fillRect(x(f), 0, 1, 4);
      c.fillText(String(f), x(f) + 2, 10);
    }
    const d = doc();
    rows.forEach((row, i) => {
      const y = AXIS + i * ROW;
      if ((row.kind === 'track' && row.id === S.selectedTrack) || (row.kind === 'region' && row.id === S.selectedRegion)) {
        c.fillStyle = '#dbe8ff';
        c.fillRect(0, y, cssWidth, ROW);
      }
      c.fillStyle = '#222';
      if (row.kind === 'track') {
        const t = trackByID(row.id);
        const state = stateOf(row.id);
        c.fillText('#' + row.id + (state.visibleReason ? ' vis' : '') + (isReviewed(row.id) ? ' \u2713' : ''), 2, y + 11);
        const corrected = new Set(state.correctedFrames || []);
        let previous = null;
        for (const b of t.boxes) {
          if (previous !== null && b.frame - previous > 1 && b.frame > w.start && previous < end) {
            c.fillStyle = '#e0e0e0';
            c.fillRect(x(previous + 1), y + 5, (b.frame - previous - 1) * px, ROW - 10);
            c.fillStyle = '#c62828';
            c.fillRect(x(previous + 1), y + 7, Math.max(1, (b.frame - previous - 1) * px), 1);
          }
          previous = b.frame;
          if (b.frame < w.start || b.frame >= end) continue;
          c.fillStyle = corrected.has(b.frame) ? '#8e24aa' : b.source === 'detected' ? '#2e7d32' : b.source === 'predicted' ? '#f9a825' : '#ef6c00';
          c.fillRect(x(b.frame), y + 3, Math.max(1, px), ROW - 6);
          if (typeof b.score === 'number' && b.score < LOW_SCORE) {
            c.fillStyle = '#c62828';
            c.fillRect(x(b.frame), y + 1, Math.max(1, px), 3);
          }
        }
      } else {
        const r = d.regions.find((q) => q.id === row.id);
        c.fillText('R' + row.id, 2, y + 11);
        const last = r.lastFrame === null || r.lastFrame === undefined ? frameCount() - 1 : r.lastFrame;
        const a = Math.max(r.firstFrame, w.start);
        const b = Math.min(last + 1, end);
        if (b > a) {
          c.fillStyle = '#1565c0';
          c.fillRect(x(a), y + 4, (b - a) * px, ROW - 8);
        }
        c.fillStyle = '#ffd600';
        for (const kf of r.keyframes) if (kf.frame >= w.start && kf.frame < end) c.fillRect(x(kf.frame), y + 2, Math.max(2, px), ROW - 4);
      }
    });
    c.fillStyle = '#d50000';
    c.fillRect(x(S.frame) + Math.max(0, px / 2 - 1), 0, 2, height);
  }

  timeline.addEventListener('click', (event) => {
    if (!S.project || S.photo) return;
    const rect = timeline.getBoundingClientRect();
    const cx = event.clientX - rect.left;
    const cy = event.clientY - rect.top;
    const row = timelineRows()[Math.floor((cy - AXIS) / ROW)];
    if (row && cy >= AXIS) {
      if (row.kind === 'track') selectTrack(row.id);
      else selectRegion(row.id);
    }
    if (cx >= LABEL) {
      const px = (rect.width - LABEL) / S.window.count;
      step(0);
      seek(S.window.start + Math.floor((cx - LABEL) / px));
    }
  });
  timeline.addEventListener('wheel', (event) => {
    if (!S.project || S.photo) return;
    event.preventDefault();
    const rect = timeline.getBoundingClientRect();
    const px = (rect.width - LABEL) / S.window.count;
    const at = S.window.start + (event.clientX - rect.left - LABEL) / px;
    zoom(event.deltaY > 0 ? 1.25 : 0.8, Math.max(0, at));
  }, { passive: false });

  // ---- jumps ------------------------------------------------------------------------------

  function nextGap() {
    let best = null;
    for (const t of tracks()) {
      for (let i = 1; i < t.boxes.length; i++) {
        const start = t.boxes[i - 1].frame + 1;
        if (t.boxes[i].frame > start && start > S.frame && (best === null || start < best.frame)) best = { frame: start, track: t.id };
      }
    }
    jumpTo(best, 'No gap after frame ' + S.frame + '.');
  }

  function nextLowScore() {
    let best = null;
    for (const t of tracks()) {
      for (const b of t.boxes) {
        if (b.frame > S.frame && typeof b.score === 'number' && b.score < LOW_SCORE && (best === null || b.frame < best.frame)) {
          best = { frame: b.frame, track: t.id };
        }
      }
    }
    jumpTo(best, 'No box scored under ' + LOW_SCORE + ' after frame ' + S.frame + '.');
  }

  function nextUnreviewed() {
    const ids = unreviewedIDs();
    if (!ids.length) {
      say('Every track is reviewed.');
      return;
    }
    const after = ids.find((id) => S.selectedTrack === null || id > S.selectedTrack);
    const id = after === undefined ? ids[0] : after;
    const t = trackByID(id);
    jumpTo(t ? { frame: t.boxes[0].frame, track: id } : null, '');
  }

  function jumpTo(target, otherwise) {
    if (!target) {
      say(otherwise);
      return;
    }
    selectTrack(target.track, true);
    step(0);
    seek(target.frame);
  }

  // ---- selection and the side panels --------------------------------------------------------

  function selectTrack(id, noSeek) {
    S.selectedTrack = id;
    S.selectedRegion = null;
    refreshPanels();
    const t = trackByID(id);
    if (!noSeek && t && !S.photo && !boxAt(t, S.frame)) {
      const nearest = t.boxes.reduce((a, b) => (Math.abs(b.frame - S.frame) < Math.abs(a.frame - S.frame) ? b : a));
      step(0);
      seek(nearest.frame);
    }
    render();
    drawTimeline();
  }

  function selectRegion(id) {
    S.selectedRegion = id;
    S.selectedTrack = null;
    refreshPanels();
    render();
    drawTimeline();
  }

  function refresh() {
    const p = S.project;
    $('file-name').textContent = S.photo ? S.photo.fileName : p.media ? p.media.fileName : '';
    // Photos: undo and redo are per photo (docs/REVIEW-API.md).
    const undoState = p.kind === 'photos' ? S.photo || { canUndo: false, canRedo: false } : p;
    $('undo').disabled = !undoState.canUndo;
    $('redo').disabled = !undoState.canRedo;
    refreshLog();
    if (p.kind === 'photos' && !S.photo) {
      drawGrid();
      return;
    }
    $('frame-count').textContent = String(frameCount() - 1);
    $('sign-off').textContent = doc().isVideoReviewed ? 'Withdraw sign-off' : S.photo ? 'Sign off photo' : 'Sign off video';
    refreshTrackList();
    refreshPanels();
    enqueueThumbnails();
    render();
    drawTimeline();
  }

  function refreshLog() {
    const list = $('log');
    list.textContent = '';
    const entries = (S.project.log || []).slice(-200).reverse();
    for (const e of entries) {
      const li = document.createElement('li');
      li.value = e.seq;
      const what = e.what ? summary(e.what) : '';
      li.textContent = e.who + ' (' + e.action + '): ' + (e.photo ? e.photo + ': ' : '') + what + (e.why ? ' \u2014 ' + e.why : '');
      list.appendChild(li);
    }
  }

  function refreshTrackList() {
    const list = $('track-list');
    list.textContent = '';
    const ts = tracks();
    const unreviewed = unreviewedIDs().length;
    $('track-summary').textContent = ts.length + ' tracks, ' + unreviewed + ' unreviewed';
    for (const t of ts) {
      const state = stateOf(t.id);
      const li = document.createElement('li');
      li.dataset.track = String(t.id);
      if (t.id === S.selectedTrack) li.classList.add('selected');
      const thumb = document.createElement('canvas');
      thumb.width = 64;
      thumb.height = 64;
      const stored = S.thumbs.get(thumbKey(t.id));
      if (stored) thumb.getContext('2d').drawImage(stored, 0, 0);
      li.appendChild(thumb);
      const text = document.createElement('span');
      const name = document.createElement('strong');
      name.textContent = '#' + t.id + ' ' + t.objectClass + ' ';
      const status = document.createElement('span');
      status.className = state.visibleReason ? 'visible' : 'masked';
      status.textContent = state.visibleReason ? 'visible (' + state.visibleReason + ')' : 'masked';
      const review = document.createElement('span');
      review.className = isReviewed(t.id) ? 'reviewed' : 'muted';
      review.textContent = isReviewed(t.id) ? ' \u00b7 reviewed' : ' \u00b7 not reviewed';
      const span = document.createElement('div');
      span.className = 'muted';
      span.textContent = S.photo ? '' : 'frames ' + t.boxes[0].frame + '\u2013' + t.boxes[t.boxes.length - 1].frame;
      text.append(name, status, review, span);
      li.appendChild(text);
      li.addEventListener('click', () => selectTrack(t.id));
      list.appendChild(li);
    }
  }

  function refreshPanels() {
    if (!doc()) return; // the grid of photos: no photo, no panels
    for (const li of $('track-list').children) li.classList.toggle('selected', Number(li.dataset.track) === S.selectedTrack);
    const panel = $('track-panel');
    const t = S.selectedTrack === null ? null : trackByID(S.selectedTrack);
    panel.hidden = !t;
    if (t) {
      const state = stateOf(t.id);
      $('track-title').textContent = '#' + t.id + ' (' + t.objectClass + ')';
      $('track-state').textContent = (state.visibleReason ? 'kept visible: ' + state.visibleReason : 'masked') +
        (isReviewed(t.id) ? ', reviewed' : ', not reviewed') + (S.photo ? '' : ', ' + t.boxes.length + ' boxes');
      $('toggle-reviewed').textContent = stateOf(t.id).isReviewed ? 'Mark not reviewed' : 'Mark reviewed';
      $('mask-track').disabled = !state.visibleReason;
      const merge = $('merge-target');
      merge.textContent = '';
      for (const other of tracks()) {
        if (other.id === t.id) continue;
        const o = document.createElement('option');
        o.value = String(other.id);
        o.textContent = '#' + other.id;
        merge.appendChild(o);
      }
      $('merge-track').disabled = merge.children.length === 0;
      for (const id of ['split-track', 'delete-start', 'merge-track', 'merge-target']) $(id).hidden = !!S.photo;
      $('delete-end').textContent = S.photo ? 'Remove box' : 'Delete to end';
    }
    const regions = $('region-list');
    regions.textContent = '';
    for (const r of doc().regions) {
      const li = document.createElement('li');
      li.dataset.region = String(r.id);
      if (r.id === S.selectedRegion) li.classList.add('selected');
      const last = r.lastFrame === null || r.lastFrame === undefined ? 'end' : String(r.lastFrame);
      li.textContent = 'R' + r.id + ' ' + r.shape + " '" + r.label + "'" + (S.photo ? '' : ', frames ' + r.firstFrame + '\u2013' + last +
        ', keyframes ' + r.keyframes.map((k) => k.frame).join(', '));
      li.addEventListener('click', () => selectRegion(r.id));
      regions.appendChild(li);
    }
    $('draw-keyframe').disabled = S.selectedRegion === null || !!S.photo;
    $('remove-region').disabled = S.selectedRegion === null;
    for (const id of ['region-first', 'region-last']) $(id).parentElement.hidden = !!S.photo;
    $('draw-keyframe').hidden = !!S.photo;
    $('draw-region').classList.toggle('active', S.tool === 'region');
    $('draw-keyframe').classList.toggle('active', S.tool === 'keyframe');
    $('draw-region').textContent = S.photo ? 'Add box' : 'Draw region';
  }

  // ---- thumbnails (from the masked rendering only) ------------------------------------------

  function thumbKey(id) {
    return (S.photo ? 'p' + S.photo.id + ':' : '') + id;
  }

  function enqueueThumbnails() {
    for (const t of tracks()) {
      const key = thumbKey(t.id);
      if (!S.thumbs.has(key) && !S.thumbQueue.some((q) => q.key === key)) {
        S.thumbQueue.push({ key, track: t.id, photo: S.photo ? S.photo.id : null });
      }
    }
    nextThumbnail();
  }

  let thumbVideo = null;

  function nextThumbnail() {
    if (S.thumbBusy || !S.thumbQueue.length) return;
    const job = S.thumbQueue.shift();
    const here = S.photo ? S.photo.id : null;
    if (job.photo !== here) {
      nextThumbnail();
      return;
    }
    const t = trackByID(job.track);
    if (!t) {
      nextThumbnail();
      return;
    }
    const entry = t.boxes[Math.floor(t.boxes.length / 2)];
    S.thumbBusy = true;
    const finish = (image, width, height) => {
      try {
        makeThumbnail(job, t, entry, image, width, height);
      } finally {
        S.thumbBusy = false;
        setTimeout(nextThumbnail, 0);
      }
    };
    if (S.photo) {
      finish(S.image, S.image.naturalWidth, S.image.naturalHeight);
      return;
    }
    if (!thumbVideo) {
      thumbVideo = document.createElement('video');
      thumbVideo.muted = true;
      thumbVideo.preload = 'auto';
      thumbVideo.src = '/media/video';
    }
    const seekThumb = () => {
      thumbVideo.addEventListener('seeked', () => finish(thumbVideo, thumbVideo.videoWidth, thumbVideo.videoHeight), { once: true });
      thumbVideo.currentTime = (entry.frame + 0.5) / fps();
    };
    if (thumbVideo.readyState >= 1) seekThumb();
    else thumbVideo.addEventListener('loadedmetadata', seekThumb, { once: true });
  }

  /** Draws the frame, paints every export mask plus the track's own box (a thumbnail never
   *  shows a face, even of a track kept visible), then crops around the box. */
  function makeThumbnail(job, t, entry, image, width, height) {
    if (!width || !height) return;
    const full = document.createElement('canvas');
    full.width = width;
    full.height = height;
    const c = full.getContext('2d');
    c.drawImage(image, 0, 0, width, height);
    const k = width / mediaWidth();
    paintMasks(c, doc(), entry.frame, k, t.id);
    const g = grown(entry.box, t.objectClass);
    const side = Math.max(g.width, g.height) * 1.6 * k;
    const cx = (g.x + g.width / 2) * k;
    const cy = (g.y + g.height / 2) * k;
    const thumb = document.createElement('canvas');
    thumb.width = 64;
    thumb.height = 64;
    thumb.getContext('2d').drawImage(full, cx - side / 2, cy - side / 2, side, side, 0, 0, 64, 64);
    S.thumbs.set(job.key, thumb);
    const li = $('track-list').querySelector('li[data-track="' + t.id + '"] canvas');
    if (li) li.getContext('2d').drawImage(thumb, 0, 0);
  }

  // ---- pointer: moving boxes, drawing regions -------------------------------------------------

  function pointer(event) {
    const rect = canvas.getBoundingClientRect();
    const k = scale();
    return {
      x: ((event.clientX - rect.left) * (canvas.width / rect.width)) / k,
      y: ((event.clientY - rect.top) * (canvas.height / rect.height)) / k,
    };
  }

  function hit(box, p) {
    const tolerance = (HANDLE * pixelRatio()) / scale();
    for (const [i, [x, y]] of corners(box).entries()) {
      if (Math.abs(p.x - x) <= tolerance && Math.abs(p.y - y) <= tolerance) return { corner: i };
    }
    if (p.x >= box.x && p.x <= box.x + box.width && p.y >= box.y && p.y <= box.y + box.height) return { corner: null };
    return null;
  }

  function rounded(b) {
    const x = Math.round(b.x * 10) / 10;
    const y = Math.round(b.y * 10) / 10;
    return { x, y, width: Math.max(1, Math.round(b.width * 10) / 10), height: Math.max(1, Math.round(b.height * 10) / 10) };
  }

  canvas.addEventListener('mousedown', (event) => {
    if (!S.project || event.button !== 0) return;
    event.preventDefault();
    const p = pointer(event);
    if (S.tool === 'region' && $('region-shape').value === 'polygon') {
      if (S.polygon.length >= 3) {
        const first = S.polygon[0];
        if (Math.hypot(first.x - p.x, first.y - p.y) * scale() <= HANDLE * pixelRatio()) {
          finishPolygon();
          return;
        }
      }
      S.polygon.push(p);
      render();
      return;
    }
    if (S.tool === 'region' || S.tool === 'keyframe') {
      S.drag = { kind: 'new', origin: p, box: { x: p.x, y: p.y, width: 0, height: 0 },
        shape: S.tool === 'region' ? $('region-shape').value : regionByID(S.selectedRegion).shape };
      return;
    }
    stopPlaying();
    const frame = S.frame;
    const d = doc();
    const candidates = [];
    if (S.selectedRegion !== null) {
      const r = regionByID(S.selectedRegion);
      const box = r && regionBox(r, frame);
      if (box) candidates.push({ kind: 'region', id: r.id, box });
    }
    if (S.selectedTrack !== null) {
      const t = trackByID(S.selectedTrack);
      const b = t && boxAt(t, frame);
      if (b) candidates.push({ kind: 'track', id: t.id, box: b.box });
    }
    for (const r of d.regions) {
      const box = regionBox(r, frame);
      if (box) candidates.push({ kind: 'region', id: r.id, box });
    }
    for (const t of d.tracksFile.tracks) {
      const b = boxAt(t, frame);
      if (b) candidates.push({ kind: 'track', id: t.id, box: b.box });
    }
    for (const cand of candidates) {
      const h = hit(cand.box, p);
      if (!h) continue;
      if (cand.kind === 'track' && cand.id !== S.selectedTrack) selectTrack(cand.id, true);
      if (cand.kind === 'region' && cand.id !== S.selectedRegion) selectRegion(cand.id);
      S.drag = { kind: cand.kind, id: cand.id, origin: p, start: { ...cand.box }, box: { ...cand.box }, corner: h.corner };
      return;
    }
  });

  window.addEventListener('mousemove', (event) => {
    if (!S.project || (S.project.kind === 'photos' && !S.photo)) return;
    const p = pointer(event);
    if (S.tool === 'region' && S.polygon.length) {
      S.pointer = p;
      render();
    }
    const drag = S.drag;
    if (!drag) return;
    if (drag.kind === 'new') {
      drag.box = { x: Math.min(drag.origin.x, p.x), y: Math.min(drag.origin.y, p.y), width: Math.abs(p.x - drag.origin.x), height: Math.abs(p.y - drag.origin.y) };
    } else if (drag.corner === null) {
      drag.box = { ...drag.start, x: drag.start.x + p.x - drag.origin.x, y: drag.start.y + p.y - drag.origin.y };
    } else {
      const [ax, ay] = corners(drag.start)[3 - drag.corner]; // the opposite corner stays
      drag.box = { x: Math.min(ax, p.x), y: Math.min(ay, p.y), width: Math.max(1, Math.abs(p.x - ax)), height: Math.max(1, Math.abs(p.y - ay)) };
    }
    drag.moved = true;
    render();
  });

  window.addEventListener('mouseup', async () => {
    const drag = S.drag;
    if (!drag) return;
    S.drag = null;
    if (!drag.moved || drag.box.width * scale() < 2 || drag.box.height * scale() < 2) {
      render();
      return;
    }
    const box = rounded(drag.box);
    if (drag.kind === 'track') {
      await edit({ op: 'moveBox', track: drag.id, frame: S.frame, box });
    } else if (drag.kind === 'region') {
      await edit({ op: 'setRegionKeyframe', region: drag.id, frame: S.frame, box });
    } else if (S.tool === 'keyframe') {
      if (await edit({ op: 'setRegionKeyframe', region: S.selectedRegion, frame: S.frame, box })) setTool(null);
    } else if (S.tool === 'region') {
      await addRegion(box, null);
    }
    render();
  });

  canvas.addEventListener('dblclick', () => {
    if (S.tool === 'region' && $('region-shape').value === 'polygon') finishPolygon();
  });

  function finishPolygon() {
    const points = S.polygon.map((p) => ({ x: Math.round(p.x * 10) / 10, y: Math.round(p.y * 10) / 10 }));
    if (points.length < 3) {
      showError('A polygon needs at least 3 points: click them on the frame, then click the first again (or press Enter).');
      return;
    }
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    const box = rounded({ x: Math.min(...xs), y: Math.min(...ys), width: Math.max(...xs) - Math.min(...xs), height: Math.max(...ys) - Math.min(...ys) });
    S.polygon = [];
    addRegion(box, points);
  }

  async function addRegion(box, points) {
    const label = $('region-label').value.trim();
    if (!label) {
      showError('Give the region a label first (what it hides, e.g. "name badge").');
      render();
      return;
    }
    let first = S.frame;
    let last = null;
    if (S.photo) {
      first = 0;
      last = 0;
    } else {
      if ($('region-first').value !== '') first = Number($('region-first').value);
      if ($('region-last').value !== '') last = Number($('region-last').value);
    }
    if (S.frame < first || (last !== null && S.frame > last)) {
      showError('The frame you drew on (' + S.frame + ') must lie inside the region\'s span (' + first + '\u2013' + (last === null ? 'end' : last) + ').');
      render();
      return;
    }
    const id = (S.photo || S.project).nextRegionID;
    const region = { id, label, shape: $('region-shape').value, firstFrame: first, lastFrame: last, keyframes: [{ frame: S.frame, box }] };
    if (points) region.points = points;
    if (await edit({ op: 'addRegion', region })) {
      setTool(null);
      $('region-first').value = '';
      $('region-last').value = '';
      selectRegion(id);
    }
  }

  function setTool(tool) {
    S.tool = tool;
    S.polygon = [];
    S.pointer = null;
    const hints = {
      region: $('region-shape').value === 'polygon'
        ? 'Click the polygon\'s points on the frame; click the first point again, double-click or press Enter to finish; Esc cancels.'
        : 'Drag on the frame to draw the region on this frame (its first keyframe); Esc cancels.',
      keyframe: 'Drag on the frame to set the selected region\'s box on this frame (a keyframe); Esc cancels.',
    };
    $('draw-hint').textContent = tool ? hints[tool] : '';
    refreshPanels();
    render();
  }

  // ---- buttons -------------------------------------------------------------------------------

  function selected() {
    if (S.selectedTrack === null) {
      showError('Select a track first (click it in the list or on the frame).');
      return null;
    }
    return S.selectedTrack;
  }

  $('mask-track').addEventListener('click', () => {
    const id = selected();
    if (id !== null) edit({ op: 'mask', track: id });
  });
  $('keep-visible').addEventListener('click', () => {
    const id = selected();
    if (id === null) return;
    const reason = $('visible-reason').value.trim();
    if (!reason) {
      showError('Keeping a track visible needs a reason (e.g. "consented").');
      $('visible-reason').focus();
      return;
    }
    edit({ op: 'keepVisible', track: id, reason }).then((ok) => {
      if (ok) $('visible-reason').value = '';
    });
  });
  $('split-track').addEventListener('click', () => {
    const id = selected();
    if (id !== null) edit({ op: 'split', track: id, frame: S.frame, newTrack: S.project.nextTrackID });
  });
  $('delete-start').addEventListener('click', () => {
    const id = selected();
    if (id !== null) edit({ op: 'deleteBoxes', track: id, frame: S.frame, toward: 'start' });
  });
  $('delete-end').addEventListener('click', () => {
    const id = selected();
    if (id !== null) edit({ op: 'deleteBoxes', track: id, frame: S.photo ? 0 : S.frame, toward: 'end' });
  });
  $('merge-track').addEventListener('click', () => {
    const id = selected();
    const into = Number($('merge-target').value);
    if (id !== null && $('merge-target').value !== '') edit({ op: 'merge', track: id, into });
  });
  $('toggle-reviewed').addEventListener('click', () => {
    const id = selected();
    if (id !== null) edit({ op: 'setTrackReviewed', track: id, isReviewed: !stateOf(id).isReviewed });
  });
  $('sign-off').addEventListener('click', () => edit({ op: 'setVideoReviewed', isReviewed: !doc().isVideoReviewed }));
  $('draw-region').addEventListener('click', () => setTool(S.tool === 'region' ? null : 'region'));
  $('region-shape').addEventListener('change', () => {
    if (S.tool === 'region') setTool('region');
  });
  $('draw-keyframe').addEventListener('click', () => setTool(S.tool === 'keyframe' ? null : 'keyframe'));
  $('remove-region').addEventListener('click', () => {
    if (S.selectedRegion !== null) edit({ op: 'removeRegion', id: S.selectedRegion });
  });
  $('undo').addEventListener('click', () => undoRedo('undo'));
  $('redo').addEventListener('click', () => undoRedo('redo'));
  $('step-back').addEventListener('click', () => step(-1));
  $('step-forward').addEventListener('click', () => step(1));
  $('step-back-second').addEventListener('click', () => step(-Math.round(fps())));
  $('step-forward-second').addEventListener('click', () => step(Math.round(fps())));
  $('play').addEventListener('click', togglePlay);
  $('next-gap').addEventListener('click', nextGap);
  $('next-low').addEventListener('click', nextLowScore);
  $('next-unreviewed').addEventListener('click', nextUnreviewed);
  $('zoom-in').addEventListener('click', () => zoom(0.5));
  $('zoom-out').addEventListener('click', () => zoom(2));
  $('zoom-all').addEventListener('click', () => {
    S.window = { start: 0, count: frameCount() };
    drawTimeline();
  });
  $('frame-input').addEventListener('change', () => {
    const n = Number($('frame-input').value);
    if (Number.isFinite(n)) step(n - S.frame);
  });
  for (const radio of document.querySelectorAll('input[name=view]')) {
    radio.addEventListener('change', () => {
      S.view = radio.value;
      render();
    });
  }
  $('back-to-grid').addEventListener('click', () => {
    S.photo = null;
    S.selectedTrack = null;
    S.selectedRegion = null;
    setTool(null);
    showLayout();
    refresh();
  });

  // ---- export ----------------------------------------------------------------------------

  $('export').addEventListener('click', () => {
    const pending = S.project.kind === 'photos'
      ? S.project.photos.filter((p) => !p.isReviewed).map((p) => p.fileName)
      : S.project.unreviewedTrackIDs.map((id) => '#' + id);
    if (!pending.length) {
      runExport(false);
      return;
    }
    $('export-question').textContent = 'Not reviewed yet: ' + pending.slice(0, 30).join(', ') + (pending.length > 30 ? ', \u2026' : '') +
      '. Export anyway? The override is recorded in the decision log and the report.';
    $('export-dialog').showModal();
  });
  $('export-dialog').addEventListener('close', () => {
    if ($('export-dialog').returnValue === 'export') runExport(true);
  });

  async function runExport(allowUnreviewed) {
    say('Exporting\u2026');
    $('export').disabled = true;
    try {
      const result = await api('POST', '/api/export', { who: S.who, allowUnreviewed });
      showError('');
      if (result.outputSHA256) {
        say('Exported ' + result.output + ' (SHA-256 ' + String(result.outputSHA256).slice(0, 16) + '\u2026), report ' + result.report + '.');
      } else {
        const failures = result.failures || [];
        say('Exported ' + (result.photos - failures.length) + ' of ' + result.photos + ' photos to ' + result.output + ', report ' + result.report + '.');
        if (failures.length) showError(failures.join('\n'));
      }
      document.body.dataset.exported = result.output;
      setProject(await api('GET', '/api/project'));
    } catch (e) {
      say('');
      showError(e.message);
    } finally {
      $('export').disabled = false;
    }
  }

  // ---- keys ------------------------------------------------------------------------------

  document.addEventListener('keydown', (event) => {
    if (!S.project) return;
    const tag = event.target && event.target.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || document.querySelector('dialog[open]')) return;
    const ctrl = event.ctrlKey || event.metaKey;
    const key = event.key;
    let handled = true;
    if (ctrl && (key === 'z' || key === 'Z')) undoRedo(event.shiftKey ? 'redo' : 'undo');
    else if (ctrl && (key === 'y' || key === 'Y')) undoRedo('redo');
    else if (ctrl) handled = false;
    else if (key === 'ArrowLeft') step(event.shiftKey ? -Math.round(fps()) : -1);
    else if (key === 'ArrowRight') step(event.shiftKey ? Math.round(fps()) : 1);
    else if (key === 'j' || key === 'J') reverse();
    else if (key === 'k' || key === 'K') stopPlaying();
    else if (key === 'l' || key === 'L') forward();
    else if (key === ' ') togglePlay();
    else if (key === 'Enter' && S.tool === 'region' && S.polygon.length) finishPolygon();
    else if (key === 'Escape') {
      S.drag = null;
      setTool(null);
    } else handled = false;
    if (handled) event.preventDefault();
  });

  window.addEventListener('resize', () => drawTimeline());

  // ---- photos ----------------------------------------------------------------------------

  function showLayout() {
    const grid = S.project.kind === 'photos' && !S.photo;
    const photos = S.project.kind === 'photos';
    $('grid').hidden = !grid;
    $('stage').hidden = grid;
    $('transport').hidden = grid;
    $('timeline-box').hidden = photos;
    $('back-to-grid').hidden = !S.photo;
    $('sign-off').hidden = grid;
    document.querySelector('.views').hidden = grid;
    for (const id of ['step-back-second', 'step-back', 'play', 'step-forward', 'step-forward-second']) $(id).hidden = photos;
    $('frame-input').parentElement.hidden = photos;
    document.querySelector('.jumps').hidden = photos;
    for (const el of document.querySelectorAll('.side > section')) el.hidden = grid && !el.querySelector('#log');
  }

  function drawGrid() {
    const grid = $('grid');
    grid.textContent = '';
    for (const photo of S.project.photos) {
      const figure = document.createElement('figure');
      figure.dataset.photo = String(photo.id);
      const c = document.createElement('canvas');
      const caption = document.createElement('figcaption');
      const boxes = photo.document.tracksFile.tracks.length;
      const regions = photo.document.regions.length;
      caption.textContent = photo.fileName + ' \u00b7 ' + boxes + ' boxes' + (regions ? ', ' + regions + ' added' : '') +
        (photo.isReviewed ? ', reviewed' : ', not reviewed');
      figure.classList.toggle('reviewed', photo.isReviewed);
      figure.append(c, caption);
      figure.addEventListener('click', () => openPhoto(photo.id));
      grid.appendChild(figure);
      const img = new Image();
      img.addEventListener('load', () => {
        // The grid shows what the export shows: masked, never the original.
        const width = Math.min(360, img.naturalWidth);
        c.width = width;
        c.height = Math.round((img.naturalHeight * width) / img.naturalWidth);
        const g = c.getContext('2d');
        g.fillStyle = MASK_COLOUR;
        g.fillRect(0, 0, c.width, c.height);
        g.drawImage(img, 0, 0, c.width, c.height);
        paintMasks(g, photo.document, 0, c.width / photo.width, null);
      });
      img.src = '/media/photo/' + photo.id;
    }
  }

  function openPhoto(id) {
    const photo = S.project.photos.find((p) => p.id === id);
    if (!photo) return;
    const img = new Image();
    img.addEventListener('load', () => {
      S.photo = photo;
      S.image = img;
      S.frame = 0;
      S.selectedTrack = null;
      S.selectedRegion = null;
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      showLayout();
      refresh();
      frameShown(0);
    });
    img.addEventListener('error', () => showError('Could not load ' + photo.fileName + '.'));
    img.src = '/media/photo/' + photo.id;
  }

  // ---- start -------------------------------------------------------------------------------

  function askName() {
    return new Promise((resolve) => {
      const dialog = $('name-dialog');
      $('name-input').value = S.who;
      dialog.addEventListener('close', function onClose() {
        const name = $('name-input').value.trim();
        if (!name) {
          dialog.showModal();
          return;
        }
        dialog.removeEventListener('close', onClose);
        resolve(name);
      });
      dialog.showModal();
    });
  }

  $('reviewer').addEventListener('click', async () => {
    S.who = await askName();
    localStorage.setItem(NAME_KEY, S.who);
    $('reviewer').textContent = S.who;
  });

  async function start() {
    try {
      setProject(await api('GET', '/api/project'));
    } catch (e) {
      showError(e.message);
      return;
    }
    S.who = localStorage.getItem(NAME_KEY) || '';
    if (!S.who) {
      S.who = await askName();
      localStorage.setItem(NAME_KEY, S.who);
    }
    $('reviewer').textContent = S.who;
    showLayout();
    if (S.project.kind === 'video') {
      const m = S.project.media;
      canvas.width = m.proxyWidth || m.width;
      canvas.height = m.proxyHeight || m.height;
      S.window = { start: 0, count: frameCount() };
      video.addEventListener('loadedmetadata', () => {
        if (video.videoWidth && (video.videoWidth !== canvas.width || video.videoHeight !== canvas.height)) {
          canvas.width = video.videoWidth;
          canvas.height = video.videoHeight;
        }
        seek(0);
      }, { once: true });
      video.addEventListener('error', () => showError('The video could not be loaded or played by this browser.'));
      video.src = '/media/video';
      refresh();
    }
    document.body.dataset.ready = '1';
  }

  start();
})();
