/* global CSS */
// The panel's pages (people, the self-test and settings in modules of their own). Each renders into
// `root` and may return a cleanup function (e.g. closing SSE).
import { get, post } from './api.js';
import { calibrationCard } from './calibration.js';
import { dashboardCharts } from './dashboard-charts.js';
import { errorLine, field, fmtTime, guarded, h, toast } from './dom.js';
import { people } from './people.js';
import { selftest } from './selftest.js';
import { settings } from './settings.js';

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
  'osdp_online',
  'osdp_offline',
  'osdp_led',
  'osdp_buzzer',
  'osdp_output',
];
const GOOD = new Set(['access_granted', 'door_closed', 'door_locked', 'camera_restored', 'lockout_ended', 'osdp_online']);
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
  'osdp_offline',
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
    dashboardCharts(),
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
  root.append(
    h('h1', {}, 'Door'),
    h('div', { class: 'grid' }, cards),
    h('h1', {}, 'Calibration'),
    h('p', { class: 'muted' }, "The recent passages' scores against the thresholds in force (numbers only, from this device's event store)."),
    h(
      'div',
      { class: 'grid' },
      doors.map((d) => calibrationCard(d.door)),
    ),
  );
}

export const pages = { dashboard, people, events, door, settings, selftest };
