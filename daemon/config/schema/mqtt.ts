import { Type } from '@sinclair/typebox';

const NullablePath = (description: string) => Type.Union([Type.String({ minLength: 1 }), Type.Null()], { default: null, description });

export const MqttSection = Type.Object(
  {
    enabled: Type.Boolean({ default: true, description: 'Publish events and accept commands over MQTT.' }),
    url: Type.Union([Type.String({ pattern: '^(mqtts?|wss?)://' }), Type.Null()], {
      default: null,
      description: 'null: start an embedded broker on 127.0.0.1 so facegate runs out of the box.',
    }),
    embedded_port: Type.Integer({
      minimum: 0,
      maximum: 65535,
      default: 1883,
      description: 'Port of the embedded broker (only when url is null; 0 picks a free one); it listens on 127.0.0.1 only.',
    }),
    base_topic: Type.String({
      pattern: '^[^#+/][^#+]*$',
      default: 'facegate',
      description: 'Topics are <base_topic>/<door>/event, /state, /availability, /lock/set.',
    }),
    username: Type.Union([Type.String(), Type.Null()], { default: null, description: 'Broker user name.' }),
    password: Type.Union([Type.String(), Type.Null()], { default: null, description: 'Better given as the systemd credential mqtt.password.' }),
    client_id: Type.Union([Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), Type.Null()], {
      default: null,
      description: 'null: facegate-<hostname>.',
    }),
    keepalive_s: Type.Integer({
      minimum: 5,
      maximum: 3600,
      default: 30,
      description: 'MQTT keepalive; the broker sends the last will after 1.5 times this without traffic.',
    }),
    reconnect_s: Type.Integer({ minimum: 1, maximum: 300, default: 5, description: 'Wait between reconnection attempts.' }),
    qos: Type.Union([Type.Literal(0), Type.Literal(1), Type.Literal(2)], {
      default: 1,
      description: 'QoS of events. 1 or 2: an event leaves the outbox only when the broker acknowledged it.',
    }),
    tls: Type.Object(
      {
        ca_file: NullablePath('PEM CA bundle to verify the broker (mqtts:// or wss://). null: the system CAs.'),
        cert_file: NullablePath('PEM client certificate, when the broker wants one.'),
        key_file: NullablePath('PEM private key of cert_file.'),
        reject_unauthorized: Type.Boolean({ default: true, description: 'Refuse a broker whose certificate does not verify. Turn off only to test.' }),
      },
      { additionalProperties: false, default: {} },
    ),
    outbox_max: Type.Integer({
      minimum: 10,
      maximum: 1_000_000,
      default: 10000,
      description: 'Events kept while the broker is away; when full the oldest is dropped (and counted in the log).',
    }),
    publish_attributes: Type.Boolean({
      default: false,
      description: 'Include facial attributes (emotion, age band, gender) in events, when vision computes them. Off: always null.',
    }),
    metrics_interval_s: Type.Integer({
      minimum: 5,
      maximum: 3600,
      default: 30,
      description: 'How often camera fps, board temperature and CPU load are published.',
    }),
    discovery: Type.Object(
      {
        enabled: Type.Boolean({ default: true, description: 'Publish Home Assistant MQTT discovery configs.' }),
        prefix: Type.String({
          pattern: '^[A-Za-z0-9_-]+$',
          default: 'homeassistant',
          description: 'Home Assistant discovery prefix; its birth message is <prefix>/status.',
        }),
        node_id: Type.Union([Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), Type.Null()], {
          default: null,
          description: 'Names this facegate in discovery topics and unique ids. null: the host name.',
        }),
        mode: Type.Union([Type.Literal('device'), Type.Literal('entity')], {
          default: 'device',
          description:
            'device: one retained config for the whole facegate (Home Assistant 2024.12 and later); entity: one config per entity, for older Home Assistant. A change hands the entities over (migrate_discovery), so HA keeps their names and areas.',
        }),
        configuration_url: Type.Union([Type.String({ pattern: '^https?://[^\\s]+$' }), Type.Null()], {
          default: null,
          description:
            "The admin panel's address as Home Assistant should link it (Visit device). null: made from admin.host and admin.port (the host name when listening on every address); none when the admin API is off.",
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    commands: Type.Object(
      {
        enabled: Type.Boolean({ default: true, description: 'Accept commands (lock, lockdown, hold, republish discovery).' }),
        unlock: Type.Boolean({
          default: false,
          description: 'Allow UNLOCK/OPEN, holding the door unlocked and lifting a lockdown over MQTT. Off: anyone on the broker can only lock.',
        }),
        require_signature: Type.Boolean({
          default: true,
          description: 'Unlocking commands must be HMAC-SHA256 signed with hmac_secret, with a fresh timestamp and a nonce never used before.',
        }),
        hmac_secret: Type.Union([Type.String({ minLength: 16 }), Type.Null()], {
          default: null,
          description: 'Shared secret for signed commands (16+ characters). Better given as the systemd credential mqtt.commands.hmac_secret.',
        }),
        trusted_user: Type.Union([Type.String({ pattern: '^[A-Za-z0-9_.@-]{1,64}$' }), Type.Null()], {
          default: null,
          description:
            "A broker user whose commands are taken without a signature, on <base>/<door>/<command>/set/<user> (Home Assistant's user: HA cannot sign). Only safe when the broker's ACL lets that user alone publish there (docs/mqtt.md): anyone who can, or who has that user's password, opens the door when unlock is on. null: off.",
        }),
        replay_window_s: Type.Integer({
          minimum: 5,
          maximum: 600,
          default: 30,
          description: 'A signed command older (or newer) than this many seconds is refused.',
        }),
        max_payload_bytes: Type.Integer({
          minimum: 64,
          maximum: 65536,
          default: 1024,
          description: 'Bigger command payloads are ignored with a command_rejected event.',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);
