import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decodeRecord, encodeRecord, encodeUnsigned, MAX_RECORD_BYTES, SiteError, type SiteRecord } from '../../../daemon/site/index.ts';
import { refusedBySite } from '../../support/site.ts';

function sample(over: Partial<SiteRecord> = {}): SiteRecord {
  return {
    kind: 'person',
    siteId: randomBytes(16),
    epoch: 3,
    rid: randomBytes(16),
    hlc: { wall: 1_765_000_000_000, counter: 42 },
    signer: 'front-door',
    wrappedKey: randomBytes(61),
    payload: randomBytes(1_053),
    signature: randomBytes(64),
    ...over,
  };
}

void test('a record decodes to the same fields, and re-encodes to the same bytes', () => {
  const record = sample();
  const bytes = encodeRecord(record);
  const decoded = decodeRecord(bytes);
  const { signed, ...fields } = decoded;
  assert.deepEqual(fields, record);
  assert.deepEqual(signed, encodeUnsigned(record));
  assert.deepEqual(encodeRecord(decoded), bytes);
});

void test('a tombstone round-trips with no key and no payload', () => {
  const tomb = sample({ kind: 'tombstone', wrappedKey: Buffer.alloc(0), payload: Buffer.alloc(0) });
  const decoded = decodeRecord(encodeRecord(tomb));
  assert.equal(decoded.kind, 'tombstone');
  assert.equal(decoded.payload.length, 0);
  assert.ok(encodeRecord(tomb).length < 160, `a tombstone is small (${encodeRecord(tomb).length} bytes)`);
});

void test('truncation at every length is refused as malformed', () => {
  const bytes = encodeRecord(sample({ payload: randomBytes(20) }));
  for (let n = 0; n < bytes.length; n++) {
    assert.throws(
      () => decodeRecord(bytes.subarray(0, n)),
      (err: unknown) => err instanceof SiteError && (err.code === 'site_malformed' || err.code === 'site_version'),
      `length ${n}`,
    );
  }
});

void test('trailing bytes, bad magic, unknown kind and unknown format are refused with their reason', () => {
  const bytes = encodeRecord(sample());
  refusedBySite(() => decodeRecord(Buffer.concat([bytes, Buffer.from([0])])), 'site_malformed', /1 unexpected bytes after the last field/);
  const magic = Buffer.from(bytes);
  magic[0] = 0x58;
  refusedBySite(() => decodeRecord(magic), 'site_malformed', /bad magic/);
  const format = Buffer.from(bytes);
  format[2] = 2;
  refusedBySite(() => decodeRecord(format), 'site_version', /unknown format version 2 \(this facegate reads version 1\)/);
  const kind = Buffer.from(bytes);
  kind[3] = 9;
  refusedBySite(() => decodeRecord(kind), 'site_malformed', /unknown kind 9/);
});

void test('an oversized record is refused before it is parsed, and is never written', () => {
  refusedBySite(() => decodeRecord(Buffer.alloc(MAX_RECORD_BYTES + 1)), 'site_malformed', /over the 262144-byte limit/);
  refusedBySite(() => encodeRecord(sample({ payload: Buffer.alloc(MAX_RECORD_BYTES) })), 'site_malformed', /over the 262144-byte limit/);
});

void test('fields that break the format are refused when writing and when reading', () => {
  refusedBySite(() => encodeUnsigned(sample({ signer: 'Front Door' })), 'site_malformed', /not a member id/);
  refusedBySite(() => encodeUnsigned(sample({ siteId: randomBytes(8) })), 'site_malformed', /site id must be 16 bytes/);
  refusedBySite(() => encodeUnsigned(sample({ kind: 'tombstone' })), 'site_malformed', /a tombstone carries no key and no payload/);
  refusedBySite(() => encodeUnsigned(sample({ payload: Buffer.alloc(0) })), 'site_malformed', /needs a wrapped key and a payload/);
  refusedBySite(() => encodeRecord(sample({ signature: randomBytes(10) })), 'site_malformed', /signature must be 64 bytes/);
  // A signer id with a byte outside [a-z0-9_-], written by hand.
  const bytes = encodeRecord(sample({ signer: 'abc' }));
  const at = bytes.indexOf(Buffer.from('abc'));
  bytes[at] = 0x41; // 'A'
  refusedBySite(() => decodeRecord(bytes), 'site_malformed', /not a member id/);
  refusedBySite(() => decodeRecord('not bytes' as unknown as Uint8Array), 'site_malformed', /expected bytes, got string/);
});
