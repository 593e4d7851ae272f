import { parseArgs } from 'node:util';
import { FacegateError, systemClock } from '../core/index.ts';
import { PersonRepository } from '../identity/index.ts';
import { OsdpStore, type Credential } from '../osdp/index.ts';
import { withPrivacy } from './privacy.ts';

/** `facegate osdp card …`: a person's card credential for the access-control panel; `facegate osdp forget-key`. */

const USAGE = `facegate osdp card set PERSON_ID --format wiegand26|wiegand34 --facility N --card N
       facegate osdp card set PERSON_ID --format raw --bits N --hex HEX
       facegate osdp card show PERSON_ID | facegate osdp card clear PERSON_ID
       facegate osdp forget-key        forget the key a panel set with KEYSET (to pair again)`;
const usage = (why: string): FacegateError => new FacegateError('usage', `${why}\nusage: ${USAGE}`, { exitCode: 64 });

function whole(value: string | undefined, what: string): number {
  if (value === undefined || !/^\d+$/.test(value)) throw usage(`--${what} must be a whole number`);
  return Number(value);
}

function credentialOf(v: { format?: string; facility?: string; card?: string; bits?: string; hex?: string }): Credential {
  if (v.format === 'wiegand26' || v.format === 'wiegand34') return { format: v.format, facility: whole(v.facility, 'facility'), card: whole(v.card, 'card') };
  if (v.format === 'raw') return { format: 'raw', bits: whole(v.bits, 'bits'), hex: (v.hex ?? '').toLowerCase() };
  throw usage('--format must be wiegand26, wiegand34 or raw');
}

export function osdpCommand(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const [sub, ...afterSub] = args;
  // `card` takes an action before its options; `forget-key` none
  const action = sub === 'card' ? afterSub[0] : undefined;
  const { values, positionals } = parseArgs({
    args: sub === 'card' ? afterSub.slice(1) : afterSub,
    options: {
      config: { type: 'string', short: 'c' },
      format: { type: 'string' },
      facility: { type: 'string' },
      card: { type: 'string' },
      bits: { type: 'string' },
      hex: { type: 'string' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  return withPrivacy(values.config, env, ({ db, privacy }) => {
    const store = new OsdpStore({ db, persons: privacy.persons, deviceKey: privacy.keys.stableKey('osdp.scbk'), clock: systemClock });
    if (sub === 'forget-key' && positionals.length === 0) {
      const forgot = store.forgetScbk();
      privacy.audit.append({ actor: 'cli', action: 'osdp.key.forget', detail: { forgot } });
      console.log(
        forgot ? 'forgot the key the panel set; the configured osdp.scbk_secret (or install mode) applies at the next start' : 'no key from a panel was stored',
      );
      return 0;
    }
    if (sub !== 'card' || positionals.length !== 1) throw usage('');
    const personId = positionals[0]!;
    if (!new PersonRepository(db, privacy.persons).exists(personId))
      throw new FacegateError('person_not_found', `no enrolled person with id ${JSON.stringify(personId)}`, { exitCode: 66 });
    if (action === 'set') {
      store.setCredential(personId, credentialOf(values));
      privacy.audit.append({ actor: 'cli', action: 'osdp.credential.set', target: personId });
      console.log(`card credential of ${personId} set`);
      return 0;
    }
    if (action === 'clear') {
      store.setCredential(personId, null);
      privacy.audit.append({ actor: 'cli', action: 'osdp.credential.clear', target: personId });
      console.log(`card credential of ${personId} cleared`);
      return 0;
    }
    if (action === 'show') {
      const credential = store.credential(personId);
      console.log(values.json ? JSON.stringify(credential) : credential ? JSON.stringify(credential) : `${personId} has no card credential`);
      return 0;
    }
    throw usage(`unknown action ${JSON.stringify(action ?? '')}`);
  });
}
