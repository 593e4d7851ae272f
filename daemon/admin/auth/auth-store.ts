import { randomUUID } from 'node:crypto';
import type { Database } from '../deps.ts';
import { newSecret, sha256 } from './tokens.ts';

export type Role = 'admin' | 'viewer';

export interface User {
  id: string;
  username: string;
  role: Role;
  createdAt: string;
  revokedAt: string | null;
}

export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  createdBy: string;
  /** The operator whose authority the token carries; null only for tokens older than that link. */
  ownerId: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface Session {
  user: User;
  csrf: string;
  expiresAt: string;
}

interface UserRow {
  id: string;
  username: string;
  role: Role;
  password_hash: string;
  created_at: string;
  revoked_at: string | null;
}
interface TokenRow {
  id: string;
  name: string;
  role: Role;
  created_by: string;
  owner_id: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const toUser = (r: UserRow): User => ({ id: r.id, username: r.username, role: r.role, createdAt: r.created_at, revokedAt: r.revoked_at });
const toToken = (r: TokenRow): ApiToken => ({
  id: r.id,
  name: r.name,
  role: r.role,
  createdBy: r.created_by,
  ownerId: r.owner_id,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

/** Operators, sessions, API tokens and the setup code, in the admin_* tables. Secrets are stored only as hashes. */
export class AuthStore {
  readonly #db: Database;
  readonly #now: () => number;
  readonly #revocationListeners = new Set<() => void>();

  constructor(db: Database, now: () => number) {
    this.#db = db;
    this.#now = now;
  }

  #iso(offsetMs = 0): string {
    return new Date(this.#now() + offsetMs).toISOString();
  }

  /** Called after a session, token or operator stops being valid (open event streams check theirs). */
  onRevocation(listener: () => void): () => void {
    this.#revocationListeners.add(listener);
    return () => this.#revocationListeners.delete(listener);
  }

  #revoked(): void {
    for (const listener of this.#revocationListeners) listener();
  }

  // --- users ---

  userCount(): number {
    return (this.#db.prepare('SELECT count(*) AS n FROM admin_users').get() as { n: number }).n;
  }

  createUser(username: string, role: Role, passwordHash: string): User {
    const row: UserRow = { id: `u_${randomUUID()}`, username, role, password_hash: passwordHash, created_at: this.#iso(), revoked_at: null };
    this.#db
      .prepare('INSERT INTO admin_users (id, username, role, password_hash, created_at) VALUES (@id, @username, @role, @password_hash, @created_at)')
      .run(row);
    return toUser(row);
  }

  userByName(username: string): (User & { passwordHash: string }) | null {
    const r = this.#db.prepare('SELECT * FROM admin_users WHERE username = ?').get(username) as UserRow | undefined;
    return r ? { ...toUser(r), passwordHash: r.password_hash } : null;
  }

  userById(id: string): User | null {
    const r = this.#db.prepare('SELECT * FROM admin_users WHERE id = ?').get(id) as UserRow | undefined;
    return r ? toUser(r) : null;
  }

  listUsers(): User[] {
    return (this.#db.prepare('SELECT * FROM admin_users ORDER BY created_at, username').all() as UserRow[]).map(toUser);
  }

  activeAdmins(): number {
    return (this.#db.prepare("SELECT count(*) AS n FROM admin_users WHERE role = 'admin' AND revoked_at IS NULL").get() as { n: number }).n;
  }

  /** Revoking a user also ends every session they have and revokes every API token that carries their authority. */
  revokeUser(id: string): boolean {
    const changed = this.#db.transaction(() => {
      const now = this.#iso();
      const n = this.#db.prepare('UPDATE admin_users SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes;
      this.#db.prepare('DELETE FROM admin_sessions WHERE user_id = ?').run(id);
      this.#db.prepare('UPDATE admin_api_tokens SET revoked_at = ? WHERE owner_id = ? AND revoked_at IS NULL').run(now, id);
      return n > 0;
    })();
    this.#revoked();
    return changed;
  }

  /** A new password ends the user's other sessions (someone may know the old one); `keepSecret`'s session stays. */
  setPassword(id: string, passwordHash: string, keepSecret: string | null): void {
    this.#db.transaction(() => {
      this.#db.prepare('UPDATE admin_users SET password_hash = ? WHERE id = ?').run(passwordHash, id);
      this.#db.prepare('DELETE FROM admin_sessions WHERE user_id = ? AND id_hash IS NOT ?').run(id, keepSecret === null ? null : sha256(keepSecret));
    })();
    this.#revoked();
  }

  // --- sessions ---

  /** Returns the session secret (for the cookie) and its CSRF token; only the secret's hash is stored. */
  createSession(userId: string, lifetimeMs: number): { secret: string; csrf: string; expiresAt: string } {
    const secret = newSecret();
    const csrf = newSecret();
    const expiresAt = this.#iso(lifetimeMs);
    this.#db
      .prepare('INSERT INTO admin_sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(sha256(secret), userId, csrf, this.#iso(), expiresAt);
    return { secret, csrf, expiresAt };
  }

  session(secret: string): Session | null {
    const r = this.#db
      .prepare(
        `SELECT s.csrf, s.expires_at, u.* FROM admin_sessions s JOIN admin_users u ON u.id = s.user_id
       WHERE s.id_hash = ? AND s.expires_at > ? AND u.revoked_at IS NULL`,
      )
      .get(sha256(secret), this.#iso()) as (UserRow & { csrf: string; expires_at: string }) | undefined;
    return r ? { user: toUser(r), csrf: r.csrf, expiresAt: r.expires_at } : null;
  }

  endSession(secret: string): void {
    this.#db.prepare('DELETE FROM admin_sessions WHERE id_hash = ?').run(sha256(secret));
    this.#revoked();
  }

  purgeExpiredSessions(): number {
    return this.#db.prepare('DELETE FROM admin_sessions WHERE expires_at <= ?').run(this.#iso()).changes;
  }

  // --- API tokens ---

  /** The token is returned once, here; afterwards only its sha256 exists. */
  createToken(name: string, role: Role, createdBy: string, ownerId: string | null): { token: string; info: ApiToken } {
    const token = newSecret('fgt_');
    const row: TokenRow = {
      id: `t_${randomUUID()}`,
      name,
      role,
      created_by: createdBy,
      owner_id: ownerId,
      created_at: this.#iso(),
      last_used_at: null,
      revoked_at: null,
    };
    this.#db
      .prepare('INSERT INTO admin_api_tokens (id, name, role, token_hash, created_by, owner_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(row.id, row.name, row.role, sha256(token), row.created_by, row.owner_id, row.created_at);
    return { token, info: toToken(row) };
  }

  // A token whose operator is revoked is refused even if its own row was missed.
  static readonly #LIVE_TOKEN = `SELECT t.* FROM admin_api_tokens t LEFT JOIN admin_users u ON u.id = t.owner_id
                                 WHERE t.revoked_at IS NULL AND (t.owner_id IS NULL OR u.revoked_at IS NULL)`;

  tokenBySecret(token: string): ApiToken | null {
    const r = this.#db.prepare(`${AuthStore.#LIVE_TOKEN} AND t.token_hash = ?`).get(sha256(token)) as TokenRow | undefined;
    if (!r) return null;
    // To the minute: a busy client must not make every request a write (the daemon's main thread
    // writes to the same file and would wait for the lock).
    const now = this.#iso();
    if (r.last_used_at === null || Date.parse(now) - Date.parse(r.last_used_at) >= 60_000) {
      this.#db.prepare('UPDATE admin_api_tokens SET last_used_at = ? WHERE id = ?').run(now, r.id);
      r.last_used_at = now;
    }
    return toToken(r);
  }

  /** Whether a token is still valid, without marking it used. */
  tokenIsLive(id: string): boolean {
    return this.#db.prepare(`${AuthStore.#LIVE_TOKEN} AND t.id = ?`).get(id) !== undefined;
  }

  listTokens(): ApiToken[] {
    return (this.#db.prepare('SELECT * FROM admin_api_tokens ORDER BY created_at, rowid').all() as TokenRow[]).map(toToken);
  }

  revokeToken(id: string): boolean | null {
    const r = this.#db.prepare('SELECT revoked_at FROM admin_api_tokens WHERE id = ?').get(id) as { revoked_at: string | null } | undefined;
    if (!r) return null;
    if (r.revoked_at) return false;
    this.#db.prepare('UPDATE admin_api_tokens SET revoked_at = ? WHERE id = ?').run(this.#iso(), id);
    this.#revoked();
    return true;
  }

  // --- setup code ---

  setupCode(): { codeHash: string; usedAt: string | null } | null {
    const r = this.#db.prepare('SELECT code_hash, used_at FROM admin_setup_code WHERE one = 1').get() as
      { code_hash: string; used_at: string | null } | undefined;
    return r ? { codeHash: r.code_hash, usedAt: r.used_at } : null;
  }

  replaceSetupCode(codeHash: string): void {
    this.#db
      .prepare(
        `INSERT INTO admin_setup_code (one, code_hash, created_at, used_at) VALUES (1, ?, ?, NULL)
       ON CONFLICT (one) DO UPDATE SET code_hash = excluded.code_hash, created_at = excluded.created_at, used_at = NULL`,
      )
      .run(codeHash, this.#iso());
  }

  /** Marks the code used and creates the first admin in one transaction: a code works exactly once. */
  consumeSetupCode(username: string, passwordHash: string): User | null {
    return this.#db.transaction(() => {
      const changed = this.#db.prepare('UPDATE admin_setup_code SET used_at = ? WHERE one = 1 AND used_at IS NULL').run(this.#iso()).changes;
      if (changed === 0 || this.userCount() > 0) return null;
      return this.createUser(username, 'admin', passwordHash);
    })();
  }
}
