import { Type } from '@sinclair/typebox';
import type { FastifyTypebox } from '../app-type.ts';
import { actor, audit, type AdminContext } from '../context.ts';
import { ApiError, notFound } from '../errors.ts';
import type { ApiToken, User } from '../auth/auth-store.ts';
import { hashPassword } from '../auth/passwords.ts';
import { AuditPage, AuditQuery, IdParams, NewTokenBody, NewTokenReply, NewUserBody, Ok, TokenSchema, UserSchema, replies } from '../schemas.ts';

const userJson = (u: User) => ({ id: u.id, username: u.username, role: u.role, created_at: u.createdAt, revoked_at: u.revokedAt });
const tokenJson = (t: ApiToken) => ({
  id: t.id,
  name: t.name,
  role: t.role,
  created_by: t.createdBy,
  created_at: t.createdAt,
  last_used_at: t.lastUsedAt,
  revoked_at: t.revokedAt,
});

/** Operators, API tokens and the audit log: admin role only. */
export function userRoutes(app: FastifyTypebox, ctx: AdminContext): void {
  const config = { access: 'admin' as const };

  app.get(
    '/api/users',
    { config, schema: { tags: ['users'], summary: 'Operators', response: replies({ 200: Type.Object({ users: Type.Array(UserSchema) }) }) } },
    async () => ({ users: ctx.auth.listUsers().map(userJson) }),
  );

  app.post(
    '/api/users',
    { config, schema: { tags: ['users'], summary: 'Add an operator', body: NewUserBody, response: replies({ 201: UserSchema }) } },
    async (request, reply) => {
      const { username, password, role } = request.body;
      if (ctx.auth.userByName(username)) throw new ApiError(409, 'conflict', `user ${username} already exists`);
      const user = ctx.auth.createUser(username, role, await hashPassword(password));
      await audit(ctx, request, 'user.create', user.id, { username, role });
      return reply.code(201).send(userJson(user));
    },
  );

  app.delete(
    '/api/users/:id',
    { config, schema: { tags: ['users'], summary: 'Revoke an operator and end their sessions', params: IdParams, response: replies({ 200: Ok }) } },
    async (request) => {
      const user = ctx.auth.userById(request.params.id);
      if (!user) throw notFound(`user ${request.params.id}`);
      if (user.revokedAt) throw new ApiError(409, 'conflict', `user ${user.username} is already revoked`);
      if (user.role === 'admin' && ctx.auth.activeAdmins() <= 1) throw new ApiError(409, 'conflict', 'cannot revoke the last admin');
      ctx.auth.revokeUser(user.id);
      await audit(ctx, request, 'user.revoke', user.id);
      return { ok: true };
    },
  );

  app.get(
    '/api/tokens',
    {
      config,
      schema: { tags: ['tokens'], summary: 'API tokens (never their secrets)', response: replies({ 200: Type.Object({ tokens: Type.Array(TokenSchema) }) }) },
    },
    async () => ({ tokens: ctx.auth.listTokens().map(tokenJson) }),
  );

  app.post(
    '/api/tokens',
    {
      config,
      schema: { tags: ['tokens'], summary: 'Create an API token; its secret is shown once', body: NewTokenBody, response: replies({ 201: NewTokenReply }) },
    },
    async (request, reply) => {
      const { token, info } = ctx.auth.createToken(request.body.name, request.body.role, actor(request), request.principal?.userId ?? null);
      await audit(ctx, request, 'token.create', info.id, { role: info.role });
      return reply.code(201).send({ token, info: tokenJson(info) });
    },
  );

  app.delete(
    '/api/tokens/:id',
    { config, schema: { tags: ['tokens'], summary: 'Revoke an API token', params: IdParams, response: replies({ 200: Ok }) } },
    async (request) => {
      const r = ctx.auth.revokeToken(request.params.id);
      if (r === null) throw notFound(`token ${request.params.id}`);
      if (!r) throw new ApiError(409, 'conflict', 'token already revoked');
      await audit(ctx, request, 'token.revoke', request.params.id);
      return { ok: true };
    },
  );

  app.get(
    '/api/audit',
    { config, schema: { tags: ['audit'], summary: 'The audit log, newest first', querystring: AuditQuery, response: replies({ 200: AuditPage }) } },
    async (request) => {
      const q = request.query;
      const entries = await ctx.services.audit.list({ before: q.before, limit: q.limit, action: q.action });
      const last = entries[entries.length - 1];
      return { entries, next_before: entries.length === q.limit && last ? last.seq : null };
    },
  );
}
