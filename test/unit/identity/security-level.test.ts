import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir } from '../../support/tmp.ts';
import { DIM, face, identityVector, openHarness, photo } from '../../support/identity-harness.ts';

/** A unit probe whose cosine with `template` is exactly `cos` (the rest along an axis the template does not use). */
function probeAt(template: Float32Array, cos: number): Float32Array {
  const other = new Float32Array(DIM);
  other[20] = 1;
  return template.map((x, i) => cos * x + Math.sqrt(1 - cos * cos) * (other[i] ?? 0));
}

// The built-in thresholds (no thresholds file in the harness): far_1e-3 0.34, far_1e-4 0.41, far_1e-5 0.48.
void test('a new security level takes effect at the next match, without a restart; identity.match_threshold still wins', async () => {
  const h = openHarness(tempDir());
  try {
    const template = identityVector(0);
    await h.identity.enroll({ personId: 'ann', displayName: 'Ann', actor: 'test', photos: [{ name: 'a.jpg', bytes: photo([face({ embedding: template })]) }] });
    const probe = probeAt(template, 0.45);
    assert.equal(h.identity.match(probe).personId, 'ann', 'at the default far_1e-4 (0.41) a 0.45 match opens');
    assert.equal(h.identity.securityLevel, 'far_1e-4');
    h.identity.setSecurityLevel('far_1e-5');
    assert.equal(h.identity.levelThreshold, 0.48);
    assert.equal(h.identity.securityLevel, 'far_1e-5', 'the calibration report names the level in force');
    assert.equal(h.identity.match(probe).personId, null, 'at far_1e-5 (0.48) it no longer does');
    h.identity.setSecurityLevel('far_1e-3');
    assert.equal(h.identity.match(probe).personId, 'ann');
  } finally {
    h.close();
  }

  const fixed = openHarness(tempDir(), { match_threshold: 0.44 });
  try {
    fixed.identity.setSecurityLevel('far_1e-5');
    assert.equal(fixed.identity.levelThreshold, 0.44, 'an operator-set threshold overrides every level');
  } finally {
    fixed.close();
  }
});
