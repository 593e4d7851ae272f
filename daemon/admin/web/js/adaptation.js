// A door's own PAD model (issue 26): for each door, whether an accepted adaptation judges its faces,
// the figures it was accepted on, and accepting, replacing or removing the file that
// `facegate pad selftest --adapt` proposed. The daemon checks the file in full; the page only parses
// it, so that a file that is not JSON never leaves the page.
import { del, get, put } from './api.js';
import { errorLine, fmtTime, guarded, h, toast } from './dom.js';

const pct = (v) => (v === null || v === undefined ? '-' : `${(100 * v).toFixed(1)} %`);
const url = (door) => `/api/doors/${encodeURIComponent(door)}/pad-adaptation`;

// What the state means for the door, in the installer's words: stale and invalid ones are kept but
// not used, which is easy to miss, so they carry the daemon's reason and the warning colour.
function stateLine(s) {
  const words = {
    none: 'None: the shipped model judges this door.',
    active: "Active: this door's own model judges its faces.",
    stale: 'Stale: kept, but not used; the shipped model judges this door. Why: ',
    invalid: 'Invalid: kept, but not used; the shipped model judges this door. Why: ',
  };
  const warn = s.state === 'stale' || s.state === 'invalid';
  return h(
    'p',
    { 'data-field': 'state', class: warn ? 'warn' : s.state === 'active' ? 'ok' : 'muted' },
    words[s.state] ?? s.state,
    warn && s.problem ? h('span', { 'data-field': 'problem' }, s.problem) : null,
  );
}

/** Before (the shipped model) → after (this door's), at the level the adaptation was checked at. */
function figuresTable(id, a) {
  const attacks = [...new Set([...Object.keys(a.before.apcer), ...Object.keys(a.after.apcer)])];
  const row = (label, field, before, after) =>
    h('tr', { 'data-field': field }, h('th', {}, label), h('td', { 'data-when': 'before' }, pct(before)), h('td', { 'data-when': 'after' }, pct(after)));
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { id: `${id}-figures` },
      h('thead', {}, h('tr', {}, h('th', {}, `At ${a.level}`), h('th', {}, 'Shipped model'), h('th', {}, "This door's model"))),
      h(
        'tbody',
        {},
        row('BPCER (live refused)', 'bpcer', a.before.bpcer, a.after.bpcer),
        attacks.map((k) => row(`APCER ${k}`, `apcer-${k}`, a.before.apcer[k] ?? null, a.after.apcer[k] ?? null)),
      ),
    ),
  );
}

function doorSection(status) {
  const id = `adaptation-${status.door}`;
  const kept = status.state !== 'none';
  const a = status.adaptation;
  const err = h('p', { class: 'error', role: 'alert', id: `${id}-error` });
  let el; // the section itself, built last from the controls below
  const rerender = (s) => el.replaceWith(doorSection(s));

  const input = h('input', { type: 'file', accept: '.json,application/json', id: `${id}-file`, name: 'adaptation' });
  input.addEventListener('change', () =>
    guarded(input, err, async () => {
      const file = input.files[0];
      if (!file) return;
      let body;
      try {
        body = JSON.parse(await file.text());
      } catch (e) {
        // Caught here, so a file that is not JSON is never sent.
        input.value = '';
        throw new Error(`${file.name} is not a JSON file (${e.message}); nothing was sent`);
      }
      try {
        const res = await put(url(status.door), body);
        toast(`${status.door}: PAD adaptation ${res.changed ? 'replaced' : 'accepted'} (${res.status.state})`);
        rerender(res.status);
      } finally {
        input.value = ''; // the same file can be chosen again after an error
      }
    }),
  );

  // Removing asks again in the page, not with window.confirm, which blocks the page and cannot be styled.
  const ask = h('div', { hidden: true, id: `${id}-remove-ask` });
  const remove = h('button', { type: 'button', class: 'secondary', id: `${id}-remove` }, 'Remove');
  remove.addEventListener('click', () => {
    err.textContent = '';
    remove.hidden = true;
    ask.hidden = false;
  });
  const yes = h('button', { type: 'button', class: 'danger', id: `${id}-remove-confirm` }, 'Remove it');
  const no = h('button', { type: 'button', class: 'secondary', id: `${id}-remove-cancel` }, 'Keep it');
  yes.addEventListener('click', () =>
    guarded(yes, err, async () => {
      const res = await del(url(status.door));
      toast(`${status.door}: PAD adaptation ${res.changed ? 'removed' : 'was already gone'}`);
      rerender(res.status);
    }),
  );
  no.addEventListener('click', () => {
    ask.hidden = true;
    remove.hidden = false;
  });
  ask.append(h('p', {}, `Remove door ${status.door}'s own model? The shipped model judges this door again.`), yes, no);

  el = h(
    'div',
    { id, 'data-state': status.state, class: 'adaptation' },
    h('h3', {}, status.door),
    stateLine(status),
    kept
      ? h(
          'dl',
          { class: 'kv' },
          h('dt', {}, 'Accepted'),
          h('dd', { 'data-field': 'accepted' }, `${fmtTime(status.accepted_at)} by ${status.accepted_by ?? '—'}`),
          h('dt', {}, 'On camera'),
          h('dd', {}, status.camera ?? '—'),
          a ? [h('dt', {}, 'Level'), h('dd', { 'data-field': 'level' }, a.level)] : null,
          a ? [h('dt', {}, 'Fitted on'), h('dd', {}, `${a.camera}, ${fmtTime(a.created_at)}`)] : null,
          a
            ? [
                h('dt', {}, 'Frames'),
                h(
                  'dd',
                  { 'data-field': 'frames' },
                  Object.entries(a.frames)
                    .map(([kind, n]) => `${kind} ${n}`)
                    .join(', '),
                  ` from ${a.presenters} presenter${a.presenters === 1 ? '' : 's'}`,
                ),
              ]
            : null,
        )
      : null,
    a ? figuresTable(id, a) : null,
    h('label', { for: input.id }, kept ? 'Replace it with a proposed file…' : 'Accept a proposed file…'),
    input,
    kept ? [remove, ask] : null,
    err,
  );
  return el;
}

/** The card, filled once the doors and their adaptations are loaded; what cannot be loaded is said inline. */
export function adaptationCard() {
  const err = errorLine();
  const list = h('div', { id: 'adaptations' }, h('p', { class: 'muted' }, 'Loading…'));
  const card = h(
    'div',
    { class: 'card', id: 'adaptation' },
    h('h2', {}, "This door's own PAD model"),
    h(
      'p',
      { class: 'muted' },
      h('code', {}, 'facegate pad selftest --images DIR --adapt --out FILE'),
      ' proposes one from presentations filmed at the door. Only the door the camera watches can use it, and only while the camera and the shipped models stay the same.',
    ),
    list,
    err,
  );
  get('/api/doors')
    .then(({ doors }) => Promise.all(doors.map((d) => get(url(d.door)))))
    .then(
      (views) => list.replaceChildren(...views.map(doorSection)),
      (e) => {
        list.replaceChildren();
        err.textContent = e.message; // e.g. PAD is off (503): no door has a model to adapt
      },
    );
  return card;
}
