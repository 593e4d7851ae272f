import { Type } from '@sinclair/typebox';

/** facegate as an OSDP peripheral device (daemon/osdp) on an access-control panel's RS-485 line. */
export const OsdpSection = Type.Object(
  {
    enabled: Type.Boolean({
      default: false,
      description: "Act as an OSDP reader (PD) on port: a verified, live, enrolled person's credential goes to the panel, which decides and drives the lock.",
    }),
    port: Type.Union([Type.String({ minLength: 1, maxLength: 256 }), Type.Null()], {
      default: null,
      description: 'The serial device of the RS-485 adapter, e.g. /dev/ttyAMA0 (a Pi HAT) or /dev/ttyUSB0 (a USB adapter); needed when enabled.',
    }),
    baud: Type.Union([Type.Literal(9600), Type.Literal(19200), Type.Literal(38400), Type.Literal(57600), Type.Literal(115200), Type.Literal(230400)], {
      default: 9600,
      description: "The line's speed, as set for this reader on the panel.",
    }),
    address: Type.Integer({ minimum: 0, maximum: 126, default: 0, description: "This reader's address on the bus, as set on the panel (0..126)." }),
    scbk_secret: Type.Union([Type.String({ pattern: '^[0-9a-fA-F]{32}$' }), Type.Null()], {
      default: null,
      description:
        'The secure-channel base key (SCBK, AES-128, 32 hex digits) the panel holds for this reader. Better given as the systemd credential osdp.scbk_secret. null: no secure channel unless install_mode.',
    }),
    install_mode: Type.Boolean({
      default: false,
      description:
        "Accept the install-mode key (SCBK-D) once, so the panel can set this reader's key with osdp_KEYSET; it ends with the first KEYSET. Turn it on only while pairing.",
    }),
    credential_max_age_ms: Type.Integer({
      minimum: 200,
      maximum: 30_000,
      default: 3000,
      description: 'A credential the panel has not polled for within this time (the line was down) is dropped: the person has gone.',
    }),
    vendor_code: Type.String({
      pattern: '^[0-9a-fA-F]{6}$',
      default: '000000',
      description: 'The IEEE OUI osdp_PDID reports, 6 hex digits; 000000 until facegate has one of its own.',
    }),
  },
  { additionalProperties: false, default: {} },
);
