import { SECURITY_LEVELS, type SecurityLevel } from '../identity/index.ts';
import { NONCE } from './signature.ts';

export type CommandName = 'lock' | 'lockdown' | 'hold' | 'discovery' | 'security_level';

export type Action =
  | { command: 'lock'; action: 'LOCK' | 'UNLOCK' | 'OPEN' }
  | { command: 'lockdown'; action: 'ON' | 'OFF' }
  | { command: 'hold'; action: 'OFF' }
  | { command: 'hold'; action: 'SECONDS'; seconds: number }
  | { command: 'discovery'; action: 'REPUBLISH' }
  | { command: 'security_level'; action: SecurityLevel };

export interface Signature {
  ts: number;
  nonce: string;
  sig: string;
}

export interface ParsedCommand {
  action: Action;
  /** The plain text of the action, as signed. */
  text: string;
  signature: Signature | null;
}

export type ParseResult = { ok: true; command: ParsedCommand } | { ok: false; reason: string };

export const MAX_HOLD_S = 86_400;

function parseAction(command: CommandName, text: string): Action | null {
  switch (command) {
    case 'lock':
      return text === 'LOCK' || text === 'UNLOCK' || text === 'OPEN' ? { command, action: text } : null;
    case 'lockdown':
      return text === 'ON' || text === 'OFF' ? { command, action: text } : null;
    case 'hold': {
      if (text === 'OFF' || text === '0') return { command, action: 'OFF' };
      if (!/^[1-9][0-9]{0,5}$/.test(text)) return null;
      const seconds = Number(text);
      return seconds <= MAX_HOLD_S ? { command, action: 'SECONDS', seconds } : null;
    }
    case 'discovery':
      return text === 'REPUBLISH' || text === '' ? { command, action: 'REPUBLISH' } : null;
    case 'security_level': {
      const level = SECURITY_LEVELS.find((l) => l === text);
      return level ? { command, action: level } : null;
    }
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A command payload is either the plain action (`UNLOCK`) or a signed JSON object
 * `{"action":"UNLOCK","ts":<ms>,"nonce":"...","sig":"<hex>"}`. Anything else is malformed.
 */
export function parseCommandPayload(command: CommandName, payload: string): ParseResult {
  const trimmed = payload.trim();
  if (!trimmed.startsWith('{')) {
    const action = parseAction(command, trimmed);
    return action ? { ok: true, command: { action, text: trimmed, signature: null } } : { ok: false, reason: 'malformed' };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!isRecord(doc)) return { ok: false, reason: 'malformed' };
  const { action: text, ts, nonce, sig } = doc;
  const extra = Object.keys(doc).filter((k) => !['action', 'ts', 'nonce', 'sig'].includes(k));
  if (typeof text !== 'string' || extra.length > 0) return { ok: false, reason: 'malformed' };
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || typeof nonce !== 'string' || !NONCE.test(nonce) || typeof sig !== 'string') {
    return { ok: false, reason: 'malformed' };
  }
  const action = parseAction(command, text);
  if (!action) return { ok: false, reason: 'malformed' };
  return { ok: true, command: { action, text, signature: { ts, nonce, sig } } };
}

/** Commands that could let someone in: they need `commands.unlock` and, by default, a signature. */
export function opensTheDoor(action: Action): boolean {
  return (
    (action.command === 'lock' && action.action !== 'LOCK') ||
    (action.command === 'lockdown' && action.action === 'OFF') ||
    (action.command === 'hold' && action.action === 'SECONDS')
  );
}
