/* global CSS, URL */
// The panel's pages. Each renders into `root` and may return a cleanup function (e.g. closing SSE).
import { del, get, patch, post } from './api.js';
import { errorLine, field, fmtTime, guarded, h, toast } from './dom.js';
import { selftest } from './selftest.js';

const EVENT_TYPES = [
  'access_granted',
  'access_denied',
  'unknown_face',
  'spoof_suspected',
  'door_opened',
  'door_closed',
  'door_held_open',
  'door_forced',
  'door_locked',
  'door_unlocked',
  'unlocked_manually',
  'rex_unlock',
  'lockout_started',
  'lockout_ended',
  'lockdown_changed',
  'tamper',
  'camera_lost',
  'camera_restored',
  'command_rejected',
  'gpio_error',
  'lock_jammed',
];
const GOOD = new Set(['access_granted', 'door_closed', 'door_locked', 'camera_restored', 'lockout_ended']);
const BAD = new Set([
  'access_denied',
  'spoof_suspected',
  'door_forced',
  'door_held_open',
  'tamper',
  'camera_lost',
  'gpio_error',
  'lock_jammed',
  'lockout_started',
]);

function eventItem(e, fresh = false) {
  const cls = GOOD.has(e.type) ? 'ok' : BAD.has(e.type) ? 'bad' : 'warn';
  return h(
    'li',
    { class: fresh ? 'fresh' : '', 'data-type': e.type },
    h('span', { class: `pill ${cls}` }, e.type.replaceAll('_', ' ')),
    h('span', { class: 'muted' }, fmtTime(e.ts)),
    h('span', {}, e.door),
    e.subject ? h('code', {}, e.subject.slice(0, 12)) : null,
    e.score !== null ? h('span', { class: 'muted' }, `score ${e.score.toFixed(2)}`) : null,
    e.reason ? h('span', { class: 'muted' }, e.reason) : null,
  );
}

function doorSummary(d) {
  const lockCls = d.lock === 'locked' ? 'ok' : 'warn';
  return h(
    'dl',
    { class: 'kv', 'data-door': d.door },
    h('dt', {}, 'Lock'),
    h('dd', {}, h('span', { class: `pill ${lockCls}`, 'data-field': 'lock' }, d.lock)),
    h('dt', {}, 'Door'),
    h('dd', {}, d.position),
    h('dt', {}, 'Mode'),
    h('dd', { 'data-field': 'mode' }, d.mode.replace('_', ' ')),
    h('dt', {}, 'Alarm'),
    h('dd', { class: d.alarm === 'none' ? '' : 'bad' }, d.alarm.replace('_', ' ')),
    d.held_unlocked_until ? [h('dt', {}, 'Held until'), h('dd', {}, fmtTime(d.held_unlocked_until))] : null,
  );
}

/** Live stream of stored events and door states; returns a closer. */
function live(onEvent, onDoor, statusEl) {
  const es = new EventSource('/api/events/stream');
  es.addEventListener('open', () => {
    statusEl.textContent = 'live';
    statusEl.className = 'pill ok';
  });
  es.addEventListener('error', () => {
    statusEl.textContent = 'reconnecting';
    statusEl.className = 'pill warn';
  });
  es.addEventListener('event', (m) => onEvent(JSON.parse(m.data)));
  es.addEventListener('door', (m) => onDoor(JSON.parse(m.data)));
  return () => es.close();
}

