export { createCamera } from './camera.ts';
export type { Camera, CameraMetrics, CameraOptions, CameraState, CameraStatus } from './camera.ts';
export type { CameraConfig } from './make-source.ts';
export type { FrameSource, SourceExit, SourceHandlers, SourceKind } from './source.ts';
export { MjpegSplitter } from './mjpeg-splitter.ts';
export { MotionGate } from './motion-gate.ts';
export { detectSource, systemProbe } from './detect.ts';
export type { BoardProbe, Detected } from './detect.ts';
