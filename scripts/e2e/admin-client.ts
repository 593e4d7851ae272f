// A load script's way into a freshly started daemon's admin API: first-run setup with the code
// from the data directory, then a viewer API token; and autocannon on the two pages a busy panel
// reads (status and events), loopback only.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  duration: number;
}
interface CannonInstance extends PromiseLike<CannonResult> {
  stop(): void;
}
type Cannon = (opts: Record<string, unknown>) => CannonInstance;
const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;

/** Sets up the first admin and returns a viewer API token. */
export async function viewerToken(base: string, dataDir: string): Promise<string> {
  const code = readFileSync(join(dataDir, 'setup-code'), 'utf8').trim();
  const setup = await fetch(`${base}/api/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, username: 'owner', password: 'load test password 1' }),
  });
  if (setup.status !== 200) throw new Error(`setup: ${setup.status} ${await setup.text()}`);
  const jar = Object.fromEntries(setup.headers.getSetCookie().map((c) => c.split(';')[0]!.split('=') as [string, string]));
  const made = await fetch(`${base}/api/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `fg_session=${jar.fg_session}; fg_csrf=${jar.fg_csrf}`, 'x-csrf-token': jar.fg_csrf ?? '' },
    body: JSON.stringify({ name: 'load', role: 'viewer' }),
  });
  if (made.status !== 201) throw new Error(`token: ${made.status} ${await made.text()}`);
  return ((await made.json()) as { token: string }).token;
}

/**
 * `connections` clients, each sending its next request when the last is answered, on GET
 * /api/status and GET /api/events?limit=50, for `seconds` or until stopped.
 */
export function adminLoad(base: string, token: string, connections: number, seconds: number): CannonInstance {
  return autocannon({
    url: base,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
    requests: [
      { method: 'GET', path: '/api/status' },
      { method: 'GET', path: '/api/events?limit=50' },
    ],
  });
}
