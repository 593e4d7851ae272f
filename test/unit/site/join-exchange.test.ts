import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  decodeJoinMessage,
  encodeJoinMessage,
  JOIN_CODE_LIFETIME_MS,
  JOIN_CONFIRM_MS,
  JoinAttempt,
  JoinInvite,
  newJoinCode,
  newMemberIdentity,
} from '../../../daemon/site/index.ts';
import { refusedBySite } from '../../support/site.ts';

const sponsor = newMemberIdentity('front');
const joiner = newMemberIdentity('back');
const bundle = Buffer.concat([Buffer.from('site-key:'), randomBytes(32)]);
const t0 = 1_765_000_000_000;

/** Flips one byte of a base64 field of a JSON join message and re-encodes it. */
function tamper(message: Buffer, field: string): Buffer {
  const obj = JSON.parse(message.toString('utf8')) as Record<string, string>;
  const bytes = Buffer.from(obj[field]!, 'base64');
  bytes[0]! ^= 0x01;
  obj[field] = bytes.toString('base64');
  return Buffer.from(JSON.stringify(obj));
}

void test('with the honest code, the joiner opens the bundle and the sponsor learns the joiner', () => {
  const invite = new JoinInvite(t0);
  const attempt = new JoinAttempt(invite.code, joiner);
  assert.equal(attempt.topic, invite.topic);
  const { welcome, joiner: seen } = invite.answer(attempt.hello, sponsor, bundle, t0 + 1_000);
  assert.equal(seen.id, 'back');
  assert.deepEqual(seen.signingKey, joiner.signingKey);
  assert.deepEqual(seen.exchangeKey, joiner.exchangeKey);
  const accepted = attempt.accept(welcome);
  assert.equal(accepted.sponsor, 'front');
  assert.deepEqual(accepted.bundle, bundle);
  assert.equal(welcome.indexOf(bundle.subarray(9)), -1, 'the site key is not on the wire in clear');
  const member = invite.confirm(accepted.confirm, t0 + 2_000);
  assert.equal(member.id, 'back');
});

void test('a wrong code is refused, and three refusals burn the invite', () => {
  const invite = new JoinInvite(t0);
  for (let i = 0; i < 3; i++) {
    const guess = new JoinAttempt(newJoinCode().code, joiner);
    refusedBySite(() => invite.answer(guess.hello, sponsor, bundle, t0), 'site_join_auth', /not made with this join code/);
  }
  // Even the honest joiner is now refused: a guesser gets three tries, then only a denial of service.
  const honest = new JoinAttempt(invite.code, joiner);
  refusedBySite(() => invite.answer(honest.hello, sponsor, bundle, t0), 'site_join_burnt', /burnt after 3 refused messages/);
});

void test('an expired code is refused, even with the right code', () => {
  const invite = new JoinInvite(t0);
  const attempt = new JoinAttempt(invite.code, joiner);
  refusedBySite(() => invite.answer(attempt.hello, sponsor, bundle, t0 + JOIN_CODE_LIFETIME_MS + 1), 'site_join_expired', /has expired/);
});

void test('a code is good for one join: a replayed hello is refused', () => {
  const invite = new JoinInvite(t0);
  const attempt = new JoinAttempt(invite.code, joiner);
  invite.answer(attempt.hello, sponsor, bundle, t0);
  refusedBySite(() => invite.answer(attempt.hello, sponsor, bundle, t0), 'site_join_used', /already used/);
  const second = new JoinAttempt(invite.code, newMemberIdentity('side'));
  refusedBySite(() => invite.answer(second.hello, sponsor, bundle, t0), 'site_join_used', /already used/);
});

void test('a man in the middle cannot swap keys in the hello: every field is covered by the code', () => {
  for (const field of ['signingKey', 'exchangeKey', 'ephemeral', 'nonce', 'mac']) {
    const invite = new JoinInvite(t0);
    const attempt = new JoinAttempt(invite.code, joiner);
    refusedBySite(() => invite.answer(tamper(attempt.hello, field), sponsor, bundle, t0), 'site_join_auth', /not made with this join code/);
  }
  // Another member id under the same keys:
  const invite = new JoinInvite(t0);
  const attempt = new JoinAttempt(invite.code, joiner);
  const renamed = JSON.parse(attempt.hello.toString('utf8')) as Record<string, string>;
  renamed.member = 'mallory';
  refusedBySite(() => invite.answer(Buffer.from(JSON.stringify(renamed)), sponsor, bundle, t0), 'site_join_auth', /not made with this join code/);
});

