// A minimal daemon for the last-will test: the real MqttService on a real store, killed with SIGKILL by the parent.
import { embeddedDefaults } from '../../../daemon/config/index.ts';
import { EventBus, createLogger, type BusEvents } from '../../../daemon/core/index.ts';
import { MqttService } from '../../../daemon/mqtt/index.ts';
import { openDatabase } from '../../../daemon/store/index.ts';

const [url, dataDir] = process.argv.slice(2);
if (!url || !dataDir) throw new Error('usage: will-child.ts <broker url> <data dir>');
const config = embeddedDefaults();
const log = createLogger({ level: 'warn' });
const service = new MqttService({
  config: { ...config.mqtt, url, client_id: 'facegate-will-child', discovery: { ...config.mqtt.discovery, enabled: false } },
  doors: [
    { id: 'front', name: 'Front door' },
    { id: 'back', name: 'Back door' },
  ],
  db: openDatabase(dataDir),
  dataDir,
  bus: new EventBus<BusEvents>(log),
  log,
  doorControl: () => undefined,
});
await service.start();
await service.whenConnected();
process.stdout.write('ready\n');
setInterval(() => undefined, 60_000);
