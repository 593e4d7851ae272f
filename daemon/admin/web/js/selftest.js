// The PAD self-test wizard: live faces, then each attack, shown to this door's camera for a few
// seconds each; then APCER per attack type and BPCER at each security level, and the level to use.
import { adaptationCard } from './adaptation.js';
import { ApiError, del, get, patch, post } from './api.js';
import { errorLine, field, guarded, h, toast } from './dom.js';
import { adaptOption, adaptationPanel, personOf } from './selftest-adapt.js';

const pct = (v) => (v === null ? '–' : `${(100 * v).toFixed(1)} %`);

function reportTable(view) {
  const r = view.report;
  const live = r.phases.live ?? { frames: 0 };
  const head = h(
    'tr',
    {},
    h('th', {}, 'Level'),
    h('th', {}, 'BPCER (live refused)'),
    r.attacks.map((a) => h('th', {}, `APCER ${a}`)),
  );
  const rows = Object.entries(r.levels).map(([level, l]) =>
    h(
      'tr',
      { 'data-level': level, class: level === r.recommended_level ? 'recommended' : '' },
      h('td', {}, level, level === r.recommended_level ? ' ★' : '', level === view.configured_level ? h('span', { class: 'muted' }, ' (now)') : null),
      h('td', { 'data-field': 'bpcer' }, `${pct(l.bpcer)} (${l.live_rejected + l.live_unjudged}/${live.frames})`),
      r.attacks.map((a) => {
        const f = l.apcer[a];
        return h('td', { 'data-attack': a, class: f && f.accepted > 0 ? 'bad' : '' }, f ? `${pct(f.apcer)} (${f.accepted}/${f.frames})` : '–');
      }),
    ),
  );
  const counts = Object.entries(r.phases).map(([p, c]) => `${p}: ${c.frames} faces (${c.judged} judged), ${c.no_face} frames without a face`);
  return [
    h('div', { class: 'table-wrap' }, h('table', { id: 'selftest-report' }, h('thead', {}, head), h('tbody', {}, rows))),
    h('p', { class: 'muted' }, counts.join(' · ')),
    r.warnings.length
      ? h(
          'ul',
          { id: 'selftest-warnings', class: 'warn' },
          r.warnings.map((w) => h('li', {}, w)),
        )
      : null,
  ];
}

function applyPanel(view) {
  const level = view.report.recommended_level;
  if (!level) return h('p', { class: 'bad', id: 'selftest-recommended' }, 'No level can be recommended: see the warnings.');
  const err = errorLine();
  const out = h('div');
  const line = h('pre', { id: 'selftest-config-line' }, `pad:\n  security_level: ${level}`);
  const apply = h('button', { type: 'button', id: 'selftest-apply' }, `Use ${level}`);
  apply.addEventListener('click', () =>
    guarded(apply, err, async () => {
      const res = await patch('/api/settings', { pad: { security_level: level } });
      const later = res.applied_at_next_start.includes('pad.security_level');
      out.replaceChildren(
        h(
          'p',
          { class: 'ok', id: 'selftest-applied' },
          later
            ? `Saved: pad.security_level is ${level} from the next start of the daemon (e.g. sudo systemctl restart facegate).`
            : `pad.security_level is now ${level}.`,
        ),
      );
      toast(`pad.security_level: ${level} saved`);
    }),
  );
  return h(
    'div',
    {},
    h('p', { id: 'selftest-recommended' }, 'Recommended: ', h('strong', {}, level), level === view.configured_level ? ' (already in use)' : ''),
    h('p', { class: 'muted' }, 'Apply it here (kept with the settings changed from the panel), or put this in the config file:'),
    line,
    level === view.configured_level ? null : apply,
    err,
    out,
  );
}

