import { Type } from '@sinclair/typebox';

const NullablePath = (description: string) => Type.Union([Type.String({ minLength: 1 }), Type.Null()], { default: null, description });

export const AdminSection = Type.Object(
  {
    enabled: Type.Boolean({ default: true, description: 'Serve the admin API and web panel.' }),
    host: Type.String({
      minLength: 1,
      default: '127.0.0.1',
      description: 'Address to listen on. Plain HTTP only on localhost unless allow_plain_http_on_lan; elsewhere HTTPS.',
    }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'TCP port (0 picks a free one).' }),
    tls_cert_file: NullablePath('PEM certificate for HTTPS. null: a self-signed one is made at first start when HTTPS is needed.'),
    tls_key_file: NullablePath('PEM private key matching tls_cert_file.'),
    allow_plain_http_on_lan: Type.Boolean({
      default: false,
      description: 'Serve plain HTTP on a non-loopback address. Passwords and cookies then cross the network in clear.',
    }),
    upload_limit_mb: Type.Number({ minimum: 1, maximum: 50, default: 10, description: 'Largest photo upload, in MB; bigger is refused with 413.' }),
    body_limit_kb: Type.Integer({ minimum: 1, maximum: 1024, default: 64, description: 'Largest JSON request body, in KB.' }),
    request_timeout_s: Type.Integer({
      minimum: 1,
      maximum: 3600,
      default: 30,
      description:
        'A request (headers and body) must arrive within this many seconds, else it gets 408 and its connection is closed; keep it above the slowest photo upload. The event stream is not a request still arriving and stays open.',
    }),
    idle_timeout_s: Type.Integer({
      minimum: 1,
      maximum: 3600,
      default: 60,
      description:
        'A connection with no traffic either way for this many seconds is closed (also one that never sends a request). Keep it above the 5 s a camera enrollment may wait for a face; the event stream sends a heartbeat three times as often.',
    }),
    rate_limit_per_min: Type.Integer({ minimum: 10, maximum: 100000, default: 600, description: 'Requests per minute per client, all API routes together.' }),
    login_failures_per_client: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 10,
      description: 'Failed sign-ins (or setup codes) per client address within login_window_min before it must wait.',
    }),
    login_failures_per_account: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 5,
      description: 'Failed sign-ins per account within login_window_min before it must wait.',
    }),
    login_window_min: Type.Integer({ minimum: 1, maximum: 1440, default: 15, description: 'Window for counting failed sign-ins, in minutes.' }),
    session_lifetime_h: Type.Number({ minimum: 0.1, maximum: 720, default: 12, description: 'A session ends this many hours after sign-in.' }),
    preview: Type.Object(
      {
        fps: Type.Number({
          minimum: 0.2,
          maximum: 2,
          default: 2,
          description: 'Frames per second at most of the camera framing preview (admin only, never stored).',
        }),
        max_viewers: Type.Integer({ minimum: 1, maximum: 4, default: 2, description: 'Framing previews open at once at most; one more gets 409.' }),
        max_session_s: Type.Integer({
          minimum: 10,
          maximum: 1800,
          default: 300,
          description: 'A framing preview ends after this many seconds, so a forgotten tab does not watch the camera forever.',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);
