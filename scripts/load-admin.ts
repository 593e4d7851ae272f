// npm run load:admin -- [--connections 200] [--seconds 30] [--json]
// The admin API under load while the camera pipeline runs (see scripts/e2e/load.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runLoad } from './e2e/load.ts';

const { values } = parseArgs({
  options: { connections: { type: 'string', default: '200' }, seconds: { type: 'string', default: '30' }, json: { type: 'boolean', default: false } },
});
const connections = Number(values.connections),
  seconds = Number(values.seconds);
if (!Number.isInteger(connections) || connections < 1 || connections > 1000 || !(seconds > 0 && seconds <= 600)) {
  process.stderr.write('usage: node --import tsx scripts/load-admin.ts [--connections 1..1000] [--seconds 1..600] [--json]\n');
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'facegate-load-'));
try {
  const r = await runLoad({
    workDir: work,
    connections,
    seconds,
    log: (l) => {
      if (!values.json) process.stdout.write(`${l}\n`);
    },
  });
  if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else {
    process.stdout.write(
      `requests/s ${r.requestsPerS.toFixed(0)} (total ${r.total}), latency p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms; errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}\n`,
    );
    process.stdout.write(`decisions without load: ${JSON.stringify(r.decisionsBefore)}; during load: ${JSON.stringify(r.decisionsDuringLoad)}\n`);
    process.stdout.write(
      `face in view → unlock, ms: without load ${JSON.stringify(r.grantLatencyBeforeMs)}; during load ${JSON.stringify(r.grantLatencyDuringMs)}\n`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
