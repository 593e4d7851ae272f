/** The kinds of source a camera can be, as in the config's camera.source (without auto/none). */
export type SourceKind = 'libcamera' | 'v4l2' | 'rtsp' | 'http' | 'gstreamer' | 'replay';

export interface SourceExit {
  /** Why it stopped, one line for logs, status and the camera_lost event. */
  reason: string;
  /** True when the source finished on purpose (a replay that does not loop): do not restart. */
  ended: boolean;
}

export interface SourceHandlers {
  /** Bytes of an MJPEG stream: concatenated JPEGs, possibly with junk between them. */
  data(chunk: Buffer): void;
  /** Called once per start(), when the source has stopped on its own or failed to start. */
  exit(info: SourceExit): void;
}

/**
 * One camera input. start() may be called again after exit or stop (that is a restart);
 * stop() ends it without calling exit; kill() ends a hung source at once, and exit follows.
 */
export interface FrameSource {
  readonly kind: SourceKind;
  /** Stable id carried by every frame, e.g. "v4l2:/dev/video0"; never holds credentials. */
  readonly id: string;
  start(handlers: SourceHandlers): void;
  kill(reason: string): void;
  stop(): Promise<void>;
}
