import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { adminPanelUrl } from '../../../daemon/admin/index.ts';

type Admin = Parameters<typeof adminPanelUrl>[0];
const admin = (over: Partial<Admin>): Admin =>
  ({ host: '127.0.0.1', port: 8080, tls_cert_file: null, tls_key_file: null, allow_plain_http_on_lan: false, ...over }) as Admin;

test('the panel URL Home Assistant links follows the transport the admin server will choose', () => {
  assert.equal(adminPanelUrl(admin({})), 'http://127.0.0.1:8080/', 'plain HTTP on loopback');
  assert.equal(adminPanelUrl(admin({ host: '192.168.1.20', port: 8443 })), 'https://192.168.1.20:8443/', 'a LAN address gets HTTPS (self-signed)');
  assert.equal(adminPanelUrl(admin({ host: '192.168.1.20', allow_plain_http_on_lan: true })), 'http://192.168.1.20:8080/');
  assert.equal(
    adminPanelUrl(admin({ host: '127.0.0.1', tls_cert_file: '/c.pem', tls_key_file: '/k.pem' })),
    'https://127.0.0.1:8080/',
    'a configured certificate is HTTPS even on loopback',
  );
  assert.equal(adminPanelUrl(admin({ host: '0.0.0.0', port: 8443 })), `https://${hostname()}:8443/`, 'every address: the host name');
  assert.equal(adminPanelUrl(admin({ host: 'fd00::5', port: 8443 })), 'https://[fd00::5]:8443/');
  assert.equal(adminPanelUrl(admin({ port: 0 })), null, 'a port picked at start is not known yet');
});
