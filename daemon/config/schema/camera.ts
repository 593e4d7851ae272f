import { Type } from '@sinclair/typebox';

const Fraction = (def: number, description: string) => Type.Number({ minimum: 0, maximum: 1, default: def, description });

const Libcamera = Type.Object(
  {
    camera: Type.Integer({ minimum: 0, maximum: 15, default: 0, description: 'Camera index as listed by `rpicam-hello --list-cameras`.' }),
    extra_args: Type.Array(Type.String({ maxLength: 200 }), {
      maxItems: 32,
      default: [],
      description: 'More rpicam-vid arguments, one per item (e.g. ["--hflip", "--rotation", "180"]). Never run through a shell.',
    }),
  },
  { additionalProperties: false, default: {}, description: 'Raspberry Pi CSI cameras through rpicam-vid (or the older libcamera-vid).' },
);

const V4l2 = Type.Object(
  {
    device: Type.String({ minLength: 1, default: 'auto', description: 'A /dev/videoN capture device; auto takes the first USB-style capture device.' }),
    input_format: Type.Union([Type.Literal('mjpeg'), Type.Literal('yuyv422'), Type.Literal('auto')], {
      default: 'mjpeg',
      description: 'What to ask the camera for. mjpeg is passed through without re-encoding (cheapest); others are encoded to MJPEG by ffmpeg.',
    }),
  },
  { additionalProperties: false, default: {}, description: 'USB webcams through ffmpeg.' },
);

const Network = Type.Object(
  {
    url: Type.Union([Type.String({ pattern: '^(rtsps?|https?)://' }), Type.Null()], {
      default: null,
      description: 'rtsp://… or http(s)://… (MJPEG over HTTP). May hold credentials: better given as the systemd credential camera.network.url.',
    }),
    rtsp_transport: Type.Union([Type.Literal('tcp'), Type.Literal('udp')], { default: 'tcp', description: 'tcp survives lossy Wi-Fi better.' }),
  },
  { additionalProperties: false, default: {}, description: 'IP cameras (sources rtsp and http) through ffmpeg.' },
);

const Gstreamer = Type.Object(
  {
    sensor_id: Type.Integer({ minimum: 0, maximum: 15, default: 0, description: 'nvarguscamerasrc sensor-id.' }),
    pipeline: Type.String({
      minLength: 1,
      maxLength: 2000,
      default:
        'nvarguscamerasrc sensor-id={sensor_id} ! video/x-raw(memory:NVMM),width={width},height={height},framerate={fps}/1 ! nvvidconv ! video/x-raw,format=I420 ! jpegenc quality=85 ! fdsink fd=1',
      description: 'gst-launch-1.0 pipeline; must write JPEG frames to stdout (fdsink fd=1). {width} {height} {fps} {sensor_id} are filled in.',
    }),
  },
  { additionalProperties: false, default: {}, description: 'Jetson CSI cameras through gst-launch-1.0.' },
);

const Replay = Type.Object(
  {
    path: Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
      default: null,
      description: 'A folder of images (played in name order) or a video file.',
    }),
    loop: Type.Boolean({ default: true, description: 'Start again at the end; when false the source ends after the last frame.' }),
  },
  { additionalProperties: false, default: {}, description: 'Files played at camera.fps, for demos, tests and benchmarks.' },
);

const Motion = Type.Object(
  {
    enabled: Type.Boolean({ default: true, description: 'When false every frame goes on to face detection.' }),
    sensitivity: Fraction(0.5, '0..1: higher reacts to smaller brightness changes per pixel.'),
    min_area: Fraction(0.005, 'Share of the region of interest that must change to count as motion.'),
    roi: Type.Object(
      {
        x: Fraction(0, 'Left edge, as a share of the frame width.'),
        y: Fraction(0, 'Top edge, as a share of the frame height.'),
        width: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 1, description: 'Share of the frame width.' }),
        height: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 1, description: 'Share of the frame height.' }),
      },
      { additionalProperties: false, default: {}, description: 'Region of interest: only changes inside it count.' },
    ),
    hold_s: Type.Number({ minimum: 0, maximum: 60, default: 1.5, description: 'Frames keep passing this long after the last motion.' }),
    keepalive_s: Type.Number({ exclusiveMinimum: 0, maximum: 3600, default: 2, description: 'With no motion, one frame passes every this many seconds.' }),
    idle_check_fps: Type.Number({
      exclusiveMinimum: 0,
      maximum: 120,
      default: 5,
      description: 'With no motion, frames are checked for motion at most this often; the others are not decoded. Once motion is seen every frame is used.',
    }),
  },
  { additionalProperties: false, default: {}, description: 'Decides on a small grayscale copy whether a frame goes on to face detection.' },
);

export const CameraSection = Type.Object(
  {
    source: Type.Union(
      [
        Type.Literal('auto'),
        Type.Literal('libcamera'),
        Type.Literal('v4l2'),
        Type.Literal('rtsp'),
        Type.Literal('http'),
        Type.Literal('gstreamer'),
        Type.Literal('replay'),
        Type.Literal('none'),
      ],
      { default: 'auto', description: 'auto picks what the board has; none runs without a camera.' },
    ),
    door: Type.String({ minLength: 1, default: 'front', description: 'The door this camera watches.' }),
    width: Type.Integer({ minimum: 64, maximum: 4096, default: 640, description: 'Analysis width: frames are decoded to fit inside width x height.' }),
    height: Type.Integer({ minimum: 48, maximum: 3072, default: 480, description: 'Analysis height.' }),
    fps: Type.Number({ exclusiveMinimum: 0, maximum: 120, default: 10, description: 'Frames per second asked of the source (and the replay rate).' }),
    stall_s: Type.Number({
      minimum: 0.1,
      maximum: 300,
      default: 10,
      description: 'A source that sends no frame for this long is restarted (the first frame after a start gets at least 5 s).',
    }),
    max_bad_frames: Type.Integer({ minimum: 1, maximum: 10000, default: 25, description: 'This many undecodable frames in a row restart the source.' }),
    backoff_initial_s: Type.Number({ minimum: 0.01, maximum: 60, default: 0.5, description: 'First restart delay; doubles per failed attempt.' }),
    backoff_max_s: Type.Number({ minimum: 0.01, maximum: 3600, default: 30, description: 'Longest restart delay.' }),
    max_frame_kb: Type.Integer({
      minimum: 16,
      maximum: 65536,
      default: 8192,
      description: 'A JPEG larger than this is garbage: dropped, and the stream resynchronised.',
    }),
    libcamera: Libcamera,
    v4l2: V4l2,
    network: Network,
    gstreamer: Gstreamer,
    replay: Replay,
    motion: Motion,
  },
  { additionalProperties: false, default: {} },
);
