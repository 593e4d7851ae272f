import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { EVENT_TYPES } from './deps.ts';

/** Every error the API returns: a stable machine code and one line for a person. */
export const ErrorBody = Type.Object(
  { error: Type.String({ description: 'Stable code, e.g. validation_failed.' }), message: Type.String() },
  { $id: 'Error', additionalProperties: false },
);
export type ErrorBody = Static<typeof ErrorBody>;

const errorRef = Type.Ref('Error');

/** Response schemas for a route: the success body plus the error shape for every 4xx/5xx. */
export function replies<S extends Record<number, TSchema>>(ok: S): S & { '4xx': typeof errorRef; '5xx': typeof errorRef } {
  return { ...ok, '4xx': errorRef, '5xx': errorRef };
}

export const Ok = Type.Object({ ok: Type.Boolean() }, { additionalProperties: false });

export const Id = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'Letters, digits, _ and -; at most 64.' });
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
export const DoorParams = Type.Object({ door: Type.String({ pattern: '^[a-z0-9_-]{1,32}$' }) }, { additionalProperties: false });

/** A name a person reads: 1–100 characters, not blank, no control characters. Unicode is welcome. */
export const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\p{Cc}]*[^\\p{Cc}\\s][^\\p{Cc}]*$' });
export const Username = Type.String({ pattern: '^[A-Za-z0-9._@-]{3,64}$', description: '3–64 of letters, digits, . _ @ -' });
export const Password = Type.String({ minLength: 10, maxLength: 256, description: 'At least 10 characters.' });
export const Role = Type.Union([Type.Literal('admin'), Type.Literal('viewer')]);
const IsoTime = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
/** Request-side nullable: `type: [..., "null"]` instead of anyOf, so a bad value gets one clear error line. */
const OrNull = <T extends TSchema>(t: T) => Type.Unsafe<Static<T> | null>({ ...t, type: [(t as unknown as { type: string }).type, 'null'] });

// --- auth ---

export const Me = Type.Object(
  { kind: Type.Union([Type.Literal('session'), Type.Literal('token')]), name: Type.String(), role: Role, csrf_token: Nullable(Type.String()) },
  { additionalProperties: false },
);
export const AuthState = Type.Object({ setup_required: Type.Boolean(), authenticated: Type.Boolean(), me: Nullable(Me) }, { additionalProperties: false });
export const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
export const SetupBody = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 64 }), username: Username, password: Password },
  { additionalProperties: false },
);
export const PasswordBody = Type.Object(
  { current_password: Type.String({ minLength: 1, maxLength: 256 }), new_password: Password },
  { additionalProperties: false },
);

// --- status ---

export const DoorStatusSchema = Type.Object(
  {
    door: Type.String(),
    lock: Type.Union([Type.Literal('locked'), Type.Literal('unlocked'), Type.Literal('jammed')]),
    position: Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('unknown')]),
    mode: Type.Union([Type.Literal('normal'), Type.Literal('held_unlocked'), Type.Literal('lockdown')]),
    alarm: Type.Union([Type.Literal('none'), Type.Literal('held_open'), Type.Literal('forced'), Type.Literal('tamper')]),
    held_unlocked_until: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export const Health = Type.Object(
  { status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]), version: Type.String(), uptime_s: Type.Number(), problems: Type.Array(Type.String()) },
  { additionalProperties: false },
);
/** What /api/health tells a caller who is not signed in: that the daemon answers, nothing more. */
export const PublicHealth = Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false });
export const Status = Type.Object(
  {
    version: Type.String(),
    uptime_s: Type.Number(),
    started_at: Type.String(),
    health: Health,
    vision: Nullable(Type.Object({ backend: Nullable(Type.String()), models: Type.Array(Type.String()), ready: Type.Boolean() })),
    camera: Nullable(Type.Object({ state: Type.String(), fps: Nullable(Type.Number()), dropped_frames: Nullable(Type.Number()) })),
    temperature_c: Nullable(Type.Number()),
    doors: Type.Array(DoorStatusSchema),
  },
  { additionalProperties: false },
);

// --- people ---

