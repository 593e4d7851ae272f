import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { makeEvent } from '../../../daemon/core/index.ts';
import { adminHarness, setUpAdmin, type AdminHarness } from '../../support/admin.ts';
import { within } from '../../support/within.ts';

// Issue 17 item 10: a client that sends its request slowly (or not at all) must not hold a socket.
const TIMEOUT_S = 1;
/** Node checks expired requests on an interval; the close may come up to that much later. */
const CLOSED_WITHIN_MS = 3_000;

interface RawConnection {
  socket: Socket;
  /** Everything the server sent. */
  received: () => string;
  /** Resolves with the ms from connect to close, or null if still open after `ms`. */
  closedWithin: (ms: number) => Promise<number | null>;
}

async function rawConnection(base: string): Promise<RawConnection> {
  const url = new URL(base);
  const socket = connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const opened = Date.now();
  let text = '';
  socket.on('data', (d: Buffer) => {
    text += d.toString('latin1');
  });
  socket.on('error', () => undefined); // a reset by the server is one way of closing
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - opened)));
  return {
    socket,
    received: () => text,
    closedWithin: async (ms) => {
      try {
        return await within(closed, ms, null);
      } finally {
        socket.destroy();
      }
    },
  };
}

const loginHead = (length: number) => `POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

async function started(): Promise<{ h: AdminHarness; base: string }> {
  // Set as plain keys so that this file also runs (and fails) on code without them.
  const h = await adminHarness((c) => {
    Object.assign(c.admin, { request_timeout_s: TIMEOUT_S, idle_timeout_s: TIMEOUT_S });
  });
  return { h, base: await h.server.start() };
}

test('a body trickled a byte at a time is cut off at admin.request_timeout_s with 408 (the idle timeout never fires: bytes keep coming)', async () => {
  const { base } = await started();
  const c = await rawConnection(base);
  c.socket.write(`${loginHead(2000)}{"username":`);
  const drip = setInterval(() => {
    if (c.socket.writable) c.socket.write(' ');
  }, 150);
  try {
    const ms = await c.closedWithin(CLOSED_WITHIN_MS);
    assert.notEqual(ms, null, 'the server still held the socket');
    assert.ok((ms as number) >= TIMEOUT_S * 1000 - 50, `closed after ${ms} ms, before the timeout`);
    assert.match(c.received(), /^HTTP\/1\.1 408 /);
  } finally {
    clearInterval(drip);
  }
});

test('a body that stops half-way, headers that never end, and a connection that sends nothing are all closed', async () => {
  const { base } = await started();
  const stalledBody = await rawConnection(base);
  stalledBody.socket.write(`${loginHead(200)}{"username":"owner"`);
  const stalledHeaders = await rawConnection(base);
  stalledHeaders.socket.write('POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Ty');
  const silent = await rawConnection(base);
  const [body, headers, nothing] = await Promise.all([stalledBody, stalledHeaders, silent].map((c) => c.closedWithin(CLOSED_WITHIN_MS)));
  assert.notEqual(body, null, 'stalled body still open');
  assert.notEqual(headers, null, 'stalled headers still open');
  assert.notEqual(nothing, null, 'silent connection still open');
});

test('a request sent in time is answered, and the connection is kept alive for the next one', async () => {
  const { base } = await started();
  const c = await rawConnection(base);
  const body = '{"username":"nobody","password":"wrong password"}';
  c.socket.write(`${loginHead(body.length)}${body}`);
  await new Promise((r) => setTimeout(r, 300));
  c.socket.write('GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n');
  await new Promise((r) => setTimeout(r, 300));
  const replies = c.received().match(/HTTP\/1\.1 \d{3}/g) ?? [];
  assert.deepEqual(replies, ['HTTP/1.1 401', 'HTTP/1.1 200']);
  // An idle keep-alive connection is held a few seconds (at most the idle timeout), not fastify's default 72.
  const keepAlive = Number(/Keep-Alive: timeout=(\d+)\r\n/.exec(c.received())?.[1]);
  assert.ok(keepAlive >= 1 && keepAlive <= TIMEOUT_S, `Keep-Alive: timeout=${keepAlive}`);
  await c.closedWithin(0);
});

test('the event stream stays open well past the request timeout and still delivers events', async () => {
  const { h, base } = await started();
  const session = await setUpAdmin(h);
  const res = await fetch(`${base}/api/events/stream`, { headers: { cookie: session.cookie as string } });
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let ended = false;
  const reading = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      /* cut by the server */
    }
    ended = true;
  })();
  await new Promise((r) => setTimeout(r, TIMEOUT_S * 3000));
  assert.equal(ended, false, 'the stream was closed by a timeout');
  h.bus.emit('event', makeEvent({ door: 'front', type: 'door_opened' }));
  await new Promise((r) => setTimeout(r, 300));
  assert.match(text, /event: event\ndata: .*"door_opened"/);
  await reader.cancel();
  await reading;
});
