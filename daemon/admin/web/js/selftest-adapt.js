// The self-test wizard's last step (issue 26): a run with people presenting in turn also fits this
// door's own PAD model; its figures are shown before and after, and the operator accepts it or not.
import { post } from './api.js';
import { errorLine, guarded, h, toast } from './dom.js';

const pct = (v) => (v === null || v === undefined ? '–' : `${(100 * v).toFixed(1)} %`);

/** The start form's option: [element, read()] where read() gives the people count or null. */
export function adaptOption() {
  const box = h('input', { type: 'checkbox', name: 'adapt', id: 'selftest-adapt' });
  const people = h('input', { type: 'number', name: 'people', min: 2, max: 6, value: '2', id: 'selftest-people' });
  const el = h(
    'div',
    { class: 'row' },
    h('label', {}, box, " Also fit this door's own PAD model, with "),
    people,
    h('span', {}, ' people presenting in turn (each live, then a picture of their own face; the wizard asks for each).'),
  );
  return [el, () => (box.checked ? Number(people.value) : null)];
}

/** Who presents phase i of an adapting run (phases repeat once per person). */
export function personOf(view, i) {
  const people = view.adaptation?.people;
  return people ? Math.floor(i / (view.phases.length / people)) + 1 : null;
}

function figuresTable(a) {
  const level = a.level;
  const before = a.before?.levels[level];
  const after = a.after?.levels[level];
  const attacks = a.before?.attacks ?? [];
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { id: 'selftest-adaptation-figures' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, `At ${level}`),
          h('th', {}, 'BPCER (live refused)'),
          attacks.map((k) => h('th', {}, `APCER ${k}`)),
        ),
      ),
      h(
        'tbody',
        {},
        [
          ['shipped model', before],
          ["this door's own (judged across the people)", after],
        ].map(([name, l]) =>
          h(
            'tr',
            {},
            h('td', {}, name),
            h('td', {}, pct(l?.bpcer)),
            attacks.map((k) => h('td', {}, pct(l?.apcer[k]?.apcer))),
          ),
        ),
      ),
    ),
  );
}

/** The adaptation's part of a finished run; `poll` asks again while it is being fitted. */
export function adaptationPanel(view, poll) {
  const a = view.adaptation;
  if (!a) return null;
  const box = h('div', { id: 'selftest-adaptation', 'data-status': a.status }, h('h3', {}, "This door's own PAD model, fitted from this run"));
  if (a.status === 'fitting' || a.status === 'collecting') {
    box.append(h('p', { class: 'muted' }, 'Fitting on the presentations of the run… (a few seconds)'));
    poll();
    return box;
  }
  if (a.status === 'failed') {
    box.append(h('p', { class: 'bad' }, `It could not be fitted: ${a.error ?? 'unknown error'}. The door keeps the shipped model.`));
    return box;
  }
  if (a.before) box.append(figuresTable(a));
  if (a.status === 'refused') {
    box.append(
      h('p', { class: 'bad' }, 'Not proposed; the door keeps the shipped model:'),
      h(
        'ul',
        { id: 'selftest-adaptation-reasons', class: 'warn' },
        a.reasons.map((r) => h('li', {}, r.message)),
      ),
    );
    return box;
  }
  const err = errorLine();
  const out = h('div');
  const accept = h('button', { type: 'button', id: 'selftest-adaptation-accept' }, 'Use it at this door');
  accept.addEventListener('click', () =>
    guarded(accept, err, async () => {
      const res = await post('/api/pad/selftest/accept');
      accept.remove();
      out.replaceChildren(
        h(
          'p',
          { class: 'ok', id: 'selftest-adaptation-accepted' },
          `Door ${res.status.door} now judges faces with its own PAD model${res.changed ? ' (the previous one was replaced)' : ''}.`,
        ),
      );
      toast("this door's own PAD model is in use");
    }),
  );
  box.append(
    h(
      'p',
      { class: 'muted' },
      `Proposed (fitted in ${((a.fit_ms ?? 0) / 1000).toFixed(1)} s). It keeps weights and these numbers only: no frame or face. Nothing changes until you accept it.`,
    ),
    accept,
    err,
    out,
  );
  return box;
}
