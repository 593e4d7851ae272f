export { SiteError } from './errors.ts';
export { compareHlc, checkHlc, HybridClock, DEFAULT_MAX_DRIFT_MS, HLC_MAX_COUNTER, HLC_MAX_WALL } from './hlc.ts';
export type { Hlc, HybridClockOptions } from './hlc.ts';
export {
  decodeRecord,
  encodeRecord,
  encodeUnsigned,
  MAX_RECORD_BYTES,
  MEMBER_ID,
  RECORD_FORMAT,
  RID_BYTES,
  SIGNATURE_BYTES,
  SITE_ID_BYTES,
} from './record-codec.ts';
export type { DecodedRecord, RecordKind, SiteRecord, UnsignedRecord } from './record-codec.ts';
export {
  checkMemberId,
  exportMemberIdentity,
  importMemberIdentity,
  newKeyPair,
  newMemberIdentity,
  publicKeyFromRaw,
  publicOf,
  signWithDomain,
  verifyWithDomain,
} from './member-identity.ts';
export type { MemberIdentity, MemberPublic } from './member-identity.ts';
export { makeTombstone, newRid, openPersonRecord, PAD_BLOCK, sealPersonRecord, verifyRecord } from './record-seal.ts';
export type { PersonRecordInput, SiteContext, VerifiedRecord, VerifyOptions } from './record-seal.ts';
export { compareVersions, merge, SiteLedger } from './merge.ts';
export type { MergeOutcome, Versioned } from './merge.ts';
export { deriveJoinKeys, JOIN_CODE_LIFETIME_MS, JOIN_SECRET_SYMBOLS, newJoinCode, parseJoinCode } from './join-code.ts';
export type { JoinKeys } from './join-code.ts';
export { decodeJoinMessage, encodeJoinMessage, JOIN_PROTOCOL, MAX_JOIN_MESSAGE_BYTES } from './join-messages.ts';
export type { ConfirmMessage, HelloMessage, WelcomeMessage } from './join-messages.ts';
export { JOIN_CONFIRM_MS, JOIN_MAX_FAILURES, JoinAttempt, JoinInvite } from './join-exchange.ts';
export { SiteTopics } from './site-topics.ts';
export type { RecordTopicKind } from './site-topics.ts';
export { mqttTransport } from './transport.ts';
export type { SiteTransport } from './transport.ts';
export { SiteReplicator } from './replicator.ts';
export type { ReceivedPerson, SiteReplicatorOptions } from './replicator.ts';
export { MAX_EPOCH_MESSAGE_BYTES, openEpochKey, wrapEpochKey } from './epoch-keys.ts';
export type { EpochKey, OpenEpochOptions } from './epoch-keys.ts';
