import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIGRATE_DISCOVERY, planDiscovery, type DiscoveryPlanInput } from '../../../daemon/mqtt/discovery-plan.ts';
import { deviceDiscoveryMessage, discoveryMessages } from '../../../daemon/mqtt/discovery.ts';
import { Topics } from '../../../daemon/mqtt/topics.ts';

const topics = new Topics('facegate', 'homeassistant');
const DEVICE = topics.discoveryDevice('g');
const entitiesFor = (doors: { id: string; name: string }[]) => discoveryMessages({ topics, node: 'g', doors, version: '1' });
const FRONT = entitiesFor([{ id: 'front', name: 'Front' }]);
const BOTH = entitiesFor([
  { id: 'front', name: 'Front' },
  { id: 'back', name: 'Back' },
]);

const plan = (over: Partial<DiscoveryPlanInput>) =>
  planDiscovery({ enabled: true, mode: 'device', entities: FRONT, known: [], deviceTopic: DEVICE, device: deviceDiscoveryMessage, ...over });

/** The registry after every step reached the broker. */
function after(known: readonly string[], steps: ReturnType<typeof planDiscovery>): string[] {
  const set = new Set(known);
  for (const s of steps) {
    for (const r of s.records) set.add(r);
    for (const f of s.forgets) set.delete(f);
  }
  return [...set].sort();
}

void test('device form, first time: one config with every component, and each component on record', () => {
  const steps = plan({});
  assert.equal(steps.length, 1);
  assert.equal(steps[0]?.topic, DEVICE);
  const payload = JSON.parse(steps[0]?.payload ?? '{}') as { components: Record<string, { platform: string }> };
  assert.deepEqual(Object.keys(payload.components).sort(), FRONT.map((m) => m.objectId).sort());
  assert.equal(after([], steps).length, FRONT.length + 1);
});

void test('device form: a door removed is sent once as platform-only components, then no longer on record', () => {
  const known = after([], plan({ entities: BOTH }));
  const steps = plan({ known });
  assert.equal(steps.length, 1);
  const components = (JSON.parse(steps[0]?.payload ?? '{}') as { components: Record<string, Record<string, unknown>> }).components;
  const back = Object.entries(components).filter(([id]) => id.startsWith('back_'));
  assert.equal(back.length, BOTH.length - FRONT.length);
  assert.ok(
    back.every(([, c]) => Object.keys(c).length === 1 && typeof c.platform === 'string'),
    'removal: only the platform',
  );
  assert.ok(
    Object.entries(components)
      .filter(([id]) => id.startsWith('front_'))
      .every(([, c]) => c.unique_id !== undefined || c.platform === 'device_automation'),
  );
  const registry = after(known, steps);
  assert.equal(registry.length, FRONT.length + 1);
  // The next publication no longer lists them.
  const next = JSON.parse(plan({ known: registry })[0]?.payload ?? '{}') as { components: Record<string, unknown> };
  assert.equal(Object.keys(next.components).length, FRONT.length);
});

void test('entity form to device form: migrate_discovery on every old topic, then the device config, then the old topics cleared', () => {
  const known = after([], plan({ mode: 'entity' }));
  assert.ok(!known.includes(DEVICE));
  const steps = plan({ known });
  const olds = FRONT.map((m) => m.topic).sort();
  assert.deepEqual(
    steps.map((s) => s.topic),
    [...olds, DEVICE, ...olds],
  );
  assert.deepEqual(
    steps.slice(0, olds.length).map((s) => s.payload),
    olds.map(() => MIGRATE_DISCOVERY),
  );
  assert.deepEqual(
    steps.slice(olds.length + 1).map((s) => s.payload),
    olds.map(() => ''),
  );
  const registry = after(known, steps);
  assert.ok(registry.includes(DEVICE) && !registry.some((t) => olds.includes(t)));
});

void test('device form to entity form: migrate_discovery on the device config, then every entity, then the device config cleared', () => {
  const known = after([], plan({}));
  const steps = plan({ mode: 'entity', known });
  assert.equal(steps[0]?.topic, DEVICE);
  assert.equal(steps[0]?.payload, MIGRATE_DISCOVERY);
  assert.deepEqual(
    steps.slice(1, -1).map((s) => s.topic),
    FRONT.map((m) => m.topic),
  );
  assert.deepEqual([steps.at(-1)?.topic, steps.at(-1)?.payload], [DEVICE, '']);
  assert.deepEqual(after(known, steps), FRONT.map((m) => m.topic).sort());
});

void test('discovery turned off: the device config emptied (HA drops all its components) and the registry empty', () => {
  const known = after([], plan({}));
  const steps = plan({ enabled: false, entities: [], known });
  assert.deepEqual(
    steps.map((s) => [s.topic, s.payload]),
    [[DEVICE, '']],
  );
  assert.deepEqual(after(known, steps), []);
  const entityKnown = after([], plan({ mode: 'entity' }));
  const off = plan({ enabled: false, mode: 'entity', entities: [], known: entityKnown });
  assert.ok(off.every((s) => s.payload === ''));
  assert.deepEqual(after(entityKnown, off), []);
});
