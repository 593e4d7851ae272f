import type { ServerOptions } from 'node:http';
import type { Config } from './deps.ts';

/** The admin server's socket timeouts, from admin.request_timeout_s and admin.idle_timeout_s. */
export interface HttpTimeouts {
  /** Headers and body must have arrived by then (Node's requestTimeout; 408 and close). */
  requestMs: number;
  /** No byte either way for this long closes the socket (fastify's connectionTimeout). */
  idleMs: number;
  /** An idle keep-alive socket between requests is held this long (fastify's default is 72 s). */
  keepAliveMs: number;
  /** How often the event stream writes a comment, so that idleMs never ends a healthy stream. */
  heartbeatMs: number;
}

const KEEP_ALIVE_MS = 5_000;
const MAX_HEARTBEAT_MS = 20_000;

export function httpTimeouts(admin: Config['admin']): HttpTimeouts {
  const requestMs = admin.request_timeout_s * 1000;
  const idleMs = admin.idle_timeout_s * 1000;
  return { requestMs, idleMs, keepAliveMs: Math.min(KEEP_ALIVE_MS, idleMs), heartbeatMs: Math.min(MAX_HEARTBEAT_MS, Math.floor(idleMs / 3)) };
}

/**
 * What Node's http(s) server must get in its constructor; fastify sets requestTimeout only after,
 * which leaves headersTimeout at 60 s, and Node then swaps the two (the larger one becomes the
 * request limit): a trickled body was held 60 s, not requestMs. Node checks every
 * connectionsCheckingInterval (30 s by default), so the check runs at least twice per limit.
 */
export function nodeServerTimeouts(t: HttpTimeouts): Pick<ServerOptions, 'requestTimeout' | 'headersTimeout' | 'connectionsCheckingInterval'> {
  return { requestTimeout: t.requestMs, headersTimeout: t.requestMs, connectionsCheckingInterval: Math.min(1_000, Math.ceil(t.requestMs / 2)) };
}
