/** A door id usable in a topic; an event or status with any other is not published. */
export const DOOR_ID = /^[a-z0-9_-]{1,32}$/;

/** Every topic facegate uses, in one place, so publisher, discovery and commands agree. */
export class Topics {
  readonly base: string;
  readonly discoveryPrefix: string;

  constructor(base: string, discoveryPrefix: string) {
    this.base = base.replace(/\/+$/, '');
    this.discoveryPrefix = discoveryPrefix;
  }

  event(door: string): string {
    return `${this.base}/${door}/event`;
  }
  state(door: string): string {
    return `${this.base}/${door}/state`;
  }
  availability(door: string): string {
    return `${this.base}/${door}/availability`;
  }
  /** Retained: the last access decision (type, reason, time), for the "last decision" sensor. */
  decision(door: string): string {
    return `${this.base}/${door}/decision`;
  }
  /** Retained: whether the camera watching this door delivers frames ({"connected": bool}). */
  camera(door: string): string {
    return `${this.base}/${door}/camera`;
  }
  /** Retained: unknown faces and suspected spoofs at this door since the daemon started. */
  counts(door: string): string {
    return `${this.base}/${door}/counts`;
  }
  /**
   * A command topic: `<base>/<door>/<command>/set`, or with the trusted broker user's name after
   * it (commands.trusted_user), so the broker's ACL can give that topic to that user alone.
   */
  commandSet(door: string, command: 'lock' | 'lockdown' | 'hold', trustedUser: string | null = null): string {
    return `${this.base}/${door}/${command}/set${trustedUser === null ? '' : `/${trustedUser}`}`;
  }
  /** Retained: the site's access.security_level (the bare level, e.g. far_1e-4). */
  securityLevel(): string {
    return `${this.base}/bridge/security_level`;
  }
  /** Changing it: signed, or on the trusted broker user's own topic (see commandSet). */
  securityLevelSet(trustedUser: string | null = null): string {
    return `${this.base}/bridge/security_level/set${trustedUser === null ? '' : `/${trustedUser}`}`;
  }
  /** Retained board metrics of this facegate (camera fps, temperature, CPU). */
  metrics(): string {
    return `${this.base}/bridge/metrics`;
  }
  republishDiscovery(): string {
    return `${this.base}/bridge/discovery/set`;
  }
  /** Home Assistant's birth/last-will topic. */
  haStatus(): string {
    return `${this.discoveryPrefix}/status`;
  }
  discoveryConfig(component: string, node: string, object: string): string {
    return `${this.discoveryPrefix}/${component}/${node}/${object}/config`;
  }
  /** Device-based discovery: one config for the whole facegate. */
  discoveryDevice(node: string): string {
    return `${this.discoveryPrefix}/device/${node}/config`;
  }
  /** Subscriptions for every command this facegate understands (and the trusted user's, when there is one). */
  commandFilters(trustedUser: string | null = null): string[] {
    const commands = (['lock', 'lockdown', 'hold'] as const).map((c) => this.commandSet('+', c));
    const trusted = trustedUser === null ? [] : [`${this.base}/+/+/set/${trustedUser}`];
    return [...commands, this.securityLevelSet(), ...trusted, this.republishDiscovery()];
  }
}
