import { Type } from '@sinclair/typebox';
import { Count, Histogram, Nullable, Verdict } from './calibration-schema.ts';

// One person's figures (store/person-stats.ts) as the API sends them. The serializer drops any field
// not listed here: counts, times, scores and words, never the pseudonym they were read by.
const Ms = Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]);

export const PersonStatsQuery = Type.Object(
  { days: Type.Integer({ minimum: 1, maximum: 365, default: 30, description: 'How many days back from now.' }) },
  { additionalProperties: false },
);

export const PersonStatsSchema = Type.Object(
  {
    days: Type.Integer(),
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    threshold: Type.Number({ description: "The match threshold that applies to the person now (their own, or the security level's)." }),
    grants: Type.Object({ count: Count }, { additionalProperties: false }),
    decision_ms: Type.Object(
      {
        count: Count,
        p50: Ms,
        p90: Ms,
        max: Ms,
        bin_ms: Type.Integer({ minimum: 1 }),
        bins: Type.Array(Count, { description: 'Counts in bins of bin_ms from 0; the last also holds every slower one.' }),
      },
      { additionalProperties: false, description: 'Granted passages: first sight of the face to the unlock, in ms.' },
    ),
    refusals: Type.Object(
      {
        count: Count,
        reasons: Type.Array(Type.Object({ reason: Type.String(), count: Count }, { additionalProperties: false })),
        last: Type.Union([
          Type.Object(
            { ts: Type.String({ format: 'date-time' }), reason: Type.String(), text: Type.String({ description: 'The reason in plain words.' }) },
            { additionalProperties: false },
          ),
          Type.Null(),
        ]),
      },
      { additionalProperties: false, description: 'Refusals where the face was recognised as this person (a lockout or an unknown face names nobody).' },
    ),
    scores: Type.Object(
      {
        granted: Histogram({}),
        refused: Histogram({}),
        median_margin: Nullable(Type.Number({ description: 'Median of granted score minus the threshold now.' })),
        lowest: Nullable(Type.Number()),
      },
      { additionalProperties: false },
    ),
    enrollment: Verdict,
  },
  { additionalProperties: false },
);