void test('a man in the middle cannot answer in the sponsor’s place, nor alter its welcome', () => {
  const invite = new JoinInvite(t0);
  const honest = new JoinAttempt(invite.code, joiner);
  const { welcome } = invite.answer(honest.hello, sponsor, bundle, t0);
  for (const field of ['ephemeral', 'nonce', 'bundle', 'mac']) {
    const fresh = new JoinAttempt(invite.code, joiner);
    // The same code, but the welcome was made for another hello: the transcript differs.
    refusedBySite(() => fresh.accept(welcome), 'site_join_auth', /not made with this join code/);
    refusedBySite(() => honest.accept(tamper(welcome, field)), 'site_join_auth', /not made with this join code/);
  }
  // A welcome from someone with another code (the broker operator running its own invite).
  const mallory = new JoinInvite(t0);
  const forged = mallory.answer(new JoinAttempt(mallory.code, joiner).hello, newMemberIdentity('mallory'), randomBytes(41), t0).welcome;
  refusedBySite(() => honest.accept(forged), 'site_join_auth', /not made with this join code/);
  // The honest welcome still works after all those refusals.
  assert.deepEqual(honest.accept(welcome).bundle, bundle);
});

void test('the sponsor adds no one without a matching, timely confirmation', () => {
  const invite = new JoinInvite(t0);
  const attempt = new JoinAttempt(invite.code, joiner);
  refusedBySite(() => invite.confirm(Buffer.from('{}'), t0), 'site_join_state', /no welcome is waiting/);
  const { welcome } = invite.answer(attempt.hello, sponsor, bundle, t0);
  const { confirm } = attempt.accept(welcome);
  refusedBySite(() => invite.confirm(tamper(confirm, 'mac'), t0), 'site_join_auth', /does not match/);
  refusedBySite(() => invite.confirm(confirm, t0 + JOIN_CONFIRM_MS + 1), 'site_join_expired', /too late/);
  assert.equal(invite.confirm(confirm, t0 + 10).id, 'back');
  refusedBySite(() => invite.confirm(confirm, t0 + 10), 'site_join_state', /no welcome is waiting/);
});

void test('malformed join messages are refused with their reason, and count against the code', () => {
  const invite = new JoinInvite(t0);
  const attempt = new JoinAttempt(invite.code, joiner);
  const hello = JSON.parse(attempt.hello.toString('utf8')) as Record<string, unknown>;
  refusedBySite(() => decodeJoinMessage(Buffer.from('nope'), 'hello'), 'site_join_malformed', /not JSON/);
  refusedBySite(() => decodeJoinMessage(Buffer.from(JSON.stringify({ ...hello, v: 2 })), 'hello'), 'site_join_version', /protocol version 2/);
  refusedBySite(() => decodeJoinMessage(attempt.hello, 'welcome'), 'site_join_malformed', /expected a welcome, got "hello"/);
  refusedBySite(() => decodeJoinMessage(Buffer.from(JSON.stringify({ ...hello, extra: 1 })), 'hello'), 'site_join_malformed', /unknown field "extra"/);
  refusedBySite(
    () => decodeJoinMessage(Buffer.from(JSON.stringify({ ...hello, nonce: 'AAAA' })), 'hello'),
    'site_join_malformed',
    /nonce must be 16 bytes, got 3/,
  );
  refusedBySite(() => decodeJoinMessage(Buffer.from(JSON.stringify({ ...hello, mac: '!!' })), 'hello'), 'site_join_malformed', /mac is not base64/);
  refusedBySite(() => decodeJoinMessage(Buffer.from(JSON.stringify({ ...hello, member: 'Not Valid' })), 'hello'), 'site_member_id', /must match/);
  refusedBySite(() => decodeJoinMessage(Buffer.alloc(70_000, 0x20), 'hello'), 'site_join_malformed', /over the 65536-byte limit/);
  // Round trip of a decoded message.
  assert.deepEqual(encodeJoinMessage(decodeJoinMessage(attempt.hello, 'hello')), attempt.hello);
  for (let i = 0; i < 3; i++) assert.throws(() => invite.answer(Buffer.from('garbage'), sponsor, bundle, t0));
  refusedBySite(() => invite.answer(attempt.hello, sponsor, bundle, t0), 'site_join_burnt', /burnt/);
});
