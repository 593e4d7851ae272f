import type { DiscoveryMessage } from './discovery.ts';

/** Tells Home Assistant that an entity's config moves between the per-entity and the device form. */
export const MIGRATE_DISCOVERY = JSON.stringify({ migrate_discovery: true });

/** A registry entry for one component inside the device config (never a real topic: MQTT topics hold no '#'). */
const componentKey = (deviceTopic: string, platform: string, objectId: string): string => `${deviceTopic}#${platform}/${objectId}`;
const parseComponentKey = (deviceTopic: string, key: string): { platform: string; objectId: string } | null => {
  if (!key.startsWith(`${deviceTopic}#`)) return null;
  const [platform, objectId] = key.slice(deviceTopic.length + 1).split('/');
  return platform && objectId ? { platform, objectId } : null;
};

export interface DiscoveryStep {
  topic: string;
  payload: string;
  /** Registry entries to record once the broker has it. */
  records: string[];
  /** Registry entries to forget once the broker has it. */
  forgets: string[];
}

export interface DiscoveryPlanInput {
  enabled: boolean;
  mode: 'device' | 'entity';
  /** The per-entity messages (discoveryMessages). */
  entities: readonly DiscoveryMessage[];
  /** What was published before (the registry). */
  known: readonly string[];
  deviceTopic: string;
  /** Wraps the entities into the one device config (deviceDiscoveryMessage). */
  device: (components: readonly DiscoveryMessage[], removed: readonly { platform: string; objectId: string }[]) => Record<string, unknown>;
}

/**
 * What to publish, in order, so Home Assistant ends up with exactly the current entities:
 * 1. on a change of form, migrate_discovery on the old configs (HA keeps the entities, their names
 *    and areas, for the new config); 2. the current configs; 3. the old configs cleared. In the
 * device form a component that went away is sent once with only its platform (HA's removal of
 * one component; a component merely left out is kept by HA). Pure: the service carries it out.
 */
export function planDiscovery(p: DiscoveryPlanInput): DiscoveryStep[] {
  const steps: DiscoveryStep[] = [];
  const deviceKnown = p.known.includes(p.deviceTopic);
  const oldEntityTopics = p.known.filter((k) => k !== p.deviceTopic && parseComponentKey(p.deviceTopic, k) === null);
  const oldComponents = p.known.filter((k) => parseComponentKey(p.deviceTopic, k) !== null);

  if (!p.enabled) {
    if (deviceKnown || oldComponents.length > 0) steps.push(clearDevice(p.deviceTopic, oldComponents));
    for (const t of oldEntityTopics) steps.push({ topic: t, payload: '', records: [], forgets: [t] });
    return steps;
  }

  if (p.mode === 'device') {
    const current = new Set(p.entities.map((m) => componentKey(p.deviceTopic, m.component, m.objectId)));
    const removedKeys = oldComponents.filter((k) => !current.has(k));
    const removed = removedKeys.map((k) => parseComponentKey(p.deviceTopic, k)).filter((c) => c !== null);
    for (const t of oldEntityTopics) steps.push({ topic: t, payload: MIGRATE_DISCOVERY, records: [], forgets: [] });
    steps.push({ topic: p.deviceTopic, payload: JSON.stringify(p.device(p.entities, removed)), records: [p.deviceTopic, ...current], forgets: removedKeys });
    for (const t of oldEntityTopics) steps.push({ topic: t, payload: '', records: [], forgets: [t] });
    return steps;
  }

  const current = new Set(p.entities.map((m) => m.topic));
  if (deviceKnown) steps.push({ topic: p.deviceTopic, payload: MIGRATE_DISCOVERY, records: [], forgets: [] });
  for (const m of p.entities) steps.push({ topic: m.topic, payload: JSON.stringify(m.payload), records: [m.topic], forgets: [] });
  if (deviceKnown || oldComponents.length > 0) steps.push(clearDevice(p.deviceTopic, oldComponents));
  for (const t of oldEntityTopics.filter((t) => !current.has(t))) steps.push({ topic: t, payload: '', records: [], forgets: [t] });
  return steps;
}

/** An empty device config: Home Assistant removes every component it had from it. */
function clearDevice(deviceTopic: string, components: readonly string[]): DiscoveryStep {
  return { topic: deviceTopic, payload: '', records: [], forgets: [deviceTopic, ...components] };
}
