/* global URL */
// The people page: add a person, enroll them from photos or the camera (with the face box the
// daemon found drawn on each photo, and a live framing preview for the camera), their figures at
// the door, export, erase.
import { del, get, post } from './api.js';
import { cameraPreview } from './camera-preview.js';
import { errorLine, field, fmtTime, guarded, h, toast } from './dom.js';
import { personStatsCard } from './person-stats.js';

// At most one live preview on the page: it stops when its panel is replaced or the page is left.
let openPreview = null;
function stopPreview() {
  openPreview?.stop();
  openPreview = null;
}

/** Draws the image with the face box: green when the face passed the quality check, red otherwise. */
function verdictFigure(src, result) {
  const v = result.verdict;
  const canvas = h('canvas', { width: v.image_width || 1, height: v.image_height || 1, 'data-ok': String(v.ok) });
  const img = new Image();
  img.onload = () => {
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    if (v.box) {
      const sx = img.naturalWidth / (v.image_width || img.naturalWidth);
      const sy = img.naturalHeight / (v.image_height || img.naturalHeight);
      ctx.lineWidth = Math.max(2, img.naturalWidth / 150);
      ctx.strokeStyle = v.ok ? '#19d36a' : '#ff3b30';
      ctx.strokeRect(v.box.x * sx, v.box.y * sy, v.box.width * sx, v.box.height * sy);
    }
  };
  img.src = src;
  const text = result.added ? 'added' : v.box ? `not added: ${v.reasons.join(', ')}` : `no face: ${v.reasons.join(', ')}`;
  return h('figure', {}, canvas, h('figcaption', { class: result.added ? 'ok' : 'bad' }, result.file ? `${result.file}: ` : '', text));
}

function enrollPanel(person, refresh) {
  stopPreview();
  const out = h('div', { class: 'verdicts' });
  const err = errorLine();
  const input = h('input', {
    type: 'file',
    accept: 'image/jpeg,image/png,image/webp',
    multiple: true,
    capture: 'user',
    name: 'photo',
    'data-person': person.id,
  });
  const upload = h('button', { type: 'button' }, 'Upload photos');
  const camera = h('button', { type: 'button', class: 'secondary', id: 'camera-open' }, 'From camera');
  const capture = h('button', { type: 'button', id: 'camera-capture', hidden: true }, 'Capture this face');
  const close = h('button', { type: 'button', class: 'secondary', id: 'camera-close', hidden: true }, 'Close preview');
  const live = h('div', { class: 'live' });
  const showCameraButtons = (previewing) => {
    camera.hidden = previewing;
    capture.hidden = close.hidden = !previewing;
  };
  upload.addEventListener('click', () =>
    guarded(upload, err, async () => {
      if (!input.files.length) throw new Error('choose one or more photos first');
      const form = new FormData();
      const urls = [];
      for (const f of input.files) {
        form.append('photo', f, f.name);
        urls.push(URL.createObjectURL(f));
      }
      const res = await post(`/api/people/${person.id}/templates`, form);
      out.replaceChildren(...res.results.map((r, i) => verdictFigure(urls[i], r)));
      toast(`${res.results.filter((r) => r.added).length} of ${res.results.length} photos added; ${res.templates} templates`);
      refresh();
    }),
  );
  // The camera flow: a live preview to stand right in, then capture (as often as needed), then close.
  camera.addEventListener('click', () => {
    stopPreview();
    openPreview = cameraPreview();
    live.replaceChildren(openPreview.root);
    showCameraButtons(true);
  });
  close.addEventListener('click', () => {
    stopPreview();
    live.replaceChildren();
    showCameraButtons(false);
  });
  capture.addEventListener('click', () =>
    guarded(capture, err, async () => {
      const res = await post(`/api/people/${person.id}/templates/camera`);
      const r = res.results[0];
      out.replaceChildren(
        r.preview_jpeg_base64
          ? verdictFigure(`data:image/jpeg;base64,${r.preview_jpeg_base64}`, r)
          : h('p', { class: r.added ? 'ok' : 'bad' }, r.added ? 'added' : r.verdict.reasons.join(', ')),
      );
      refresh();
    }),
  );
  return h(
    'div',
    { class: 'enroll' },
    h('label', {}, `Photos of ${person.name} (JPEG, PNG or WebP; one face each)`),
    input,
    upload,
    camera,
    live,
    capture,
    close,
    err,
    out,
  );
}

/** The person's page: their figures at the door, then enrollment. */
function personCard(person, refresh) {
  return h('div', { class: 'card', 'data-person-page': person.id }, h('h2', {}, person.name), personStatsCard(person), enrollPanel(person, refresh));
}

export async function people(root) {
  const tbody = h('tbody');
  const detail = h('div', { id: 'person-detail' });
  async function refresh() {
    const { people: list } = await get('/api/people');
    tbody.replaceChildren(
      ...list.map((p) =>
        h(
          'tr',
          { 'data-person': p.id },
          h('td', {}, p.name),
          h('td', {}, String(p.templates)),
          h('td', { class: 'muted' }, p.valid_until ? `until ${fmtTime(p.valid_until)}` : 'always'),
          h(
            'td',
            {},
            h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                onclick: () => detail.replaceChildren(personCard(p, () => void refresh())),
              },
              'Details',
            ),
            h('a', { class: 'button secondary', href: `/api/people/${encodeURIComponent(p.id)}/export`, download: `facegate-person-${p.id}.json` }, 'Export'),
            h(
              'button',
              {
                type: 'button',
                class: 'danger',
                onclick: (e) =>
                  guarded(e.currentTarget, null, async () => {
                    if (!confirm(`Erase ${p.name}? Their templates and keys are destroyed; this cannot be undone.`)) return;
                    await del(`/api/people/${encodeURIComponent(p.id)}`);
                    toast(`${p.name} erased`);
                    stopPreview();
                    detail.replaceChildren();
                    await refresh();
                  }),
              },
              'Erase',
            ),
          ),
        ),
      ),
    );
    if (list.length === 0) tbody.append(h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'Nobody enrolled yet.')));
  }
  const [nameF, name] = field('Name', { name: 'name', required: true, maxlength: 100 });
  const [untilF, until] = field('Valid until (optional)', { name: 'valid_until', type: 'datetime-local' });
  const err = errorLine();
  const add = h('button', { type: 'submit' }, 'Add person');
  const form = h('form', { class: 'card', id: 'new-person' }, h('h2', {}, 'Add a person'), h('div', { class: 'row' }, nameF, untilF), err, add);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void guarded(add, err, async () => {
      const body = { name: name.value };
      if (until.value) body.valid_until = new Date(until.value).toISOString();
      const p = await post('/api/people', body);
      form.reset();
      await refresh();
      detail.replaceChildren(personCard(p, () => void refresh()));
    });
  });
  root.append(
    h('h1', {}, 'People'),
    h(
      'div',
      { class: 'grid' },
      form,
      h(
        'div',
        { class: 'card' },
        h('h2', {}, 'Enrolled'),
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { id: 'people-table' },
            h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Templates'), h('th', {}, 'Valid'), h('th', {}, ''))),
            tbody,
          ),
        ),
      ),
    ),
    detail,
  );
  await refresh();
  return stopPreview;
}
