import { diffieHellman, hkdfSync } from 'node:crypto';
import { open, seal, SealError } from '../privacy/index.ts';
import { ByteReader, ByteWriter } from './bytes.ts';
import { SiteError } from './errors.ts';
import { checkMemberId, newKeyPair, publicKeyFromRaw, signWithDomain, verifyWithDomain, type MemberIdentity, type MemberPublic } from './member-identity.ts';
import { SIGNATURE_BYTES, SITE_ID_BYTES } from './record-codec.ts';

const DOMAIN = 'facegate-site-epoch-v1';
const MAGIC = Buffer.from('FE', 'ascii');
const FORMAT = 1;
/** A site of a few hundred members fits; anything larger is refused before it is read. */
export const MAX_EPOCH_MESSAGE_BYTES = 64 * 1024;

export interface EpochKey {
  siteId: Buffer;
  epoch: number;
  siteKey: Buffer;
}

function aad(siteId: Buffer, epoch: number, member: string): { kind: string; recordId: string } {
  return { kind: 'site.epoch-key', recordId: `${siteId.toString('hex')}/${epoch}/${member}` };
}

/** The key that seals one recipient's copy: X25519 of the message's ephemeral key and the recipient's exchange key, bound to site, epoch and recipient. */
function wrapKey(shared: Buffer, siteId: Buffer, epoch: number, member: string): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, siteId, Buffer.from(`${DOMAIN}/${epoch}/${member}`), 32));
}

/**
 * The site key of a new epoch, wrapped for each recipient (the members that stay) and signed by
 * the member that rotated it. A member left out (removed) cannot open it.
 */
export function wrapEpochKey(key: EpochKey, author: MemberIdentity, recipients: readonly MemberPublic[]): Buffer {
  if (key.siteKey.length !== 32) throw new SiteError('site_key', `site key must be 32 bytes, got ${key.siteKey.length}`);
  const ids = new Set(recipients.map((r) => r.id));
  if (ids.size !== recipients.length) throw new SiteError('site_epoch', 'a recipient is listed twice');
  const eph = newKeyPair('x25519');
  const w = new ByteWriter().raw(MAGIC).u8(FORMAT).raw(key.siteId).u32(key.epoch).sized(Buffer.from(author.id), 1).raw(eph.publicRaw).u16(recipients.length);
  for (const r of recipients) {
    checkMemberId(r.id);
    const shared = diffieHellman({ privateKey: eph.privateKey, publicKey: publicKeyFromRaw(r.exchangeKey, 'x25519') });
    w.sized(Buffer.from(r.id), 1).sized(seal(wrapKey(shared, key.siteId, key.epoch, r.id), key.siteKey, aad(key.siteId, key.epoch, r.id)), 2);
  }
  const body = w.bytes();
  return Buffer.concat([body, signWithDomain(author.signingPrivate, DOMAIN, body)]);
}

export interface OpenEpochOptions {
  siteId: Buffer;
  self: MemberIdentity;
  /** Members whose rotation counts: the roster of the epoch before. */
  members: ReadonlyMap<string, MemberPublic>;
}

/** Checks an epoch message (form, site, author, signature) and opens this member's copy of the site key. */
export function openEpochKey(input: Uint8Array, options: OpenEpochOptions): EpochKey & { author: string; recipients: string[] } {
  if (input.length > MAX_EPOCH_MESSAGE_BYTES)
    throw new SiteError('site_malformed', `epoch message of ${input.length} bytes is over the ${MAX_EPOCH_MESSAGE_BYTES}-byte limit`);
  const buf = Buffer.from(input);
  const r = new ByteReader(buf, 'epoch message');
  if (!r.raw(MAGIC.length, 'magic').equals(MAGIC)) throw new SiteError('site_malformed', 'epoch message: bad magic bytes');
  const format = r.u8('format');
  if (format !== FORMAT) throw new SiteError('site_version', `epoch message: unknown format version ${format} (this facegate reads version ${FORMAT})`);
  const siteId = r.raw(SITE_ID_BYTES, 'site id');
  const epoch = r.u32('epoch');
  const author = r.sized(1, 'author').toString('utf8');
  const ephemeral = r.raw(32, 'ephemeral key');
  const count = r.u16('recipient count');
  const entries = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const id = r.sized(1, 'recipient').toString('utf8');
    checkMemberId(id);
    if (entries.has(id)) throw new SiteError('site_malformed', `epoch message: recipient ${id} is listed twice`);
    entries.set(id, r.sized(2, 'wrapped site key'));
  }
  const body = buf.subarray(0, r.offset);
  const signature = r.raw(SIGNATURE_BYTES, 'signature');
  r.end();
  if (!siteId.equals(options.siteId)) throw new SiteError('site_wrong_site', `epoch ${epoch} belongs to site ${siteId.toString('hex')}, not this one`);
  const signer = options.members.get(author);
  if (signer === undefined)
    throw new SiteError('site_unknown_signer', `epoch ${epoch} was made by ${JSON.stringify(author)}, who is not a member of this site`);
  if (!verifyWithDomain(signer.signingKey, DOMAIN, body, signature))
    throw new SiteError('site_signature', `epoch ${epoch}: signature does not verify (altered, or not made by ${author})`);
  const mine = entries.get(options.self.id);
  if (mine === undefined)
    throw new SiteError('site_not_recipient', `epoch ${epoch} holds no copy of the site key for ${options.self.id}: this member was removed from the site`);
  try {
    const shared = diffieHellman({ privateKey: options.self.exchangePrivate, publicKey: publicKeyFromRaw(ephemeral, 'x25519') });
    const siteKey = Buffer.from(open(wrapKey(shared, siteId, epoch, options.self.id), mine, aad(siteId, epoch, options.self.id)));
    return { siteId, epoch, siteKey, author, recipients: [...entries.keys()] };
  } catch (err) {
    if (err instanceof SealError || err instanceof SiteError)
      throw new SiteError('site_open', `epoch ${epoch}: this member's copy of the site key does not open`, err);
    throw new SiteError('site_open', `epoch ${epoch}: the ephemeral key is not usable`, err);
  }
}
