import { Type } from '@sinclair/typebox';

export const PrivacySection = Type.Object(
  {
    event_retention_days: Type.Integer({
      minimum: 1,
      maximum: 3650,
      default: 30,
      description: 'Access events (and their pseudonymous subjects) are deleted after this many days.',
    }),
    snapshots_enabled: Type.Boolean({
      default: false,
      description:
        "Keep the camera frame that concluded each access decision, linked to its event, for a disputed entry. Off by default (minimisation); when on, each is sealed (the recognised person's key, else a device key), in that person's export, erased with them and purged after snapshot_retention_days.",
    }),
    snapshot_retention_days: Type.Integer({
      minimum: 1,
      maximum: 365,
      default: 7,
      description: 'Sealed snapshots are deleted after this many days.',
    }),
    draft_retention_days: Type.Integer({
      minimum: 1,
      maximum: 365,
      default: 30,
      description: 'A person added in the admin panel whose first photo was never accepted is erased (with their key) this many days after being added.',
    }),
    retention_sweep_min: Type.Integer({
      minimum: 1,
      maximum: 1440,
      default: 60,
      description: 'How often, in minutes, data past its retention period is deleted (also once at every start).',
    }),
    notice_version: Type.String({
      minLength: 1,
      maxLength: 64,
      default: '1',
      description: 'Version of the privacy notice shown at enrollment; recorded with each consent.',
    }),
  },
  { additionalProperties: false, default: {} },
);
