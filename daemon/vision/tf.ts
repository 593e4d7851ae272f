// The slice of TensorFlow.js the vision worker uses: core ops and the graph-model loader. The
// @tensorflow/tfjs bundle adds layers, data and the CPU backend, ~45 MB of resident memory unused.
// Without that bundle tensors have no chained methods (t.squeeze()): call the ops (tf.squeeze(t)).
export * from '@tensorflow/tfjs-core';
export { loadGraphModel, GraphModel } from '@tensorflow/tfjs-converter';
