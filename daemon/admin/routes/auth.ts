import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyTypebox } from '../app-type.ts';
import { audit, type AdminContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { CSRF_COOKIE, SESSION_COOKIE, type Principal } from '../auth/guard.ts';
import { dummyHash, hashPassword, verifyPassword } from '../auth/passwords.ts';
import { removeSetupCodeFile, setupCodeMatches } from '../auth/setup-code.ts';
import type { User } from '../auth/auth-store.ts';
import type { LoginAttempt, ThrottleKey } from '../auth/login-throttle.ts';
import { AuthState, LoginBody, Me, Ok, PasswordBody, SetupBody, replies } from '../schemas.ts';

function me(p: Principal | null) {
  return p ? { kind: p.kind, name: p.name, role: p.role, csrf_token: p.csrf } : null;
}

const rateLimited = (wait: number) => new ApiError(429, 'rate_limited', `too many failed attempts; try again in ${wait} s`, { 'retry-after': String(wait) });

function throttled(ctx: AdminContext, keys: [string, number][]): void {
  for (const [key, limit] of keys) {
    const wait = ctx.throttle.retryAfterS(key, limit);
    if (wait > 0) throw rateLimited(wait);
  }
}

/** Counts the attempt before the password is checked (the check awaits scrypt: parallel requests would all pass otherwise). */
function beginAttempt(ctx: AdminContext, keys: ThrottleKey[]): LoginAttempt {
  const attempt = ctx.throttle.begin(keys);
  if (typeof attempt === 'number') throw rateLimited(attempt);
  return attempt;
}

function startSession(ctx: AdminContext, reply: FastifyReply, user: User): { kind: 'session'; name: string; role: User['role']; csrf_token: string } {
  const lifetimeMs = ctx.settings.config.admin.session_lifetime_h * 3600_000;
  const { secret, csrf } = ctx.auth.createSession(user.id, lifetimeMs);
  const common = { path: '/', sameSite: 'strict' as const, secure: ctx.secure, maxAge: Math.floor(lifetimeMs / 1000) };
  reply.setCookie(SESSION_COOKIE, secret, { ...common, httpOnly: true });
  // Readable by the panel's script, which repeats it in the x-csrf-token header (double submit).
  reply.setCookie(CSRF_COOKIE, csrf, { ...common, httpOnly: false });
  return { kind: 'session', name: user.username, role: user.role, csrf_token: csrf };
}

export function authRoutes(app: FastifyTypebox, ctx: AdminContext): void {
  const clientKey = (r: FastifyRequest) => `ip:${r.ip}`;
  const c = ctx.config.admin;

  app.get(
    '/api/auth/state',
    {
      config: { access: 'public' },
      schema: { tags: ['auth'], summary: 'Whether first-run setup is needed and who is signed in', response: replies({ 200: AuthState }) },
    },
    async (request) => ({ setup_required: ctx.auth.userCount() === 0, authenticated: request.principal !== null, me: me(request.principal) }),
  );

  app.post(
    '/api/auth/setup',
    {
      config: { access: 'public' },
      schema: { tags: ['auth'], summary: 'Create the first admin with the one-time setup code', body: SetupBody, response: replies({ 200: Me }) },
    },
    async (request, reply) => {
      throttled(ctx, [[clientKey(request), c.login_failures_per_client]]);
      if (ctx.auth.userCount() > 0) throw new ApiError(409, 'conflict', 'setup is already done; sign in instead');
      const { code, username, password } = request.body;
      if (!setupCodeMatches(ctx.auth, code)) {
        ctx.throttle.fail(clientKey(request));
        throw new ApiError(401, 'unauthorized', 'wrong or expired setup code (a new one is made at each start until setup is done)');
      }
      const user = ctx.auth.consumeSetupCode(username, await hashPassword(password));
      if (!user) throw new ApiError(409, 'conflict', 'setup is already done; sign in instead');
      removeSetupCodeFile(ctx.dataDir);
      request.principal = { kind: 'session', id: user.id, name: user.username, role: user.role, userId: user.id, csrf: null, sessionSecret: null };
      await audit(ctx, request, 'auth.setup', user.id, { username });
      ctx.log.info({ user: user.id }, 'admin: first administrator created; the setup code is spent');
      return startSession(ctx, reply, user);
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public' },
      schema: { tags: ['auth'], summary: 'Sign in; sets the session and CSRF cookies', body: LoginBody, response: replies({ 200: Me }) },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const found = ctx.auth.userByName(username);
      const attempt = beginAttempt(ctx, [
        { key: clientKey(request), limit: c.login_failures_per_client },
        { key: `user:${username.toLowerCase()}`, limit: c.login_failures_per_account, keep: found !== null && found.revokedAt === null },
      ]);
      // Verify against a dummy hash for unknown names, so the response time does not reveal which names exist.
      const good = await verifyPassword(password, found?.passwordHash ?? (await dummyHash()));
      if (!found || !good || found.revokedAt) {
        // Never the typed name (often a mistyped password): a known operator's id, else a keyed hash.
        const detail = found ? { ip: request.ip } : { username_tag: await ctx.services.loginNameTag(username), ip: request.ip };
        await ctx.services.audit.append({ actor: `anonymous@${request.ip}`, action: 'auth.login_failed', target: found?.id ?? null, detail });
        throw new ApiError(401, 'unauthorized', 'wrong username or password');
      }
      attempt.succeeded();
      request.principal = { kind: 'session', id: found.id, name: found.username, role: found.role, userId: found.id, csrf: null, sessionSecret: null };
      await audit(ctx, request, 'auth.login', found.id);
      return startSession(ctx, reply, found);
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: 'viewer' },
      schema: { tags: ['auth'], summary: 'End this session', response: replies({ 200: Ok }) },
    },
    async (request, reply) => {
      if (request.principal?.sessionSecret) ctx.auth.endSession(request.principal.sessionSecret);
      reply.clearCookie(SESSION_COOKIE, { path: '/' }).clearCookie(CSRF_COOKIE, { path: '/' });
      await audit(ctx, request, 'auth.logout', request.principal?.id ?? null);
      return { ok: true };
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { access: 'viewer' },
      schema: { tags: ['auth'], summary: 'Who is calling', response: replies({ 200: Me }) },
    },
    async (request) => me(request.principal) as NonNullable<ReturnType<typeof me>>,
  );

  app.post(
    '/api/auth/password',
    {
      config: { access: 'viewer' },
      schema: { tags: ['auth'], summary: 'Change your own password (sessions only)', body: PasswordBody, response: replies({ 200: Ok }) },
    },
    async (request) => {
      const p = request.principal as Principal;
      if (p.kind !== 'session') throw new ApiError(403, 'forbidden', 'API tokens have no password');
      const user = ctx.auth.userByName(p.name);
      // The same counts as sign-in: a stolen session must not become an unlimited password oracle.
      const attempt = beginAttempt(ctx, [
        { key: clientKey(request), limit: c.login_failures_per_client },
        { key: `user:${p.name.toLowerCase()}`, limit: c.login_failures_per_account, keep: true },
      ]);
      if (!user || !(await verifyPassword(request.body.current_password, user.passwordHash))) {
        throw new ApiError(401, 'unauthorized', 'the current password is wrong');
      }
      attempt.succeeded();
      // Other sessions end (whoever knew the old password may hold one); this one stays.
      ctx.auth.setPassword(user.id, await hashPassword(request.body.new_password), p.sessionSecret);
      await audit(ctx, request, 'auth.password_changed', user.id);
      return { ok: true };
    },
  );
}
