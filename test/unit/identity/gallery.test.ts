import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gallery, normalized } from '../../../daemon/identity/index.ts';
// A seeded generator, so a failure can be replayed.
import { seededRandom } from '../../../scripts/lib/seeded-random.ts';

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

function randomUnit(rand: () => number, dim: number): Float32Array {
  return normalized(
    Array.from({ length: dim }, () => gaussian(rand)),
    dim,
  );
}

/** A probe near `base`: base plus noise, renormalized. */
function near(rand: () => number, base: Float32Array, noise: number): Float32Array {
  return normalized(
    Array.from(base, (v) => v + noise * gaussian(rand)),
    base.length,
  );
}

/** The reference: every template, float64 dot products, best per person. */
function bruteForce(templates: { person: string; v: Float32Array }[], probe: Float32Array): { person: string; score: number; second: number } {
  const best = new Map<string, number>();
  for (const t of templates) {
    let s = 0;
    for (let i = 0; i < probe.length; i++) s += (t.v[i] as number) * (probe[i] as number);
    best.set(t.person, Math.max(best.get(t.person) ?? -Infinity, s));
  }
  const sorted = [...best].sort((a, b) => b[1] - a[1]);
  return { person: sorted[0]![0], score: sorted[0]![1], second: sorted[1]?.[1] ?? -Infinity };
}

function build(rand: () => number, persons: number, perPerson: number, dim: number): { gallery: Gallery; templates: { person: string; v: Float32Array }[] } {
  const gallery = new Gallery(dim);
  const templates: { person: string; v: Float32Array }[] = [];
  for (let p = 0; p < persons; p++) {
    const centre = randomUnit(rand, dim);
    for (let t = 0; t < perPerson; t++) {
      const v = near(rand, centre, 0.03);
      templates.push({ person: `p${p}`, v });
      gallery.add(`p${p}`, `p${p}-t${t}`, v);
    }
  }
  return { gallery, templates };
}

void test('the quantized search finds the same best person and score as brute force', () => {
  const rand = seededRandom(1);
  const { gallery, templates } = build(rand, 1500, 3, 512);
  assert.equal(gallery.size, 4500);
  assert.equal(gallery.personCount, 1500);
  for (let i = 0; i < 60; i++) {
    // Half the probes are noisy views of an enrolled person, half are strangers.
    const probe = i % 2 === 0 ? near(rand, templates[Math.floor(rand() * templates.length)]!.v, 0.06) : randomUnit(rand, 512);
    const ref = bruteForce(templates, probe);
    const hit = gallery.search(probe);
    assert.equal(hit.personId, ref.person, `probe ${i}`);
    assert.ok(Math.abs(hit.score - ref.score) < 1e-5, `probe ${i}: score ${hit.score} vs ${ref.score}`);
    // The runner-up is exact when found, else an upper bound: never a smaller value than the truth.
    assert.ok(hit.secondScore >= ref.second - 1e-5, `probe ${i}: second ${hit.secondScore} < ${ref.second}`);
    assert.ok(hit.secondScore <= hit.score);
  }
});

void test('the runner-up is another person, not a second template of the best one', () => {
  const rand = seededRandom(2);
  const { gallery, templates } = build(rand, 400, 4, 128);
  const probe = near(rand, templates[0]!.v, 0.02);
  const hit = gallery.search(probe);
  const ref = bruteForce(templates, probe);
  assert.equal(hit.personId, 'p0');
  assert.notEqual(hit.secondPersonId, 'p0');
  assert.ok(Math.abs(hit.secondScore - ref.second) < 1e-5);
});

void test('odd dimensions are padded for the SIMD kernel and still exact', () => {
  const rand = seededRandom(3);
  const { gallery, templates } = build(rand, 300, 2, 130);
  for (let i = 0; i < 10; i++) {
    const probe = randomUnit(rand, 130);
    assert.equal(gallery.search(probe).personId, bruteForce(templates, probe).person);
  }
});

void test('removing templates and persons keeps the matrix contiguous and the answers right', () => {
  const rand = seededRandom(4);
  const { gallery, templates } = build(rand, 200, 3, 64);
  gallery.removePerson('p7');
  assert.equal(gallery.removeTemplate('p3-t0'), true);
  assert.equal(gallery.removeTemplate('p3-t0'), false);
  const left = templates.filter((t, i) => t.person !== 'p7' && !(t.person === 'p3' && i % 3 === 0));
  assert.equal(gallery.size, left.length);
  assert.equal(gallery.matrix.length, left.length * 64);
  assert.equal(gallery.hasPerson('p7'), false);
  // A probe right on p7's old template now matches someone else.
  const probe7 = templates.find((t) => t.person === 'p7')!.v;
  assert.notEqual(gallery.search(probe7).personId, 'p7');
  for (let i = 0; i < 20; i++) {
    const probe = near(rand, left[Math.floor(rand() * left.length)]!.v, 0.05);
    assert.equal(gallery.search(probe).personId, bruteForce(left, probe).person);
  }
  // Every live row is still unit length (the moved rows were copied whole).
  for (let r = 0; r < gallery.size; r++) {
    let s = 0;
    for (let i = 0; i < 64; i++) s += gallery.matrix[r * 64 + i]! ** 2;
    assert.ok(Math.abs(s - 1) < 1e-4);
  }
});

void test('stored rows are normalized copies, not the caller’s array', () => {
  const g = new Gallery(4);
  const v = new Float32Array([3, 0, 4, 0]);
  g.add('a', 't', v);
  v[0] = 100;
  assert.deepEqual(Array.from(g.matrix), [0.6000000238418579, 0, 0.800000011920929, 0]);
  const hit = g.search([3, 0, 4, 0]);
  assert.equal(hit.personId, 'a');
  assert.ok(Math.abs(hit.score - 1) < 1e-6);
  assert.equal(hit.score - hit.secondScore, 1, 'one person: margin 1');
});

void test('an empty gallery answers nobody; bad vectors are refused clearly', () => {
  const g = new Gallery(8);
  assert.equal(g.search(new Float32Array(8).fill(1)).personId, null);
  assert.throws(() => g.add('a', 't', new Float32Array(7)), /7 dimensions, the gallery holds 8/);
  assert.throws(() => g.add('a', 't', new Float32Array(8)), /zero or not a number/);
  assert.throws(() => g.search(new Float32Array(8).fill(Number.NaN)), /zero or not a number/);
  assert.equal(g.size, 0);
  g.add('a', 't', new Float32Array(8).fill(1));
  assert.throws(() => g.add('b', 't', new Float32Array(8).fill(1)), /already belongs to another person/);
});

void test('the checked-in kernel bytes are the compiled int8-dot.wat', async () => {
  const { compileKernel, OUT_FILE } = await import('../../../scripts/build-wasm.ts');
  const { readFileSync } = await import('node:fs');
  assert.equal(readFileSync(OUT_FILE, 'utf8'), await compileKernel(), 'run: node --import tsx scripts/build-wasm.ts');
});
