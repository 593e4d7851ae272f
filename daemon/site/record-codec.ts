import { SiteError } from './errors.ts';
import { ByteReader, ByteWriter } from './bytes.ts';
import { checkHlc, type Hlc } from './hlc.ts';

/** A member of a site (one facegate daemon), as named in records and topics. */
export const MEMBER_ID = /^[a-z0-9_-]{1,32}$/;
export const SITE_ID_BYTES = 16;
export const RID_BYTES = 16;
export const SIGNATURE_BYTES = 64;
export const RECORD_FORMAT = 1;
/** A person's record (profile and a few templates) is a few tens of KiB; anything far larger is refused before it is read. */
export const MAX_RECORD_BYTES = 256 * 1024;
const MAGIC = Buffer.from('FS', 'ascii');

const KIND_CODES = { person: 1, tombstone: 2 } as const;
export type RecordKind = keyof typeof KIND_CODES;

/** Everything of a record but its signature: what the signature covers. */
export interface UnsignedRecord {
  kind: RecordKind;
  siteId: Buffer;
  epoch: number;
  /** The record's id on the site (the person id itself travels sealed). */
  rid: Buffer;
  hlc: Hlc;
  signer: string;
  /** The person key, sealed under the site key of `epoch`; empty in a tombstone. */
  wrappedKey: Buffer;
  /** The person's data, sealed under their person key; empty in a tombstone. */
  payload: Buffer;
}

export interface SiteRecord extends UnsignedRecord {
  signature: Buffer;
}

function fail(message: string): never {
  throw new SiteError('site_malformed', message);
}

function checkFields(r: UnsignedRecord): void {
  if (!(r.kind in KIND_CODES)) fail(`record kind ${String(r.kind)} is unknown`);
  if (r.siteId.length !== SITE_ID_BYTES) fail(`site id must be ${SITE_ID_BYTES} bytes, got ${r.siteId.length}`);
  if (r.rid.length !== RID_BYTES) fail(`record id must be ${RID_BYTES} bytes, got ${r.rid.length}`);
  if (!Number.isInteger(r.epoch) || r.epoch < 0 || r.epoch > 0xffffffff) fail(`epoch ${r.epoch} is not a u32`);
  checkHlc(r.hlc, 'record clock value');
  if (!MEMBER_ID.test(r.signer)) fail(`signer ${JSON.stringify(r.signer)} is not a member id ([a-z0-9_-]{1,32})`);
  if (r.kind === 'tombstone' && (r.wrappedKey.length > 0 || r.payload.length > 0)) fail('a tombstone carries no key and no payload');
  if (r.kind === 'person' && (r.wrappedKey.length === 0 || r.payload.length === 0)) fail('a person record needs a wrapped key and a payload');
}

/** The bytes a record's signature covers: the record up to its signature, canonical. */
export function encodeUnsigned(record: UnsignedRecord): Buffer {
  checkFields(record);
  return new ByteWriter()
    .raw(MAGIC)
    .u8(RECORD_FORMAT)
    .u8(KIND_CODES[record.kind])
    .raw(record.siteId)
    .u32(record.epoch)
    .raw(record.rid)
    .u64(record.hlc.wall)
    .u16(record.hlc.counter)
    .sized(Buffer.from(record.signer, 'utf8'), 1)
    .sized(record.wrappedKey, 2)
    .sized(record.payload, 4)
    .bytes();
}

export function encodeRecord(record: SiteRecord): Buffer {
  if (record.signature.length !== SIGNATURE_BYTES) fail(`signature must be ${SIGNATURE_BYTES} bytes, got ${record.signature.length}`);
  const out = Buffer.concat([encodeUnsigned(record), record.signature]);
  if (out.length > MAX_RECORD_BYTES) fail(`record of ${out.length} bytes is over the ${MAX_RECORD_BYTES}-byte limit`);
  return out;
}

/** A decoded record and the exact bytes its signature covers. */
export interface DecodedRecord extends SiteRecord {
  signed: Buffer;
}

/** Reads one record; refuses anything oversized, truncated, of another format, or not in canonical form. */
export function decodeRecord(input: Uint8Array): DecodedRecord {
  if (!(input instanceof Uint8Array)) fail(`record: expected bytes, got ${input === null ? 'null' : typeof input}`);
  if (input.length > MAX_RECORD_BYTES) fail(`record of ${input.length} bytes is over the ${MAX_RECORD_BYTES}-byte limit`);
  const buf = Buffer.from(input.buffer, input.byteOffset, input.length);
  const r = new ByteReader(buf, 'record');
  if (!r.raw(MAGIC.length, 'magic').equals(MAGIC)) fail('record: not a site record (bad magic bytes)');
  const format = r.u8('format');
  if (format !== RECORD_FORMAT) {
    throw new SiteError('site_version', `record: unknown format version ${format} (this facegate reads version ${RECORD_FORMAT})`);
  }
  const code = r.u8('kind');
  const kind = (Object.keys(KIND_CODES) as RecordKind[]).find((k) => KIND_CODES[k] === code);
  if (kind === undefined) fail(`record: unknown kind ${code}`);
  const siteId = r.raw(SITE_ID_BYTES, 'site id');
  const epoch = r.u32('epoch');
  const rid = r.raw(RID_BYTES, 'record id');
  const hlc = { wall: r.u64('clock wall'), counter: r.u16('clock counter') };
  const signerBytes = r.sized(1, 'signer');
  const signer = signerBytes.toString('utf8');
  const wrappedKey = r.sized(2, 'wrapped key');
  const payload = r.sized(4, 'payload');
  const signed = buf.subarray(0, r.offset);
  const signature = r.raw(SIGNATURE_BYTES, 'signature');
  r.end();
  const record: DecodedRecord = { kind, siteId, epoch, rid, hlc, signer, wrappedKey, payload, signature, signed: Buffer.from(signed) };
  checkFields(record);
  // Signer ids are ASCII, so a byte sequence that does not round-trip is a second encoding of one record.
  if (!Buffer.from(signer, 'utf8').equals(signerBytes)) fail('record: signer id is not canonical');
  return record;
}
