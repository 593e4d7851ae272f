// What Home Assistant's MQTT integration requires of facegate's discovery configs (keys from its
// schemas: homeassistant/components/mqtt/{lock,binary_sensor,sensor,event,switch,select,button,device_trigger}.py and
// the device discovery schema in discovery.py / schemas.py), for both discovery forms.
import assert from 'node:assert/strict';
import { EVENT_TYPES } from '../../../daemon/core/index.ts';
import { SECURITY_LEVELS } from '../../../daemon/identity/index.ts';

type Payload = Record<string, unknown>;

/** Required per component, besides device and origin (which the device form carries once, at the top). */
const REQUIRED: Record<string, string[]> = {
  lock: ['command_topic', 'unique_id', 'availability'],
  switch: ['command_topic', 'state_topic', 'unique_id', 'availability'],
  select: ['command_topic', 'options', 'state_topic', 'unique_id', 'availability'],
  button: ['command_topic', 'payload_press', 'unique_id', 'availability'],
  binary_sensor: ['state_topic', 'unique_id', 'availability'],
  sensor: ['state_topic', 'unique_id', 'availability'],
  event: ['state_topic', 'event_types', 'unique_id', 'availability'],
  device_automation: ['automation_type', 'topic', 'type', 'subtype'],
};
const BINARY_SENSOR_CLASSES = new Set(['door', 'tamper', 'problem', 'lock', 'safety', 'opening', 'connectivity']);
const SENSOR_CLASSES = new Set([undefined, 'temperature', 'timestamp']);

function validateDeviceAndOrigin(where: string, payload: Payload): void {
  const device = payload.device as { identifiers?: unknown; configuration_url?: unknown } | undefined;
  assert.ok(device && Array.isArray(device.identifiers) && device.identifiers.length > 0, `${where}: device.identifiers`);
  if (device.configuration_url !== undefined) assert.match(String(device.configuration_url), /^https?:\/\/\S+$/, `${where}: configuration_url`);
  const origin = payload.origin as { name?: unknown; support_url?: unknown } | undefined;
  assert.equal(typeof origin?.name, 'string', `${where}: origin.name`);
  if (origin?.support_url !== undefined) assert.match(String(origin.support_url), /^https?:\/\/\S+$/, `${where}: origin.support_url`);
}

/** One component's own keys, in either form. */
export function validateComponent(component: string, where: string, payload: Payload): void {
  assert.ok(REQUIRED[component], `${where}: a component facegate does not publish: ${component}`);
  for (const key of REQUIRED[component]) assert.ok(payload[key] !== undefined && payload[key] !== null, `${where}: ${key} is required`);
  if (component !== 'device_automation') {
    const availability = payload.availability as { topic: string }[];
    assert.ok(
      availability.every((a) => /^facegate\/[a-z0-9_-]+\/availability$/.test(a.topic)),
      `${where}: availability topic`,
    );
    // An entity id of the component's own domain (HA 2025.10+ takes it from default_entity_id).
    assert.match(String(payload.default_entity_id), new RegExp(`^${component}\\.[a-z0-9_]+$`), `${where}: default_entity_id`);
  }
  if (component === 'lock') {
    assert.match(
      String(payload.command_topic),
      /^facegate\/[a-z0-9_-]+\/lock\/set(\/[A-Za-z0-9_.@-]+)?$/,
      `${where}: command_topic (the trusted user's own, or the signed one)`,
    );
    // Open is advertised only where it would be carried out (see the test of the commands); the defaults never.
    assert.deepEqual([payload.payload_lock, payload.payload_unlock], ['LOCK', 'UNLOCK']);
    assert.ok(payload.payload_open === undefined || payload.payload_open === 'OPEN');
    // A door whose lock output cannot be locked (status lock "jammed") must reach HA as JAMMED, never as unlocked or locked.
    assert.equal(payload.state_jammed, 'JAMMED');
    assert.match(String(payload.value_template), /value_json\.lock == 'jammed' else \('OPEN' if value_json\.position == 'open' else 'UNLOCKED'\)/);
  }
  if (component === 'binary_sensor') assert.ok(BINARY_SENSOR_CLASSES.has(String(payload.device_class)), `${where}: device_class`);
  if (component === 'sensor') assert.ok(SENSOR_CLASSES.has(payload.device_class as string | undefined), `${where}: device_class`);
  if (component === 'switch' || component === 'button') {
    assert.match(String(payload.command_topic), /^facegate\/[a-z0-9_-]+\/(lockdown|hold)\/set(\/[A-Za-z0-9_.@-]+)?$/, `${where}: command_topic`);
  }
  if (component === 'select') {
    // HA's select needs its options as a non-empty list of strings; the state must be one of them (the bare level).
    assert.deepEqual(payload.options, [...SECURITY_LEVELS], `${where}: options`);
    assert.match(String(payload.command_topic), /^facegate\/bridge\/security_level\/set(\/[A-Za-z0-9_.@-]+)?$/, `${where}: command_topic`);
    assert.equal(payload.value_template, undefined, `${where}: the state topic carries the option itself`);
  }
  if (component === 'event') assert.deepEqual(payload.event_types, [...EVENT_TYPES]);
  if (component === 'device_automation') assert.equal(payload.automation_type, 'trigger');
}

/** A per-entity config: `<prefix>/<component>/<node>/<object>/config`, device and origin in each. */
export function validateEntityConfig(topic: string, payload: Payload): void {
  const m = /^homeassistant\/(lock|switch|button|binary_sensor|sensor|event|device_automation)\/([A-Za-z0-9_-]+)\/([A-Za-z0-9_-]+)\/config$/.exec(topic);
  assert.ok(m, `discovery topic shape: ${topic}`);
  validateDeviceAndOrigin(topic, payload);
  validateComponent(m[1] as string, topic, payload);
}

/** The device-based config: `<prefix>/device/<node>/config`, device and origin once, each component with its platform. */
export function validateDeviceConfig(topic: string, payload: Payload): void {
  assert.match(topic, /^homeassistant\/device\/[A-Za-z0-9_-]+\/config$/, `device discovery topic shape: ${topic}`);
  validateDeviceAndOrigin(topic, payload);
  const components = payload.components as Record<string, Payload> | undefined;
  assert.ok(components && Object.keys(components).length > 0, `${topic}: components`);
  for (const [id, c] of Object.entries(components)) {
    assert.match(id, /^[A-Za-z0-9_-]+$/, `${topic}: component id ${id}`);
    assert.equal(c.device, undefined, `${topic} ${id}: the device is given once, at the top`);
    validateComponent(String(c.platform), `${topic} ${id}`, c);
  }
  const uniqueIds = Object.values(components)
    .map((c) => c.unique_id)
    .filter((u) => u !== undefined);
  assert.equal(new Set(uniqueIds).size, uniqueIds.length, `${topic}: unique ids are unique`);
}
