// Home Assistant renders MQTT value templates with Jinja2 (a sandboxed environment, the payload
// as `value` and its JSON as `value_json`); Debian's python3-jinja2 renders them the same way
// here, so a test sees the state string HA would compare with payload_on/off or 'None'.
import { execFileSync } from 'node:child_process';

const RENDER = `
import json, sys
from jinja2.sandbox import ImmutableSandboxedEnvironment
env = ImmutableSandboxedEnvironment()
out = []
for job in json.load(sys.stdin):
    value = job["payload"]
    try:
        value_json = json.loads(value)
    except ValueError:
        value_json = None
    out.append(env.from_string(job["template"]).render(value=value, value_json=value_json).strip())
print(json.dumps(out))
`;

/** Renders each template on its payload (the raw MQTT payload string); one python run for all. */
export function renderTemplates(jobs: { template: string; payload: string }[]): string[] {
  const out = execFileSync('/usr/bin/python3', ['-c', RENDER], { input: JSON.stringify(jobs), encoding: 'utf8' });
  return JSON.parse(out) as string[];
}
