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
