// First-run setup of a listening admin panel over real HTTP, as a browser's first visit does it.
import assert from 'node:assert/strict';

/** Creates the first admin ("owner") with the setup code; the session's cookie and CSRF headers. */
export async function setUpOverHttp(base: string, code: string | null): Promise<{ cookie: string; 'x-csrf-token': string }> {
  const setup = await fetch(`${base}/api/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, username: 'owner', password: 'correct horse battery' }),
  });
  assert.equal(setup.status, 200, await setup.clone().text());
  const jar = setup.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie: jar, 'x-csrf-token': /fg_csrf=([^;]+)/.exec(jar)?.[1] ?? '' };
}
