// Entry: decides between first-run setup, sign-in and the pages, and routes on the URL hash.
import { ApiError, get, post } from './api.js';
import { errorLine, field, guarded, h, toast } from './dom.js';
import { pages } from './pages.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let cleanup = null;

function show(...nodes) {
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  main.replaceChildren(...nodes);
}

function setupView() {
  nav.hidden = true;
  const [codeF, code] = field('One-time setup code (in the daemon log and in <data_dir>/setup-code)', {
    name: 'code',
    autocomplete: 'off',
    required: true,
    placeholder: 'XXXXX-XXXXX-XXXXX',
  });
  const [userF, user] = field('Administrator name', { name: 'username', autocomplete: 'username', required: true, minlength: 3 });
  const [passF, pass] = field('Password (at least 10 characters)', {
    name: 'password',
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    minlength: 10,
  });
  const err = errorLine();
  const button = h('button', { type: 'submit' }, 'Create administrator');
  const form = h(
    'form',
    { class: 'card narrow', id: 'setup-form' },
    h('h1', {}, 'First-run setup'),
    h('p', { class: 'muted' }, 'There is no default password. Use the one-time code this device printed at start.'),
    codeF,
    userF,
    passF,
    err,
    button,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void guarded(button, err, async () => {
      await post('/api/auth/setup', { code: code.value, username: user.value, password: pass.value });
      toast('Administrator created; you are signed in.');
      location.hash = '#/dashboard';
      await boot();
    });
  });
  show(form);
}

function loginView() {
  nav.hidden = true;
  const [userF, user] = field('Name', { name: 'username', autocomplete: 'username', required: true });
  const [passF, pass] = field('Password', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const err = errorLine();
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'card narrow', id: 'login-form' }, h('h1', {}, 'Sign in'), userF, passF, err, button);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void guarded(button, err, async () => {
      await post('/api/auth/login', { username: user.value, password: pass.value });
      await boot();
    });
  });
  show(form);
}

async function route() {
  const name = (location.hash.replace(/^#\//, '') || 'dashboard').split('?')[0];
  const page = pages[name] ?? pages.dashboard;
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.page === name);
  const root = h('section', { id: `page-${name}` });
  show(root);
  try {
    cleanup = (await page(root)) ?? null;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return boot();
    root.append(h('p', { class: 'error' }, err.message));
  }
  return undefined;
}

async function boot() {
  const state = await get('/api/auth/state');
  if (state.setup_required) return setupView();
  if (!state.authenticated) return loginView();
  nav.hidden = false;
  document.body.dataset.role = state.me.role;
  return route();
}

document.getElementById('signout').addEventListener('click', () => {
  void guarded(null, null, async () => {
    await post('/api/auth/logout');
    location.hash = '';
    await boot();
  });
});
window.addEventListener('hashchange', () => {
  if (!nav.hidden) void route();
});
boot().catch((err) => show(h('p', { class: 'error' }, `Cannot reach the daemon: ${err.message}`)));
