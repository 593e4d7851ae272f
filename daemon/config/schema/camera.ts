import { Type } from '@sinclair/typebox';

export const CameraSection = Type.Object(
  {
    source: Type.Union(
      [Type.Literal('auto'), Type.Literal('libcamera'), Type.Literal('v4l2'), Type.Literal('rtsp'), Type.Literal('http'), Type.Literal('gstreamer'), Type.Literal('replay'), Type.Literal('none')],
      { default: 'auto', description: 'auto picks what the board has; none runs without a camera.' },
    ),
    door: Type.String({ minLength: 1, default: 'front', description: 'The door this camera watches.' }),
    width: Type.Integer({ minimum: 64, maximum: 4096, default: 640 }),
    height: Type.Integer({ minimum: 48, maximum: 3072, default: 480 }),
    fps: Type.Number({ exclusiveMinimum: 0, maximum: 120, default: 10 }),
  },
  { additionalProperties: false, default: {} },
);