const HHMM = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });
const Weekday = Type.Union([
  Type.Literal('mon'),
  Type.Literal('tue'),
  Type.Literal('wed'),
  Type.Literal('thu'),
  Type.Literal('fri'),
  Type.Literal('sat'),
  Type.Literal('sun'),
]);
/** Weekly windows in the schedule's IANA time zone; a window whose `to` is before `from` runs past midnight. */
const WeeklyScheduleSchema = Type.Object(
  {
    timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA zone, e.g. Europe/Paris' }),
    windows: Type.Array(
      Type.Object({ days: Type.Array(Weekday, { minItems: 1, maxItems: 7, uniqueItems: true }), from: HHMM, to: HHMM }, { additionalProperties: false }),
      { minItems: 1, maxItems: 28 },
    ),
  },
  { additionalProperties: false },
);
export const Schedule = Nullable(WeeklyScheduleSchema);
const ScheduleInput = OrNull(WeeklyScheduleSchema);
export const PersonSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    valid_from: Nullable(Type.String()),
    valid_until: Nullable(Type.String()),
    schedule: Schedule,
    templates: Type.Integer(),
    created_at: Type.String(),
  },
  { additionalProperties: false },
);
export const NewPersonBody = Type.Object(
  { name: Name, valid_from: Type.Optional(OrNull(IsoTime)), valid_until: Type.Optional(OrNull(IsoTime)), schedule: Type.Optional(ScheduleInput) },
  { additionalProperties: false },
);
export const PatchPersonBody = Type.Object(
  {
    name: Type.Optional(Name),
    valid_from: Type.Optional(OrNull(IsoTime)),
    valid_until: Type.Optional(OrNull(IsoTime)),
    schedule: Type.Optional(ScheduleInput),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const Verdict = Type.Object(
  {
    ok: Type.Boolean(),
    reasons: Type.Array(Type.String()),
    box: Nullable(Type.Object({ x: Type.Number(), y: Type.Number(), width: Type.Number(), height: Type.Number() })),
    image_width: Type.Integer(),
    image_height: Type.Integer(),
  },
  { additionalProperties: false },
);
export const TemplateReply = Type.Object(
  {
    results: Type.Array(
      Type.Object(
        { file: Nullable(Type.String()), added: Type.Boolean(), verdict: Verdict, preview_jpeg_base64: Nullable(Type.String()) },
        { additionalProperties: false },
      ),
    ),
    templates: Type.Integer(),
  },
  { additionalProperties: false },
);

// --- events ---

export const EventSchema = Type.Object(
  {
    v: Type.Literal(1),
    id: Type.String(),
    ts: Type.String(),
    door: Type.String(),
    type: Type.String(),
    subject: Nullable(Type.String()),
    score: Nullable(Type.Number()),
    liveness: Nullable(Type.Number()),
    reason: Nullable(Type.String()),
    attributes: Nullable(Type.Object({ emotion: Type.Optional(Type.String()), age_band: Type.Optional(Type.String()), gender: Type.Optional(Type.String()) })),
  },
  { additionalProperties: false },
);
export const EventsQuery = Type.Object(
  {
    from: Type.Optional(IsoTime),
    to: Type.Optional(IsoTime),
    type: Type.Optional(Type.Union(EVENT_TYPES.map((t) => Type.Literal(t)))),
    door: Type.Optional(Type.String({ pattern: '^[a-z0-9_-]{1,32}$' })),
    before: Type.Optional(Type.Integer({ minimum: 1 })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  },
  { additionalProperties: false },
);
export const EventsPage = Type.Object(
  { events: Type.Array(Type.Object({ seq: Type.Integer(), event: EventSchema }, { additionalProperties: false })), next_before: Nullable(Type.Integer()) },
  { additionalProperties: false },
);

// --- door ---

export const HoldBody = Type.Object({ until: OrNull(IsoTime) }, { additionalProperties: false });
export const LockdownBody = Type.Object({ on: Type.Boolean() }, { additionalProperties: false });
export const DoorCommandReply = Type.Object({ accepted: Type.Boolean(), status: Nullable(DoorStatusSchema) }, { additionalProperties: false });

// --- users, tokens, audit ---

export const UserSchema = Type.Object(
  { id: Type.String(), username: Type.String(), role: Role, created_at: Type.String(), revoked_at: Nullable(Type.String()) },
  { additionalProperties: false },
);
export const NewUserBody = Type.Object({ username: Username, password: Password, role: Role }, { additionalProperties: false });
export const TokenSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    role: Role,
    created_by: Type.String(),
    created_at: Type.String(),
    last_used_at: Nullable(Type.String()),
    revoked_at: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export const NewTokenBody = Type.Object({ name: Name, role: Role }, { additionalProperties: false });
export const NewTokenReply = Type.Object(
  { token: Type.String({ description: 'Shown once; only its hash is kept.' }), info: TokenSchema },
  { additionalProperties: false },
);
export const AuditQuery = Type.Object(
  {
    before: Type.Optional(Type.Integer({ minimum: 1 })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    action: Type.Optional(Type.String({ pattern: '^[a-z_.]{1,64}$' })),
  },
  { additionalProperties: false },
);
export const AuditPage = Type.Object(
  {
    entries: Type.Array(
      Type.Object(
        {
          seq: Type.Integer(),
          ts: Type.String(),
          actor: Type.String(),
          action: Type.String(),
          target: Nullable(Type.String()),
          detail: Nullable(Type.Record(Type.String(), Type.Unknown())),
        },
        { additionalProperties: false },
      ),
    ),
    next_before: Nullable(Type.Integer()),
  },
  { additionalProperties: false },
);
