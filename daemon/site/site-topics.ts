import { RID_BYTES } from './record-codec.ts';

export type RecordTopicKind = 'person' | 'tomb';
const RID_HEX = new RegExp(`^[0-9a-f]{${RID_BYTES * 2}}$`);

/** The retained topics of one site: `<base>/site/<site id hex>/person/<rid>` and `.../tomb/<rid>`. */
export class SiteTopics {
  readonly root: string;

  constructor(base: string, siteId: Buffer) {
    this.root = `${base.replace(/\/+$/, '')}/site/${siteId.toString('hex')}`;
  }

  person(rid: string): string {
    return `${this.root}/person/${rid}`;
  }
  tomb(rid: string): string {
    return `${this.root}/tomb/${rid}`;
  }
  /** The subscriptions that carry every record of the site. */
  filters(): string[] {
    return [`${this.root}/person/+`, `${this.root}/tomb/+`];
  }
  /** Which record a topic carries, or null for any other topic. */
  parse(topic: string): { kind: RecordTopicKind; rid: string } | null {
    if (!topic.startsWith(`${this.root}/`)) return null;
    const [kind, rid, ...rest] = topic.slice(this.root.length + 1).split('/');
    if (rest.length > 0 || (kind !== 'person' && kind !== 'tomb') || rid === undefined || !RID_HEX.test(rid)) return null;
    return { kind, rid };
  }
}