export async function selftest(root) {
  const body = h('div', { class: 'card', id: 'selftest' });
  let timer = null;
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };

  function startForm(note) {
    const [secF, sec] = field('Seconds per phase', { name: 'seconds', type: 'number', min: 1, max: 60, value: '5' });
    const boxes = ['print', 'screen'].map((a) =>
      h(
        'label',
        {},
        h('input', { type: 'checkbox', name: 'attack', value: a, checked: true }),
        ` ${a === 'print' ? 'printed photo' : 'phone or tablet screen'}`,
      ),
    );
    const [adaptEl, adaptPeople] = adaptOption();
    const err = errorLine();
    const start = h('button', { type: 'button', id: 'selftest-start' }, 'Start the self-test');
    start.addEventListener('click', () =>
      guarded(start, err, async () => {
        const attacks = boxes
          .map((b) => b.querySelector('input'))
          .filter((i) => i.checked)
          .map((i) => i.value);
        if (attacks.length === 0) throw new Error('choose at least one attack');
        const people = adaptPeople();
        render(await post('/api/pad/selftest', { seconds: Number(sec.value), attacks, ...(people === null ? {} : { adapt_people: people }) }));
      }),
    );
    body.replaceChildren(
      h('h2', {}, 'Self-test for this door'),
      h(
        'p',
        {},
        'Shows this camera live faces, then a printed photo and a phone or tablet screen showing a face, a few seconds each, and measures at each security level how many attack frames would pass (APCER) and how many live frames would be refused (BPCER). Only the numbers are kept: no frame or image is stored.',
      ),
      h('p', { class: 'muted' }, 'The door keeps working meanwhile: attack frames are denied as usual and appear in the events.'),
      note ? h('p', { class: 'muted' }, note) : null,
      secF,
      h('div', { class: 'row' }, boxes),
      adaptEl,
      err,
      start,
    );
  }

  function render(view) {
    stop();
    if (view.status === 'cancelled') return startForm('The last run was cancelled.');
    const err = errorLine();
    const cancel = h('button', { type: 'button', class: 'secondary', id: 'selftest-cancel' }, 'Cancel');
    cancel.addEventListener('click', () => guarded(cancel, err, async () => render(await del('/api/pad/selftest'))));
    const steps = h(
      'ol',
      { class: 'steps' },
      view.phases.map((p, i) =>
        h(
          'li',
          { class: i < view.phase_index ? 'ok' : i === view.phase_index ? 'current' : 'muted' },
          p,
          personOf(view, i) ? ` (person ${personOf(view, i)})` : '',
          view.counts[p] && i <= view.phase_index ? h('span', { class: 'muted' }, ` — ${view.counts[p].frames} faces`) : null,
        ),
      ),
    );
    const status = h('p', { id: 'selftest-status', 'data-status': view.status, 'data-phase': view.phase ?? '' });
    if (view.status === 'waiting') {
      const next = h('button', { type: 'button', id: 'selftest-next' }, `Start phase ${view.phase_index + 1}: ${view.phase}`);
      next.addEventListener('click', () => guarded(next, err, async () => render(await post('/api/pad/selftest/next'))));
      status.append(h('strong', {}, `Next: ${view.phase} (${view.seconds} s). `), view.prompt);
      body.replaceChildren(h('h2', {}, 'Self-test for this door'), steps, status, err, next, cancel);
      return undefined;
    }
    if (view.status === 'collecting') {
      const c = view.counts[view.phase];
      status.append(h('strong', {}, `${view.phase}: `), view.prompt);
      const countdown = h(
        'p',
        { id: 'selftest-countdown', class: 'countdown' },
        `${Math.ceil(view.remaining_ms / 1000)} s`,
        h('span', { class: 'muted' }, ` · ${c.frames} faces scored, ${c.no_face} frames without a face`),
      );
      body.replaceChildren(h('h2', {}, 'Self-test for this door'), steps, status, countdown, err, cancel);
      timer = setTimeout(
        () =>
          void get('/api/pad/selftest').then(render, (e) => {
            err.textContent = e.message;
          }),
        500,
      );
      return undefined;
    }
    const again = h('button', { type: 'button', class: 'secondary', id: 'selftest-again' }, 'Run again');
    again.addEventListener('click', () => startForm());
    const poll = () => {
      timer = setTimeout(
        () =>
          void get('/api/pad/selftest').then(render, (e) => {
            err.textContent = e.message;
          }),
        500,
      );
    };
    body.replaceChildren(h('h2', {}, 'Self-test for this door: result'), ...reportTable(view), applyPanel(view), adaptationPanel(view, poll), err, again);
    return undefined;
  }

  root.append(h('h1', {}, 'PAD self-test'), body, adaptationCard());
  try {
    render(await get('/api/pad/selftest'));
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404) throw err;
    startForm();
  }
  return stop;
}
