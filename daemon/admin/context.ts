import type { FastifyRequest } from 'fastify';
import type { BusEvents, Clock, Config, EventBus, Logger } from './deps.ts';
import type { AuthStore } from './auth/auth-store.ts';
import type { LoginThrottle } from './auth/login-throttle.ts';
import { actorOf } from './auth/guard.ts';
import type { AdminServices } from './services.ts';
import type { RuntimeSettings } from './settings.ts';

/** What every route module gets: the services, the auth store and a way to audit. */
export interface AdminContext {
  config: Config;
  settings: RuntimeSettings;
  auth: AuthStore;
  services: AdminServices;
  bus: EventBus<BusEvents>;
  log: Logger;
  clock: Clock;
  throttle: LoginThrottle;
  dataDir: string;
  version: string;
  /** Wall clock (shown), and monotonic (for the uptime). */
  startedAt: number;
  startedMono: number;
  /** Cookies carry Secure when the server speaks HTTPS. */
  secure: boolean;
}

export function actor(request: FastifyRequest): string {
  return request.principal ? actorOf(request.principal) : `anonymous@${request.ip}`;
}

/** Every admin change goes to the audit log; a failing audit write fails the request (nothing unaudited). */
export async function audit(
  ctx: AdminContext,
  request: FastifyRequest,
  action: string,
  target: string | null,
  detail: Record<string, unknown> | null = null,
): Promise<void> {
  await ctx.services.audit.append({ actor: actor(request), action, target, detail: { ...detail, ip: request.ip } });
}
