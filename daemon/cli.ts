import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FacegateError, PACKAGE_ROOT, chooseLogFormat, logFormat, packageInfo } from './core/index.ts';
import { ConfigSchema, loadConfig } from './config/index.ts';
import { startDaemon } from './main.ts';
import { auditCommand, keysCommand, privacyCommand } from './cli/privacy.ts';

const pkg = packageInfo();

const HELP = `facegate ${pkg.version}: a face-verified door on a Raspberry Pi or a Jetson

Usage:
  facegate run [--config FILE] [--pretty]
                                      run the daemon (FACEGATE_CONFIG also names the file); logs are
                                      readable lines on a terminal or with --pretty, JSON lines
                                      otherwise (FACEGATE_LOG_FORMAT=json|pretty chooses)
  facegate config check FILE          validate a config file: prints "ok" or every error
  facegate config schema [OUT]        write the JSON schema (default config/schema.json)
  facegate audit verify [--json]      check the audit log's hash chain (exit 1 when broken)
  facegate audit list [--limit N]     the newest audit rows
  facegate keys rotate [--new-key F]  replace the device key; a running daemon follows it
  facegate keys status [--json]       device key id and source, person keys, key shares
  facegate enroll DIR --name NAME [--id ID] [--consent BASIS:METHOD:NOTICE] [--valid-until ISO] [--json]
                                      photos in a folder → one person (or more photos for --id), with a progress bar
  facegate osdp card set PERSON_ID --format wiegand26|wiegand34 --facility N --card N
                                      the card an access-control panel knows the person by (raw: --bits N --hex HEX)
  facegate osdp card show|clear PERSON_ID
  facegate osdp forget-key            forget the key a panel set with KEYSET (to pair again)
  facegate privacy export PERSON_ID [--out FILE]
                                      subject access: everything stored about one person, as JSON
  facegate vision check IMAGE [--json] one photo through the vision pipeline: faces, quality, timings
  facegate models quantize MODEL [--calibrate --data DIR] [--method minmax|percentile-P] [--pin]
                                      an ONNX model's int8 copy from its pinned float file and calibration
  facegate pad selftest [--seconds N] [--attacks print,screen] [--json]
                                      this door's camera shown live faces, then each attack: APCER/BPCER per level
  facegate pad selftest --images DIR [--json]
                                      the same on a folder in the eval:pad layout (images.csv: relpath,label[,attack])
  facegate --version | --help

Environment: FACEGATE_<SECTION>__<KEY>=value overrides a key (e.g. FACEGATE_MQTT__URL);
systemd credentials named <section>.<key> fill secrets (e.g. mqtt.password).`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  audit: (args) => Promise.resolve(auditCommand(args)),
  // Loaded on use: they run vision in this thread, and `facegate run` should not carry TensorFlow.js.
  enroll: async (args) => (await import('./cli/enroll.ts')).enrollCommand(args),
  keys: (args) => Promise.resolve(keysCommand(args)),
  models: async (args) => (await import('./cli/models.ts')).modelsCommand(args),
  osdp: async (args) => (await import('./cli/osdp.ts')).osdpCommand(args),
  pad: async (args) => (await import('./cli/pad.ts')).padCommand(args),
  privacy: (args) => Promise.resolve(privacyCommand(args)),
  vision: async (args) => (await import('./cli/vision.ts')).visionCommand(args),
  async run(args) {
    const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' }, pretty: { type: 'boolean' } }, strict: true });
    chooseLogFormat(values.pretty === true ? 'pretty' : logFormat());
    // Caught from before the start: READY=1 goes out during startDaemon(), and a SIGTERM that
    // follows it at once must still stop the daemon cleanly, not kill it past its exit handler.
    let early: NodeJS.Signals | null = null;
    let handle = (signal: NodeJS.Signals): void => {
      if (early) process.exit(1); // a second signal while starting: leave now (the door's exit handler relocks)
      early = signal;
    };
    const onSignal = (signal: NodeJS.Signals): void => handle(signal);
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    let daemon: Awaited<ReturnType<typeof startDaemon>>;
    try {
      daemon = await startDaemon({ configFile: values.config });
    } catch (err) {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      throw err;
    }
    return new Promise<number>((resolve) => {
      let signals = 0;
      handle = (signal) => {
        signals += 1;
        if (signals > 1) {
          daemon.log.warn({ signal }, 'second signal: exiting now');
          resolve(1);
          return;
        }
        // Never hang on stop: systemd would SIGKILL us anyway; leave first, with the lock output already safe.
        const force = setTimeout(() => resolve(1), 10_000);
        force.unref();
        void daemon.stop(signal).then(() => resolve(0));
      };
      if (early) handle(early);
    });
  },

  async config(args) {
    const [sub, file] = args;
    if (sub === 'check') {
      if (!file) throw new FacegateError('usage', 'usage: facegate config check FILE', { exitCode: 64 });
      loadConfig({ file, env: {} });
      console.log('ok');
      return 0;
    }
    if (sub === 'schema') {
      const out = file ?? join(PACKAGE_ROOT, 'config', 'schema.json');
      writeFileSync(out, `${JSON.stringify(ConfigSchema, null, 2)}\n`);
      console.log(`wrote ${out}`);
      return 0;
    }
    throw new FacegateError('usage', 'usage: facegate config check FILE | facegate config schema [OUT]', { exitCode: 64 });
  },
};

export async function cli(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v') {
    console.log(pkg.version);
    return 0;
  }
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    console.log(HELP);
    return first === undefined ? 64 : 0;
  }
  const command = commands[first];
  if (!command) {
    console.error(`facegate: unknown command "${first}"\n\n${HELP}`);
    return 64;
  }
  try {
    return await command(rest);
  } catch (err) {
    if (err instanceof FacegateError) {
      console.error(`facegate: ${err.message}`);
      return err.exitCode;
    }
    if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`facegate: ${(err as Error).message}`);
      return 64;
    }
    throw err;
  }
}
