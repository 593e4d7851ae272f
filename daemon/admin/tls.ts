import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { FacegateError, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, restrictMode, type Config, type Logger } from './deps.ts';

export interface Transport {
  /** null: plain HTTP. */
  https: { cert: Buffer; key: Buffer } | null;
  /** Where the certificate came from, for the log. */
  source: 'configured' | 'self-signed' | 'plain-localhost' | 'plain-lan';
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);
export const isLoopback = (host: string): boolean => LOOPBACK.has(host) || host.startsWith('127.');

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new FacegateError('admin_tls', `admin.${what}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { exitCode: 78 });
  }
}

/** Makes (once) a self-signed P-256 certificate under <data_dir>/tls with the openssl CLI. */
export function selfSignedCertificate(dataDir: string, host: string, log: Logger): { cert: Buffer; key: Buffer } {
  const dir = join(dataDir, 'tls');
  const certFile = join(dir, 'admin-cert.pem');
  const keyFile = join(dir, 'admin-key.pem');
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const names = new Set(['DNS:localhost', 'IP:127.0.0.1', `DNS:${hostname()}`, `DNS:${hostname()}.local`]);
    if (isIP(host)) names.add(`IP:${host}`);
    else if (host !== '0.0.0.0' && host !== '::') names.add(`DNS:${host}`);
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          keyFile,
          '-out',
          certFile,
          '-days',
          '825',
          '-subj',
          '/CN=facegate',
          '-addext',
          `subjectAltName=${[...names].join(',')}`,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
    } catch (err) {
      throw new FacegateError('admin_tls', `admin: could not make a self-signed certificate with openssl: ${(err as Error).message}`, { exitCode: 78 });
    }
    chmodSync(keyFile, 0o600);
    log.warn({ certFile }, 'admin: made a self-signed certificate; browsers will warn until you trust it or configure admin.tls_cert_file');
  }
  // At every start, not only when made: a restored or copied key may have come back readable.
  for (const fix of [restrictMode(dir, PRIVATE_DIR_MODE), restrictMode(keyFile, PRIVATE_FILE_MODE)]) {
    if (fix) log.warn(fix, `admin: ${fix.path} was open to group/others (mode ${fix.was}); set to ${fix.now}`);
  }
  return { cert: readFileSync(certFile), key: readFileSync(keyFile) };
}

/**
 * HTTPS with the configured certificate; else plain HTTP on loopback; else plain HTTP only if the
 * operator said so; else a self-signed certificate made at first start.
 */
export function chooseTransport(admin: Config['admin'], dataDir: string, log: Logger): Transport {
  if (admin.tls_cert_file || admin.tls_key_file) {
    if (!admin.tls_cert_file || !admin.tls_key_file) {
      throw new FacegateError('admin_tls', 'admin: tls_cert_file and tls_key_file must be given together', { exitCode: 78 });
    }
    return { https: { cert: readPem(admin.tls_cert_file, 'tls_cert_file'), key: readPem(admin.tls_key_file, 'tls_key_file') }, source: 'configured' };
  }
  if (isLoopback(admin.host)) return { https: null, source: 'plain-localhost' };
  if (admin.allow_plain_http_on_lan) {
    log.warn({ host: admin.host }, 'admin: plain HTTP on a network address (allow_plain_http_on_lan): passwords cross the network in clear');
    return { https: null, source: 'plain-lan' };
  }
  return { https: selfSignedCertificate(dataDir, admin.host, log), source: 'self-signed' };
}

/**
 * Where a browser on the network finds the panel, by the same rules as chooseTransport (HTTPS
 * unless plain HTTP is allowed there). Listening on every address: the host name. null when the
 * port is picked at start (0), so not known yet.
 */
export function adminPanelUrl(admin: Config['admin']): string | null {
  if (admin.port === 0) return null;
  const plain = !admin.tls_cert_file && (isLoopback(admin.host) || admin.allow_plain_http_on_lan);
  const anyAddress = admin.host === '0.0.0.0' || admin.host === '::';
  const host = anyAddress ? hostname() : isIP(admin.host) === 6 ? `[${admin.host}]` : admin.host;
  return `${plain ? 'http' : 'https'}://${host}:${admin.port}/`;
}
