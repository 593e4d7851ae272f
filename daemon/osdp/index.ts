export { checksum, crc16 } from './check.ts';
export { decodePacket, encodeFrame } from './frame.ts';
export type { Frame, Sequence } from './frame.ts';
export { FrameReader, MAX_PACKET_LENGTH } from './reader.ts';
export type { ReaderEvent } from './reader.ts';
