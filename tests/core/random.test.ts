/**
 * bernoulliFill (src/core/random.ts), the dropout mask's bulk draw: the same draws as randomFloat() called per
 * element, so a seeded run masks alike whichever way it draws, and the generator continues where the calls would.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bernoulliFill, bernoulliFillFrom, randomFloat, reserveDraws, setSeed } from '../../src/core/random.js';

describe('bernoulliFill', () => {
  for (const p of [0, 0.25, 0.5, 0.9, 1]) {
    it(`with p = ${p}: randomFloat() < p per element, then the same next draw`, () => {
      setSeed(42);
      const expected = Float32Array.from({ length: 1001 }, () => (randomFloat() < p ? 2.5 : 0));
      const nextAfterCalls = randomFloat();
      setSeed(42);
      const got = bernoulliFill(new Float32Array(1001), p, 2.5);
      assert.deepEqual(got, expected);
      assert.equal(randomFloat(), nextAfterCalls);
    });
  }

  it('reserveDraws hands out the state the next n draws start from and skips them', () => {
    setSeed(5);
    const from = reserveDraws(1000);
    const next = randomFloat();
    setSeed(5);
    const calls = Float32Array.from({ length: 1000 }, () => (randomFloat() < 0.7 ? 1 : 0));
    assert.equal(randomFloat(), next, 'the generator continues after the reserved draws');
    assert.deepEqual(bernoulliFillFrom(new Float32Array(1000), from, 0.7, 1), calls, 'the reserved draws');
  });

  it('keeps about p of the elements', () => {
    setSeed(7);
    const mask = bernoulliFill(new Float32Array(100_000), 0.3, 1);
    const kept = mask.reduce((s, v) => s + v, 0) / mask.length;
    assert.ok(Math.abs(kept - 0.3) < 0.01, `kept ${kept}`);
  });
});
