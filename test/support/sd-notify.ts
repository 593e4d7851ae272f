import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A NOTIFY_SOCKET as systemd gives a Type=notify service: a datagram socket whose messages are
 * appended to a file, one a line. Node has no AF_UNIX datagram sockets, so python3 holds it.
 */
export async function notifySocket(
  dir: string,
): Promise<{ path: string; messages: () => string; waitFor: (text: string, timeoutMs?: number) => Promise<void>; close: () => void }> {
  const path = join(dir, 'notify.sock');
  const out = join(dir, 'notify.txt');
  const receiver = spawn(
    'python3',
    [
      '-c',
      `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], 'a') as f:
    while True:
        f.write(s.recv(4096).decode().replace('\\n', ' ') + '\\n'); f.flush()
`,
      path,
      out,
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 50));
  const messages = (): string => (existsSync(out) ? readFileSync(out, 'utf8') : '');
  return {
    path,
    messages,
    async waitFor(text, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      while (!messages().includes(text)) {
        if (Date.now() > until) throw new Error(`no ${text} on the notify socket within ${timeoutMs} ms; got: ${messages()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close: () => {
      receiver.kill();
    },
  };
}
