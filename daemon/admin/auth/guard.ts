import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.ts';
import type { AuthStore, Role } from './auth-store.ts';
import { safeEqual } from './tokens.ts';

export type Access = 'public' | 'viewer' | 'admin';

export interface Principal {
  kind: 'session' | 'token';
  id: string;
  name: string;
  role: Role;
  /** The operator whose authority this carries: a session's user, a token's owner (null for tokens older than that link). */
  userId: string | null;
  /** The session's CSRF token; null for API tokens (not sent by browsers on their own, so no CSRF). */
  csrf: string | null;
  sessionSecret: string | null;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route. /api routes without it are treated as 'admin' (deny by default). */
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export const SESSION_COOKIE = 'fg_session';
export const CSRF_COOKIE = 'fg_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const actorOf = (p: Principal): string => `${p.kind === 'session' ? 'user' : 'token'}:${p.name}`;

/** Who is calling: a Bearer API token, else the session cookie; null when neither is valid. */
export function identify(request: FastifyRequest, store: AuthStore): Principal | null {
  const auth = request.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(auth);
    const token = m ? store.tokenBySecret(m[1] as string) : null;
    return token ? { kind: 'token', id: token.id, name: token.name, role: token.role, userId: token.ownerId, csrf: null, sessionSecret: null } : null;
  }
  const secret = request.cookies[SESSION_COOKIE];
  if (!secret) return null;
  const session = store.session(secret);
  if (!session) return null;
  return {
    kind: 'session',
    id: session.user.id,
    name: session.user.username,
    role: session.user.role,
    userId: session.user.id,
    csrf: session.csrf,
    sessionSecret: secret,
  };
}

/** Whether a principal identified earlier (e.g. for an open event stream) is still signed in: not signed out, revoked or expired. */
export function stillValid(p: Principal, store: AuthStore): boolean {
  if (p.kind === 'token') return store.tokenIsLive(p.id);
  return p.sessionSecret !== null && store.session(p.sessionSecret) !== null;
}

/** onRequest: authenticate, check the role, and for cookie sessions check the double-submitted CSRF token. */
export function guard(store: AuthStore) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    request.principal = null;
    const path = request.url.split('?')[0] ?? '';
    const declared = request.routeOptions.config?.access;
    const access: Access = declared ?? (path.startsWith('/api/') && request.is404 !== true ? 'admin' : 'public');
    if (access === 'public') {
      // Public routes still learn who is calling (e.g. /api/auth/state), but never require it.
      request.principal = identify(request, store);
      return;
    }
    const principal = identify(request, store);
    if (!principal) {
      const why = request.headers.authorization !== undefined ? 'the API token is invalid or revoked' : 'sign in first (no valid session)';
      throw new ApiError(401, 'unauthorized', why, { 'www-authenticate': 'Bearer realm="facegate"' });
    }
    request.principal = principal;
    if (access === 'admin' && principal.role !== 'admin') throw new ApiError(403, 'forbidden', 'this needs the admin role; you are a viewer');
    if (principal.kind === 'session' && !SAFE_METHODS.has(request.method)) {
      const header = request.headers[CSRF_HEADER];
      const cookie = request.cookies[CSRF_COOKIE];
      if (typeof header !== 'string' || !cookie || !principal.csrf || !safeEqual(header, cookie) || !safeEqual(header, principal.csrf)) {
        throw new ApiError(403, 'csrf', `missing or wrong ${CSRF_HEADER} header (it must repeat the ${CSRF_COOKIE} cookie)`);
      }
    }
  };
}