async function dashboard(root) {
  const status = await get('/api/status');
  const recent = await get('/api/events?limit=15');
  const liveState = h('span', { class: 'pill warn', id: 'live-state' }, 'connecting');
  const list = h(
    'ul',
    { class: 'events', id: 'live-events' },
    recent.events.map((r) => eventItem(r.event)),
  );
  const doors = h(
    'div',
    { id: 'doors' },
    status.doors.map((d) => h('div', { class: 'door' }, h('h2', {}, d.door), doorSummary(d))),
  );
  const healthCls = status.health.status === 'ok' ? 'ok' : 'bad';
  root.append(
    h('h1', {}, 'Dashboard'),
    h(
      'div',
      { class: 'grid' },
      h(
        'div',
        { class: 'card' },
        h('h2', {}, 'Health'),
        h(
          'dl',
          { class: 'kv' },
          h('dt', {}, 'Status'),
          h('dd', {}, h('span', { class: `pill ${healthCls}`, id: 'health' }, status.health.status)),
          status.health.problems.length ? [h('dt', {}, 'Problems'), h('dd', { class: 'bad' }, status.health.problems.join('; '))] : null,
          h('dt', {}, 'Camera'),
          h(
            'dd',
            { id: 'camera' },
            status.camera ? `${status.camera.state}${status.camera.fps !== null ? `, ${status.camera.fps.toFixed(1)} fps` : ''}` : 'not running',
          ),
          h('dt', {}, 'Vision'),
          h('dd', {}, status.vision ? `${status.vision.backend ?? '?'} · ${status.vision.models.join(', ') || 'no models'}` : 'not running'),
          h('dt', {}, 'Temperature'),
          h('dd', {}, status.temperature_c !== null ? `${status.temperature_c.toFixed(1)} °C` : '—'),
          h('dt', {}, 'Uptime'),
          h('dd', {}, `${Math.floor(status.uptime_s / 3600)} h ${Math.floor((status.uptime_s % 3600) / 60)} min`),
          h('dt', {}, 'Version'),
          h('dd', {}, status.version),
        ),
      ),
      h('div', { class: 'card' }, h('h2', {}, 'Doors'), doors),
      h('div', { class: 'card' }, h('h2', {}, 'Last events ', liveState), list),
    ),
  );
  return live(
    (e) => {
      list.prepend(eventItem(e, true));
      while (list.children.length > 30) list.lastChild.remove();
    },
    (d) => {
      const old = doors.querySelector(`[data-door="${CSS.escape(d.door)}"]`);
      if (old) old.replaceWith(doorSummary(d));
    },
    liveState,
  );
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
  const camera = h('button', { type: 'button', class: 'secondary' }, 'From camera');
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
  camera.addEventListener('click', () =>
    guarded(camera, err, async () => {
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
  return h('div', { class: 'enroll' }, h('label', {}, `Photos of ${person.name} (JPEG, PNG or WebP; one face each)`), input, upload, camera, err, out);
}

async function people(root) {
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
                onclick: () =>
                  detail.replaceChildren(
                    h(
                      'div',
                      { class: 'card' },
                      h('h2', {}, p.name),
                      enrollPanel(p, () => void refresh()),
                    ),
                  ),
              },
              'Enroll',
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
      detail.replaceChildren(
        h(
          'div',
          { class: 'card' },
          h('h2', {}, p.name),
          enrollPanel(p, () => void refresh()),
        ),
      );
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
}

async function events(root) {
  const type = h(
    'select',
    { name: 'type' },
    h('option', { value: '' }, 'any type'),
    EVENT_TYPES.map((t) => h('option', { value: t }, t.replaceAll('_', ' '))),
  );
  const [doorF, door] = field('Door', { name: 'door', placeholder: 'any' });
  const [fromF, from] = field('From', { name: 'from', type: 'datetime-local' });
  const [toF, to] = field('To', { name: 'to', type: 'datetime-local' });
  const list = h('ul', { class: 'events', id: 'event-list' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Older');
  const err = errorLine();
  let before = null;
  async function load(reset) {
    const q = new URLSearchParams({ limit: '25' });
    if (type.value) q.set('type', type.value);
    if (door.value) q.set('door', door.value);
    if (from.value) q.set('from', new Date(from.value).toISOString());
    if (to.value) q.set('to', new Date(to.value).toISOString());
    if (!reset && before) q.set('before', String(before));
    const page = await get(`/api/events?${q}`);
    if (reset) list.replaceChildren();
    list.append(...page.events.map((r) => eventItem(r.event)));
    if (reset && page.events.length === 0) list.append(h('li', { class: 'muted' }, 'No events match.'));
    before = page.next_before;
    more.hidden = before === null;
  }
  const apply = h('button', { type: 'submit' }, 'Filter');
  const form = h('form', { class: 'card' }, h('div', { class: 'row' }, h('div', {}, h('label', {}, 'Type'), type), doorF, fromF, toF), err, apply);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void guarded(apply, err, () => load(true));
  });
  more.addEventListener('click', () => guarded(more, err, () => load(false)));
  root.append(h('h1', {}, 'Events'), form, h('div', { class: 'card' }, list, more));
  await load(true);
}

async function door(root) {
  const { doors } = await get('/api/doors');
  const cards = doors.map((d) => {
    const state = h('div', {}, doorSummary(d));
    const err = errorLine();
    const show = (res) => {
      if (res.status) state.replaceChildren(doorSummary(res.status));
      if (!res.accepted) toast('refused (lockdown?)');
    };
    const [untilF, until] = field('Hold unlocked until', { type: 'datetime-local', name: 'until' });
    const b = (label, cls, fn) => {
      const btn = h('button', { type: 'button', class: cls }, label);
      btn.addEventListener('click', () => guarded(btn, err, async () => show(await fn())));
      return btn;
    };
    return h(
      'div',
      { class: 'card', 'data-door-card': d.door },
      h('h2', {}, d.door),
      state,
      b('Unlock once', '', () => post(`/api/doors/${d.door}/unlock`)),
      untilF,
      b('Hold', 'secondary', () => {
        if (!until.value) throw new Error('pick a time first');
        return post(`/api/doors/${d.door}/hold`, { until: new Date(until.value).toISOString() });
      }),
      b('End hold', 'secondary', () => post(`/api/doors/${d.door}/hold`, { until: null })),
      h(
        'div',
        {},
        b('Lockdown on', 'danger', () => post(`/api/doors/${d.door}/lockdown`, { on: true })),
        b('Lockdown off', 'secondary', () => post(`/api/doors/${d.door}/lockdown`, { on: false })),
      ),
      err,
    );
  });
  root.append(h('h1', {}, 'Door'), h('div', { class: 'grid' }, cards));
}

function pathGet(obj, path) {
  return path.split('.').reduce((o, k) => (o === null || o === undefined ? undefined : o[k]), obj);
}

async function settings(root) {
  const s = await get('/api/settings');
  const err = errorLine();
  const inputs = s.runtime_changeable.map((path) => {
    const value = pathGet(s.effective, path);
    const [f, input] = field(path, { name: path, value: String(value), 'data-kind': typeof value });
    return { path, f, input, value };
  });
  const save = h('button', { type: 'submit' }, 'Save');
  const form = h(
    'form',
    { class: 'card', id: 'settings-form' },
    h('h2', {}, 'Change while running'),
    inputs.map((i) => i.f),
    err,
    save,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void guarded(save, err, async () => {
      const body = {};
      for (const i of inputs) {
        if (i.input.value === String(i.value)) continue;
        const [section, key] = i.path.split('.');
        body[section] ??= {};
        body[section][key] = typeof i.value === 'number' ? Number(i.input.value) : i.input.value;
      }
      if (Object.keys(body).length === 0) throw new Error('nothing changed');
      const res = await patch('/api/settings', body);
      toast(`saved: ${res.changed.join(', ')}${res.applied_at_next_start.length ? ` (at next start: ${res.applied_at_next_start.join(', ')})` : ''}`);
    });
  });

  const users = h('tbody');
  const tokens = h('tbody');
  const tokenOut = h('div');
  async function refresh() {
    const [u, t] = await Promise.all([get('/api/users'), get('/api/tokens')]);
    users.replaceChildren(
      ...u.users.map((x) =>
        h(
          'tr',
          {},
          h('td', {}, x.username),
          h('td', {}, x.role),
          h(
            'td',
            {},
            x.revoked_at
              ? 'revoked'
              : h(
                  'button',
                  {
                    type: 'button',
                    class: 'danger',
                    onclick: (e) =>
                      guarded(e.currentTarget, null, async () => {
                        await del(`/api/users/${x.id}`);
                        await refresh();
                      }),
                  },
                  'Revoke',
                ),
          ),
        ),
      ),
    );
    tokens.replaceChildren(
      ...t.tokens.map((x) =>
        h(
          'tr',
          {},
          h('td', {}, x.name),
          h('td', {}, x.role),
          h('td', { class: 'muted' }, fmtTime(x.last_used_at)),
          h(
            'td',
            {},
            x.revoked_at
              ? 'revoked'
              : h(
                  'button',
                  {
                    type: 'button',
                    class: 'danger',
                    onclick: (e) =>
                      guarded(e.currentTarget, null, async () => {
                        await del(`/api/tokens/${x.id}`);
                        await refresh();
                      }),
                  },
                  'Revoke',
                ),
          ),
        ),
      ),
    );
  }
  const [unF, un] = field('Name', { name: 'new-username', autocomplete: 'off' });
  const [upF, up] = field('Password', { name: 'new-password', type: 'password', autocomplete: 'new-password' });
  const urole = h('select', {}, h('option', { value: 'viewer' }, 'viewer'), h('option', { value: 'admin' }, 'admin'));
  const uerr = errorLine();
  const uadd = h('button', { type: 'button' }, 'Add user');
  uadd.addEventListener('click', () =>
    guarded(uadd, uerr, async () => {
      await post('/api/users', { username: un.value, password: up.value, role: urole.value });
      un.value = '';
      up.value = '';
      await refresh();
    }),
  );
  const [tnF, tn] = field('Token name', { name: 'token-name', autocomplete: 'off' });
  const trole = h('select', {}, h('option', { value: 'viewer' }, 'viewer'), h('option', { value: 'admin' }, 'admin'));
  const terr = errorLine();
  const tadd = h('button', { type: 'button' }, 'Create token');
  tadd.addEventListener('click', () =>
    guarded(tadd, terr, async () => {
      const res = await post('/api/tokens', { name: tn.value, role: trole.value });
      tokenOut.replaceChildren(h('p', {}, 'Copy it now; it is not shown again:'), h('p', { class: 'secret' }, res.token));
      tn.value = '';
      await refresh();
    }),
  );
  const audit = await get('/api/audit?limit=20');
  root.append(
    h('h1', {}, 'Settings'),
    h(
      'div',
      { class: 'grid' },
      form,
      h(
        'div',
        { class: 'card' },
        h('h2', {}, 'Users'),
        h('div', { class: 'table-wrap' }, h('table', {}, users)),
        h('div', { class: 'row' }, unF, upF, h('div', {}, h('label', {}, 'Role'), urole)),
        uerr,
        uadd,
      ),
      h(
        'div',
        { class: 'card' },
        h('h2', {}, 'API tokens'),
        h('div', { class: 'table-wrap' }, h('table', {}, tokens)),
        h('div', { class: 'row' }, tnF, h('div', {}, h('label', {}, 'Role'), trole)),
        terr,
        tadd,
        tokenOut,
      ),
      h(
        'div',
        { class: 'card' },
        h('h2', {}, 'Audit log'),
        h(
          'ul',
          { class: 'events' },
          audit.entries.map((a) =>
            h(
              'li',
              {},
              h('span', { class: 'muted' }, fmtTime(a.ts)),
              h('span', {}, a.actor),
              h('strong', {}, a.action),
              a.target ? h('code', {}, a.target) : null,
            ),
          ),
        ),
      ),
      h('div', { class: 'card' }, h('h2', {}, 'Effective configuration'), h('pre', {}, JSON.stringify(s.effective, null, 2))),
    ),
  );
  await refresh();
}

export const pages = { dashboard, people, events, door, settings, selftest };
