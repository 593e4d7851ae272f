// Calibration inputs for the embedder: the aligned crops the daemon itself would embed, made by
// the float pipeline (detector, mesh, alignment) from photos, then scaled into the model's planes.
import { readFileSync } from 'node:fs';
import type { Logger } from '../../core/index.ts';
import { alignFace } from '../align.ts';
import { decodeImage } from '../decode.ts';
import { meshAlignmentPoints } from '../mesh.ts';
import { toPlanes } from '../onnx-embedder.ts';
import { createVisionPipeline, type VisionConfig } from '../pipeline.ts';
import { entryOf, inputSize, readManifest, type Manifest } from '../registry.ts';
import type { CalibrationInput } from './calibrate.ts';

export interface FaceCrops {
  inputs: CalibrationInput[];
  /** Photos in which no face passed the quality filter (left out). */
  skipped: string[];
}

/** The embedder's input for the largest face of each photo that passes the quality filter. */
export async function embedderInputs(files: string[], vision: VisionConfig, log: Logger, manifest: Manifest = readManifest()): Promise<FaceCrops> {
  const entry = entryOf(vision.embedder.model, manifest);
  const pre = entry.preprocess;
  if (entry.format !== 'onnx' || !pre) throw new Error(`embedder ${vision.embedder.model} is not an ONNX model with preprocessing`);
  const size = inputSize(entry);
  const pipeline = await createVisionPipeline(vision, log, { manifest });
  const inputs: CalibrationInput[] = [];
  const skipped: string[] = [];
  try {
    for (const file of files) {
      const bytes = readFileSync(file);
      const res = await pipeline.analyzeImage(bytes);
      const face = res.faces.filter((f) => f.embedding).sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)[0];
      const points = face ? (face.mesh ? meshAlignmentPoints(face.mesh) : face.keypoints) : null;
      if (!points) {
        skipped.push(file);
        continue;
      }
      const { crop } = alignFace(await decodeImage(bytes), points, size, pre.zoom, false, pre.points);
      inputs.push({ data: toPlanes(crop, size * size, pre.pixels), dims: [1, 3, size, size] });
    }
  } finally {
    await pipeline.close();
  }
  return { inputs, skipped };
}
