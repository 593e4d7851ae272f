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
