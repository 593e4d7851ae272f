import { Type } from '@sinclair/typebox';

export const VisionSection = Type.Object(
  {
    backend: Type.Union([Type.Literal('auto'), Type.Literal('tensorflow'), Type.Literal('wasm')], {
      default: 'auto',
      description: 'auto uses @tensorflow/tfjs-node when it loads, else WASM with SIMD.',
    }),
    attributes: Type.Object(
      {
        emotion: Type.Boolean({
          default: false,
          description: 'Off by default: emotion inference is banned in EU workplaces and schools (AI Act Art. 5(1)(f)). Never used for a decision.',
        }),
        age_gender: Type.Boolean({ default: false, description: 'Off by default. Never used for a decision.' }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);
