/**
 * MAP@k around modality switches: positions and buckets on hand-written modality sequences,
 * each expected number worked out by hand in the comments (exact arithmetic on dyadic
 * fractions, so toBe / toBeCloseTo at 15 digits).
 */
import { describe, expect, it } from 'vitest';
import { RecsysInputError } from '../../src/recsys/errors.js';
import { SWITCH_BUCKETS, mapBySwitchPosition, switchPositions } from '../../src/recsys/switchConditionedMap.js';

describe('switchPositions', () => {
  it('counts events since the regime start and the gap back to the last visit, per user', () => {
    // user 0: 0 0 1 1 0 2 2 2 ; user 1: 3 3 3 1 3 3 1 1
    const modality = Int32Array.from([0, 0, 1, 1, 0, 2, 2, 2, 3, 3, 3, 1, 3, 3, 1, 1]);
    const p = switchPositions(modality, 2, 8);
    // user 0: first regime e0-1 (-1); switch to 1 at e2 (first visit); back to 0 at e4, last 0 at e1: gap 3;
    // to 2 at e5 (first visit). User 1 starts afresh (its first regime -1), switch to 1 at e3 (first visit:
    // user 0's visits do not count), back to 3 at e4 (last 3 at e2: gap 2), to 1 at e6 (last 1 at e3: gap 3).
    expect([...p.sinceSwitch]).toEqual([-1, -1, 0, 1, 0, 0, 1, 2, -1, -1, -1, 0, 0, 1, 0, 1]);
    expect([...p.returnGap]).toEqual([-1, -1, -1, -1, 3, -1, -1, -1, -1, -1, -1, -1, 2, 2, 3, 3]);
  });

  it('refuses a modality array of the wrong size', () => {
    expect(() => switchPositions(new Int32Array(5), 2, 3)).toThrow(new RecsysInputError('switchPositions: modality has 5 events, expected users 2 x length 3'));
  });
});

describe('mapBySwitchPosition', () => {
  it('averages AP@k over the test targets of every bucket (hand-computed)', () => {
    // The doc example: modalities 0 0 1 1 0 0, event 0 is not a target (nothing precedes it).
    const p = switchPositions(Int32Array.from([0, 0, 1, 1, 0, 0]), 1, 6);
    const ap = Float64Array.from([Number.NaN, 0.5, 0, 1, 0.25, 0.5]);
    const m = mapBySwitchPosition(ap, Uint8Array.from([0, 1, 1, 1, 1, 1]), p, 3);
    expect(Object.keys(m)).toEqual([...SWITCH_BUCKETS]);
    expect(m.all).toEqual({ map: (0.5 + 0 + 1 + 0.25 + 0.5) / 5, targets: 5 });
    expect(m['switch event']).toEqual({ map: 0.125, targets: 2 }); // e2 (0), e4 (1/4)
    expect(m['1 after switch']).toEqual({ map: 0.75, targets: 2 }); // e3 (1), e5 (1/2)
    expect(m['5+ into regime']).toEqual({ map: 0.5, targets: 1 }); // e1, first regime
    expect(m['first visit']).toEqual({ map: 1, targets: 1 }); // e3
    expect(m['return, long gap']).toEqual({ map: 0.5, targets: 1 }); // e5: gap 4 - 1 = 3 >= 3
    expect(m['return, short gap'].targets).toBe(0);
    expect(m['return, short gap'].map).toBeNaN();
    expect(m['2-4 after switch'].targets).toBe(0);
    // With longGap 4 the same return counts as short.
    expect(mapBySwitchPosition(ap, Uint8Array.from([0, 1, 1, 1, 1, 1]), p, 4)['return, short gap']).toEqual({ map: 0.5, targets: 1 });
  });

  it('counts only test targets, and puts 2-4 and 5+ where they belong', () => {
    // one user: 1 for 2 events, then 0 for 7: positions -1 -1 0 1 2 3 4 5 6
    const p = switchPositions(Int32Array.from([1, 1, 0, 0, 0, 0, 0, 0, 0]), 1, 9);
    const ap = Float64Array.from([0, 1, 0.5, 0.25, 1, 0.5, 0.25, 0.125, 1]);
    const test = Uint8Array.from([0, 0, 0, 1, 1, 1, 1, 1, 0]); // targets e3..e7
    const m = mapBySwitchPosition(ap, test, p, 25);
    expect(m.all).toEqual({ map: (0.25 + 1 + 0.5 + 0.25 + 0.125) / 5, targets: 5 });
    expect(m['1 after switch']).toEqual({ map: 0.25, targets: 1 });
    expect(m['2-4 after switch']).toEqual({ map: (1 + 0.5 + 0.25) / 3, targets: 3 });
    expect(m['5+ into regime']).toEqual({ map: 0.125, targets: 1 });
    expect(m['first visit']).toEqual({ map: (0.25 + 1 + 0.5 + 0.25) / 4, targets: 4 });
    expect(m['switch event'].targets).toBe(0);
  });

  it('refuses mismatched arrays, a missing AP at a test target, and longGap < 1', () => {
    const p = switchPositions(Int32Array.from([0, 1, 1]), 1, 3);
    expect(() => mapBySwitchPosition(new Float64Array(2), new Uint8Array(3), p, 5)).toThrow(RecsysInputError);
    expect(() => mapBySwitchPosition(Float64Array.from([0, Number.NaN, 1]), Uint8Array.from([0, 1, 1]), p, 5)).toThrow(
      new RecsysInputError('mapBySwitchPosition: averagePrecision[1] is NaN at a test target, expected a number in [0, 1]'),
    );
    expect(() => mapBySwitchPosition(new Float64Array(3), new Uint8Array(3), p, 0)).toThrow(new RecsysInputError('mapBySwitchPosition: longGap is 0, expected an integer >= 1'));
  });
});
