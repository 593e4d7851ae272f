/**
 * The two check characters an OSDP packet may end with. Both cover the packet from SOM up to the
 * check itself (the 0xFF mark byte is not covered).
 */

/** CRC-16/AUG-CCITT as OSDP uses it: polynomial 0x1021, initial value 0x1D0F, no reflection, no final XOR; sent LSB first. */
export function crc16(bytes: Uint8Array): number {
  let crc = 0x1d0f;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The 1-byte checksum: the two's complement of the sum of the bytes, so that bytes plus checksum sum to 0 mod 256. */
export function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const byte of bytes) sum = (sum + byte) & 0xff;
  return (0x100 - sum) & 0xff;
}
