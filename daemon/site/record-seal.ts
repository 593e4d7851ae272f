import { createHash, randomBytes } from 'node:crypto';
import { open, seal, SealError } from '../privacy/index.ts';
import { SiteError } from './errors.ts';
import type { Hlc } from './hlc.ts';
import { signWithDomain, verifyWithDomain, type MemberIdentity, type MemberPublic } from './member-identity.ts';
import { decodeRecord, encodeRecord, encodeUnsigned, RID_BYTES, type DecodedRecord, type UnsignedRecord } from './record-codec.ts';

const SIGNING_DOMAIN = 'facegate-site-record-v1';
/** Payloads are padded to a multiple of this before sealing, so a record's size says little about a name's length. */
export const PAD_BLOCK = 512;

/** Where a record is written: the site, its current epoch and that epoch's site key. */
export interface SiteContext {
  siteId: Buffer;
  epoch: number;
  siteKey: Buffer;
}

export function newRid(): Buffer {
  return randomBytes(RID_BYTES);
}

function versionLabel(hlc: Hlc, signer: string): string {
  return `${hlc.wall}.${hlc.counter}.${signer}`;
}

function payloadAad(siteId: Buffer, rid: Buffer, hlc: Hlc, signer: string): { kind: string; recordId: string } {
  return { kind: 'site.person', recordId: `${siteId.toString('hex')}/${rid.toString('hex')}/${versionLabel(hlc, signer)}` };
}

function keyAad(siteId: Buffer, epoch: number, rid: Buffer): { kind: string; recordId: string } {
  return { kind: 'site.person-key', recordId: `${siteId.toString('hex')}/${epoch}/${rid.toString('hex')}` };
}

export function pad(plaintext: Uint8Array): Buffer {
  const size = 4 + plaintext.length;
  const out = Buffer.alloc(Math.ceil(size / PAD_BLOCK) * PAD_BLOCK);
  out.writeUInt32BE(plaintext.length, 0);
  out.set(plaintext, 4);
  return out;
}

export function unpad(padded: Uint8Array): Buffer {
  const buf = Buffer.from(padded);
  if (buf.length < 4 || buf.length % PAD_BLOCK !== 0)
    throw new SiteError('site_malformed', `padded payload of ${buf.length} bytes is not a whole number of blocks`);
  const size = buf.readUInt32BE(0);
  if (size > buf.length - 4 || buf.length - (4 + size) >= PAD_BLOCK)
    throw new SiteError('site_malformed', `padded payload claims ${size} bytes in ${buf.length}`);
  if (buf.subarray(4 + size).some((b) => b !== 0)) throw new SiteError('site_malformed', 'padding is not zero');
  return buf.subarray(4, 4 + size);
}

function signed(unsigned: UnsignedRecord, signer: MemberIdentity): Buffer {
  if (unsigned.signer !== signer.id) throw new SiteError('site_signer', `record names ${unsigned.signer} but is signed by ${signer.id}`);
  return encodeRecord({ ...unsigned, signature: signWithDomain(signer.signingPrivate, SIGNING_DOMAIN, encodeUnsigned(unsigned)) });
}

export interface PersonRecordInput {
  rid: Buffer;
  hlc: Hlc;
  /** The person's own key: the same key their data is sealed with on every member. */
  personKey: Buffer;
  /** The person's data, already serialized (profile and templates). */
  plaintext: Uint8Array;
}

/** One version of a person's record, sealed and signed by `member`. */
export function sealPersonRecord(site: SiteContext, member: MemberIdentity, input: PersonRecordInput): Buffer {
  return signed(
    {
      kind: 'person',
      siteId: site.siteId,
      epoch: site.epoch,
      rid: input.rid,
      hlc: input.hlc,
      signer: member.id,
      wrappedKey: seal(site.siteKey, input.personKey, keyAad(site.siteId, site.epoch, input.rid)),
      payload: seal(input.personKey, pad(input.plaintext), payloadAad(site.siteId, input.rid, input.hlc, member.id)),
    },
    member,
  );
}

/** The final record of an erased person: no key, no payload, only who erased them and when. */
export function makeTombstone(site: Omit<SiteContext, 'siteKey'>, member: MemberIdentity, rid: Buffer, hlc: Hlc): Buffer {
  return signed(
    { kind: 'tombstone', siteId: site.siteId, epoch: site.epoch, rid, hlc, signer: member.id, wrappedKey: Buffer.alloc(0), payload: Buffer.alloc(0) },
    member,
  );
}

/** A record whose form, site and signature were checked; `digest` (SHA-256 of its bytes) orders two records with one version. */
export interface VerifiedRecord extends DecodedRecord {
  digest: Buffer;
}

export interface VerifyOptions {
  siteId: Buffer;
  /** The roster: members whose signatures count. */
  members: ReadonlyMap<string, MemberPublic>;
}

/** Checks a record as received: form, site, known signer, signature. Opens nothing. */
export function verifyRecord(bytes: Uint8Array, options: VerifyOptions): VerifiedRecord {
  const record = decodeRecord(bytes);
  const what = `record ${record.rid.toString('hex')} (${versionLabel(record.hlc, record.signer)})`;
  if (!record.siteId.equals(options.siteId)) throw new SiteError('site_wrong_site', `${what} belongs to site ${record.siteId.toString('hex')}, not this one`);
  const signer = options.members.get(record.signer);
  if (signer === undefined) throw new SiteError('site_unknown_signer', `${what} is signed by ${record.signer}, who is not a member of this site`);
  if (!verifyWithDomain(signer.signingKey, SIGNING_DOMAIN, record.signed, record.signature)) {
    throw new SiteError('site_signature', `${what}: signature does not verify (altered, or not made by ${record.signer})`);
  }
  return { ...record, digest: createHash('sha256').update(bytes).digest() };
}

/** Opens a verified person record with the site key of its epoch: the person key and the person's data. */
export function openPersonRecord(record: VerifiedRecord, siteKeyOf: (epoch: number) => Buffer | undefined): { personKey: Buffer; plaintext: Buffer } {
  const what = `record ${record.rid.toString('hex')}`;
  if (record.kind !== 'person') throw new SiteError('site_tombstone', `${what} is a tombstone: there is nothing to open`);
  const siteKey = siteKeyOf(record.epoch);
  if (siteKey === undefined)
    throw new SiteError('site_epoch_unknown', `${what} is sealed under epoch ${record.epoch}, whose site key this member does not hold`);
  try {
    const personKey = Buffer.from(open(siteKey, record.wrappedKey, keyAad(record.siteId, record.epoch, record.rid)));
    const padded = open(personKey, record.payload, payloadAad(record.siteId, record.rid, record.hlc, record.signer));
    return { personKey, plaintext: unpad(padded) };
  } catch (err) {
    if (err instanceof SealError) throw new SiteError('site_open', `${what} does not open: ${err.message}`, err);
    throw err;
  }
}
