// The int8 arithmetic of static quantization: symmetric per-channel weights, asymmetric uint8
// activations, int32 biases on the product scale (what onnxruntime's QLinearConv expects).

export interface ChannelQuantized {
  values: Int8Array;
  /** One scale per slice along `axis`: max |w| of the slice / 127. */
  scales: Float32Array;
}

/** Symmetric int8 per slice along `axis` of a tensor of `dims` (row-major); zero points are 0. */
export function quantizePerChannel(weights: Float32Array, dims: number[], axis: number): ChannelQuantized {
  const channels = dims[axis] ?? 1;
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number): number => Math.floor(i / inner) % channels;
  const maxAbs = new Float32Array(channels);
  for (let i = 0; i < weights.length; i++) {
    const c = channelOf(i);
    maxAbs[c] = Math.max(maxAbs[c]!, Math.abs(weights[i]!));
  }
  // An all-zero channel keeps scale 1 (any scale reproduces zeros; 0 would divide by zero).
  const scales = Float32Array.from(maxAbs, (m) => (m > 0 ? m / 127 : 1));
  const values = new Int8Array(weights.length);
  for (let i = 0; i < weights.length; i++) values[i] = clamp(Math.round(weights[i]! / scales[channelOf(i)]!), -127, 127);
  return { values, scales };
}

/** Bias for an int8 product: int32 at scale inputScale × weightScale[c], zero point 0. */
export function quantizeBias(bias: Float32Array, inputScale: number, weightScales: Float32Array): { values: Int32Array; scales: Float32Array } {
  const scales = Float32Array.from(weightScales, (s) => s * inputScale);
  const values = Int32Array.from(bias, (b, c) => clamp(Math.round(b / scales[c]!), -2147483647, 2147483647));
  return { values, scales };
}

export interface ActivationParams {
  scale: number;
  zeroPoint: number;
}

/**
 * uint8 scale and zero point of an activation range. The range is widened to hold 0, so that
 * zero (padding, ReLU's floor) is represented exactly, as the ONNX QDQ convention asks.
 */
export function activationParams(min: number, max: number): ActivationParams {
  const lo = Math.min(0, min);
  const hi = Math.max(0, max);
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  return { scale: Math.fround(scale), zeroPoint: clamp(Math.round(-lo / Math.fround(scale)) || 0, 0, 255) };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
