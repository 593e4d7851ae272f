// The PAD self-test's API shapes (kept apart from schemas.ts: one feature, one file).
import { Type, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Rate = Nullable(Type.Number({ minimum: 0, maximum: 1 }));
const Count = Type.Integer({ minimum: 0 });
const Level = Type.Union([Type.Literal('convenience'), Type.Literal('balanced'), Type.Literal('strict')]);
export const AttackName = Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$', description: 'An attack type, e.g. print or screen (not "live").' });

const Counts = Type.Object(
  { frames: Count, judged: Count, unjudged: Count, no_face: Count },
  { additionalProperties: false, description: 'Frames with a face (judged or not) and analysed frames without one.' },
);
const AttackFigures = Type.Object(
  { apcer: Rate, accepted: Count, frames: Count, unjudged: Count },
  { additionalProperties: false, description: 'APCER = accepted / frames (a frame not judged is not accepted); null without frames.' },
);
const LevelFigures = Type.Object(
  {
    threshold: Type.Number({ description: 'Raw P(live) at or above which a face is live at this level.' }),
    bpcer: Rate,
    live_rejected: Count,
    live_unjudged: Count,
    attacks_accepted: Count,
    apcer: Type.Record(Type.String(), AttackFigures),
  },
  { additionalProperties: false, description: 'BPCER = (live_rejected + live_unjudged) / live frames.' },
);
const Report = Type.Object(
  {
    attacks: Type.Array(Type.String()),
    recommended_level: Nullable(Level),
    warnings: Type.Array(Type.String()),
    min_judged_frames: Count,
    phases: Type.Record(Type.String(), Counts),
    levels: Type.Record(Type.String(), LevelFigures),
  },
  { additionalProperties: false },
);

const SelftestAdaptationSchema = Type.Object(
  {
    status: Type.Union(['collecting', 'fitting', 'proposed', 'refused', 'failed', 'cancelled'].map((s) => Type.Literal(s))),
    people: Count,
    error: Nullable(Type.String()),
    level: Nullable(Level),
    reasons: Type.Array(Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false })),
    fit_ms: Nullable(Count),
    before: Nullable(Report),
    after: Nullable(Report),
  },
  {
    additionalProperties: false,
    description:
      "The door's own PAD model fitted from this run: the figures before (shipped) and after (cross-validated across the people), never its weights.",
  },
);

export const SelftestViewSchema = Type.Object(
  {
    id: Type.String(),
    status: Type.Union([Type.Literal('waiting'), Type.Literal('collecting'), Type.Literal('done'), Type.Literal('cancelled')]),
    phases: Type.Array(Type.String()),
    phase_index: Count,
    phase: Nullable(Type.String()),
    prompt: Nullable(Type.String()),
    person: Nullable(Type.Integer({ minimum: 1, description: 'Who presents this phase (adapting runs: person 1, 2 …).' })),
    seconds: Type.Number(),
    remaining_ms: Nullable(Type.Number()),
    configured_level: Level,
    started_at: Type.String({ format: 'date-time' }),
    counts: Type.Record(Type.String(), Counts),
    report: Nullable(Report),
    adaptation: Nullable(SelftestAdaptationSchema),
  },
  { additionalProperties: false },
);

export const SelftestStartBody = Type.Object(
  {
    seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, description: 'Length of each phase (default 5).' })),
    attacks: Type.Optional(
      Type.Array(AttackName, { minItems: 1, maxItems: 8, uniqueItems: true, description: 'Attack phases after the live one (default print, screen).' }),
    ),
    adapt_people: Type.Optional(
      Type.Integer({
        minimum: 2,
        maximum: 6,
        description: "Also fit this door's own PAD model: this many people present in turn, each live and then with a picture of their own face.",
      }),
    ),
  },
  { additionalProperties: false },
);

const Figures = Type.Object(
  { bpcer: Rate, apcer: Type.Record(Type.String(), Rate) },
  { additionalProperties: false, description: 'At the level the adaptation was checked at.' },
);

/** A door's PAD adaptation: whether the live check uses it, and the figures it was accepted on (never its weights). */
export const AdaptationViewSchema = Type.Object(
  {
    door: Type.String(),
    state: Type.Union([Type.Literal('none'), Type.Literal('active'), Type.Literal('stale'), Type.Literal('invalid')], {
      description: 'active: it judges the door; stale (other models or camera) or invalid (changed since accepted): kept, the shipped model judges.',
    }),
    problem: Nullable(Type.String()),
    sha256: Nullable(Type.String()),
    accepted_at: Nullable(Type.String({ format: 'date-time' })),
    accepted_by: Nullable(Type.String()),
    camera: Nullable(Type.String({ description: 'The camera the door had when the adaptation was accepted.' })),
    adaptation: Nullable(
      Type.Object(
        {
          created_at: Type.String(),
          camera: Type.String({ description: 'What the presentations came from.' }),
          level: Level,
          thresholds: Type.Record(Type.String(), Type.Number()),
          frames: Type.Record(Type.String(), Count),
          presenters: Count,
          before: Figures,
          after: Figures,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const AdaptationChangeSchema = Type.Object(
  { changed: Type.Boolean({ description: 'accept: an adaptation was replaced; remove: one was removed.' }), status: AdaptationViewSchema },
  { additionalProperties: false },
);

/** The file `facegate pad selftest --adapt --out FILE` wrote, as it is: the daemon checks it in full. */
export const AdaptationFileBody = Type.Object({ format: Type.Literal('facegate-pad-adaptation') }, { additionalProperties: true });
