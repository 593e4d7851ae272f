/* global AbortController, TextDecoder */
// The live framing preview of camera enrollment (GET /api/camera/preview, admins only): the newest
// camera frame, a few times a second, with the face box and the verdict drawn in the verdict's
// colour, so the installer can frame the camera and the person can stand right. Nothing is kept:
// each frame replaces the last. Stopping aborts the request; the daemon then stops sampling.
import { h } from './dom.js';

/** Green: capture now; amber: the person can fix it; red: no single face to judge; grey: not judged yet. */
export const VERDICT_COLOURS = {
  ok: '#19d36a',
  too_small: '#ffb000',
  dark: '#ffb000',
  blurred: '#ffb000',
  turned_away: '#ffb000',
  tilted: '#ffb000',
  no_face: '#ff3b30',
  several_faces: '#ff3b30',
  not_analysed: '#9aa3b5',
};

const VERDICT_TEXT = {
  ok: 'Good: hold still and capture',
  too_small: 'Too small: come closer',
  dark: 'Too dark: more light on the face',
  blurred: 'Blurred: hold still',
  turned_away: 'Turned away: look at the camera',
  tilted: 'Tilted: hold the head straight',
  no_face: 'No face: stand in front of the camera',
  several_faces: 'Several faces: one person at a time',
  not_analysed: 'Looking for a face…',
};

const END_TEXT = { time_limit: 'The preview ended at its time limit; open it again to go on.', stopped: 'The daemon ended the preview.' };

/** Draws one frame: the picture, each face's box, and a band with the verdict at the bottom. */
function draw(canvas, img, frame) {
  const colour = VERDICT_COLOURS[frame.verdict] ?? VERDICT_COLOURS.not_analysed;
  canvas.width = frame.width;
  canvas.height = frame.height;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0, frame.width, frame.height);
  ctx.lineWidth = 4;
  ctx.strokeStyle = colour;
  for (const f of frame.faces) ctx.strokeRect(f.box.x, f.box.y, f.box.width, f.box.height);
  const band = Math.max(24, Math.round(frame.height / 12));
  ctx.fillStyle = 'rgba(0, 0, 0, 0.6)';
  ctx.fillRect(0, frame.height - band, frame.width, band);
  ctx.fillStyle = colour;
  ctx.font = `600 ${Math.round(band * 0.6)}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  ctx.fillText(VERDICT_TEXT[frame.verdict] ?? frame.verdict, 10, frame.height - band / 2);
  // For whoever checks the picture (and the e2e test): what was drawn where.
  canvas.dataset.verdict = frame.verdict;
  canvas.dataset.seq = String(frame.seq);
  canvas.dataset.box = frame.faces.length ? JSON.stringify(frame.faces[0].box) : '';
}

/** Yields each Server-Sent Event ({name, data}) of a streamed response. */
async function* events(res) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    text += decoder.decode(value, { stream: true });
    for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      const name = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (name && data) yield { name, data: JSON.parse(data) };
    }
  }
}

/**
 * A live preview element; it streams until stop(), or until it is taken out of the page (the
 * dialog or page it was in closed). The verdict line says the same as the band, for screen readers.
 */
export function cameraPreview() {
  const canvas = h('canvas', { id: 'camera-preview', width: 480, height: 360 });
  const line = h('p', { id: 'camera-preview-verdict', role: 'status', 'aria-live': 'polite', class: 'muted' }, 'Starting the camera preview…');
  const root = h('div', { class: 'camera-preview' }, canvas, line);
  const abort = new AbortController();
  const stop = () => abort.abort();

  const show = (text, cls) => {
    line.textContent = text;
    line.className = cls;
  };
  void (async () => {
    try {
      const res = await fetch('/api/camera/preview', { credentials: 'same-origin', signal: abort.signal });
      if (!res.ok) {
        const body = await res.json().catch(() => null);
        show(body?.message ?? `the preview is not available (${res.status})`, 'error');
        return;
      }
      for await (const e of events(res)) {
        if (!root.isConnected) return stop();
        if (e.name === 'open')
          show(`Live at ${e.data.fps} frames a second for ${Math.round(e.data.max_seconds / 60)} min at most; nothing is stored.`, 'muted');
        if (e.name === 'end') return show(END_TEXT[e.data.reason] ?? 'The preview ended.', 'muted');
        if (e.name !== 'frame') continue;
        const img = new Image();
        img.src = `data:image/jpeg;base64,${e.data.jpeg_base64}`;
        await img.decode();
        draw(canvas, img, e.data);
        show(VERDICT_TEXT[e.data.verdict] ?? e.data.verdict, e.data.verdict === 'ok' ? 'ok' : 'bad');
      }
    } catch (err) {
      if (!abort.signal.aborted) show(`the preview stopped: ${err.message}`, 'error');
    } finally {
      root.dataset.state = 'stopped';
    }
  })();
  return { root, stop };
}
