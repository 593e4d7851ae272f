import { Type, type Static } from '@sinclair/typebox';
import { DaemonSection } from './daemon.ts';
import { CameraSection } from './camera.ts';
import { VisionSection } from './vision.ts';
import { AccessSection } from './access.ts';
import { IdentitySection } from './identity.ts';
import { DoorsSection } from './door.ts';
import { MqttSection } from './mqtt.ts';
import { AdminSection } from './admin.ts';
import { PrivacySection } from './privacy.ts';
import { PadSection } from './pad.ts';
import { OsdpSection } from './osdp.ts';

/** One section per room; each room's section lives in its own file beside this one. */
export const ConfigSchema = Type.Object(
  {
    daemon: DaemonSection,
    camera: CameraSection,
    vision: VisionSection,
    pad: PadSection,
    identity: IdentitySection,
    access: AccessSection,
    doors: DoorsSection,
    mqtt: MqttSection,
    admin: AdminSection,
    privacy: PrivacySection,
    osdp: OsdpSection,
  },
  { additionalProperties: false, $id: 'https://facegate.dev/schema/config.json', title: 'facegate configuration' },
);

export type Config = Static<typeof ConfigSchema>;
