import { SiteError } from './errors.ts';
import { checkMemberId, PUBLIC_KEY_BYTES } from './member-identity.ts';

export const JOIN_PROTOCOL = 1;
export const NONCE_BYTES = 16;
const MAC_BYTES = 32;
/** A welcome carries the site key and the roster: a few KiB for fifty members. */
export const MAX_JOIN_MESSAGE_BYTES = 64 * 1024;

export interface HelloMessage {
  t: 'hello';
  member: string;
  signingKey: Buffer;
  exchangeKey: Buffer;
  ephemeral: Buffer;
  nonce: Buffer;
  mac: Buffer;
}

export interface WelcomeMessage {
  t: 'welcome';
  sponsor: string;
  ephemeral: Buffer;
  nonce: Buffer;
  bundle: Buffer;
  mac: Buffer;
}

export interface ConfirmMessage {
  t: 'confirm';
  mac: Buffer;
}

type Message = HelloMessage | WelcomeMessage | ConfirmMessage;
const BINARY_FIELDS = {
  hello: { signingKey: PUBLIC_KEY_BYTES, exchangeKey: PUBLIC_KEY_BYTES, ephemeral: PUBLIC_KEY_BYTES, nonce: NONCE_BYTES, mac: MAC_BYTES },
  welcome: { ephemeral: PUBLIC_KEY_BYTES, nonce: NONCE_BYTES, bundle: -1, mac: MAC_BYTES },
  confirm: { mac: MAC_BYTES },
} as const;
const ID_FIELDS = { hello: 'member', welcome: 'sponsor', confirm: null } as const;

function malformed(message: string): never {
  throw new SiteError('site_join_malformed', `join message: ${message}`);
}

/** A join message as sent on the join topic: JSON with base64 bytes. */
export function encodeJoinMessage(message: Message): Buffer {
  const out: Record<string, unknown> = { v: JOIN_PROTOCOL };
  for (const [k, value] of Object.entries(message)) out[k] = Buffer.isBuffer(value) ? value.toString('base64') : value;
  return Buffer.from(JSON.stringify(out), 'utf8');
}

/** Reads a join message of the expected type; refuses anything else with its reason. */
export function decodeJoinMessage<T extends Message['t']>(input: Uint8Array, type: T): Extract<Message, { t: T }> {
  if (input.length > MAX_JOIN_MESSAGE_BYTES) malformed(`${input.length} bytes is over the ${MAX_JOIN_MESSAGE_BYTES}-byte limit`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(input).toString('utf8'));
  } catch {
    malformed('not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) malformed('not an object');
  const obj = parsed as Record<string, unknown>;
  if (obj.v !== JOIN_PROTOCOL)
    throw new SiteError('site_join_version', `join message: protocol version ${String(obj.v)} (this facegate speaks ${JOIN_PROTOCOL})`);
  if (obj.t !== type) malformed(`expected a ${type}, got ${JSON.stringify(obj.t)}`);
  const fields = BINARY_FIELDS[type];
  const idField = ID_FIELDS[type];
  const allowed = new Set<string>(['v', 't', ...Object.keys(fields), ...(idField === null ? [] : [idField])]);
  const extra = Object.keys(obj).find((k) => !allowed.has(k));
  if (extra !== undefined) malformed(`unknown field ${JSON.stringify(extra)}`);
  const out: Record<string, unknown> = { t: type };
  if (idField !== null) {
    const id = obj[idField];
    if (typeof id !== 'string') malformed(`${idField} is missing`);
    checkMemberId(id);
    out[idField] = id;
  }
  for (const [name, size] of Object.entries(fields)) {
    const text = obj[name];
    if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) malformed(`${name} is not base64`);
    const bytes = Buffer.from(text, 'base64');
    if (bytes.toString('base64') !== text) malformed(`${name} is not canonical base64`);
    if (size >= 0 && bytes.length !== size) malformed(`${name} must be ${size} bytes, got ${bytes.length}`);
    out[name] = bytes;
  }
  return out as unknown as Extract<Message, { t: T }>;
}
