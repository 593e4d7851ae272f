// The settings page: the settings that change while running, users, API tokens, the last audit
// entries and the effective configuration.
import { del, get, patch, post } from './api.js';
import { errorLine, field, fmtTime, guarded, h, toast } from './dom.js';

function pathGet(obj, path) {
  return path.split('.').reduce((o, k) => (o === null || o === undefined ? undefined : o[k]), obj);
}

export async function settings(root) {
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
