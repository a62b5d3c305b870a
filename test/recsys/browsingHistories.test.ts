/**
 * The browsing-history generator: sizes, determinism, the catalogue structure it promises, and
 * the Hurst index of its modality process (theory (3 - alpha) / 2) measured with lrdkit.
 */
import { describe, expect, it } from 'vitest';
import { generateBrowsingHistories } from '../../src/recsys/browsingHistories.js';
import { RecsysInputError } from '../../src/recsys/errors.js';
import { modalityHurst } from '../../src/recsys/modalityHurst.js';

describe('generateBrowsingHistories', () => {
  it('is seeded, sized and structured as documented', () => {
    const h = generateBrowsingHistories({ users: 50, length: 120, seed: 3 });
    expect(h.itemIds.length).toBe(6000);
    expect(h.vocabulary).toBe(4 * 8 * 40);
    expect(h.pageVocabulary).toBe(20);
    expect(generateBrowsingHistories({ users: 50, length: 120, seed: 3 }).itemIds).toEqual(h.itemIds);
    expect(generateBrowsingHistories({ users: 50, length: 120, seed: 4 }).itemIds).not.toEqual(h.itemIds);
    // User u's history does not depend on how many users are drawn.
    expect(generateBrowsingHistories({ users: 10, length: 120, seed: 3 }).itemIds).toEqual(h.itemIds.slice(0, 1200));
    let inTopic = 0, pageInModality = 0, monotone = true;
    for (let k = 0; k < h.itemIds.length; k++) {
      const item = h.itemIds[k] as number, m = h.modality[k] as number, u = Math.floor(k / 120);
      expect(Math.floor(item / 320)).toBe(m); // every item belongs to the current modality
      if (Math.floor((item % 320) / 40) === h.preferredTopic[u * 4 + m]) inTopic++;
      if (Math.floor((h.pageIds[k] as number) / 5) === m) pageInModality++;
      if (k % 120 > 0 && (h.timestamps[k] as number) <= (h.timestamps[k - 1] as number)) monotone = false;
    }
    // P(preferred topic) = affinity + (1 - affinity) P(topic | modality-wide draw) >= 0.6; P(page of the modality) = 0.85 + 0.15 / 4.
    expect(inTopic / 6000).toBeGreaterThan(0.6);
    expect(pageInModality / 6000).toBeGreaterThan(0.85);
    expect(pageInModality / 6000).toBeLessThan(0.92);
    expect(monotone).toBe(true);
    expect(h.itemCounts.reduce((a, b) => a + b, 0)).toBe(6000);
  });

  it('the modality process is LRD for alpha in (1, 2) and SRD beyond, by DFA and GPH (lrdkit measuring its own data)', () => {
    const lrd = modalityHurst(generateBrowsingHistories({ users: 1, tailIndex: 1.4, seed: 1 }));
    const srd = modalityHurst(generateBrowsingHistories({ users: 1, tailIndex: 2.5, seed: 1 }));
    expect(lrd.theory).toBeCloseTo(0.8, 15);
    expect(srd.theory).toBe(0.5);
    // Measured on 2^16 events: alpha 1.4: DFA 0.87, GPH 0.86 (theory 0.8; renewal processes approach
    // their asymptotic H slowly from above at these lengths: seeds 1-2 gave +0.06 to +0.10);
    // alpha 2.5: DFA 0.58, GPH 0.45. Bounds: theory +- 0.15, and a clear separation.
    for (const est of [lrd.dfa, lrd.gph]) expect(Math.abs(est.hurst - 0.8)).toBeLessThan(0.15);
    for (const est of [srd.dfa, srd.gph]) expect(Math.abs(est.hurst - 0.5)).toBeLessThan(0.15);
    expect(lrd.dfa.hurst - srd.dfa.hurst).toBeGreaterThan(0.15);
  });

  it('strayItemRate r moves a fraction r of the items to another modality and leaves everything else', () => {
    const base = generateBrowsingHistories({ users: 50, length: 120, seed: 3 });
    // Rate 0 draws nothing more: the same bytes as the default (and as earlier versions).
    const zero = generateBrowsingHistories({ users: 50, length: 120, seed: 3, strayItemRate: 0 });
    expect(zero.itemIds).toEqual(base.itemIds);
    expect(zero.pageIds).toEqual(base.pageIds);
    const fraction = (h: typeof base): { stray: number; perOther: number[]; pageInModality: number } => {
      let stray = 0, pageInModality = 0;
      const perOther = [0, 0, 0, 0];
      for (let k = 0; k < h.itemIds.length; k++) {
        const item = Math.floor((h.itemIds[k] as number) / 320), m = h.modality[k] as number;
        if (item !== m) {
          stray++;
          perOther[(item - m + 4) % 4]! += 1;
        }
        if (Math.floor((h.pageIds[k] as number) / 5) === m) pageInModality++;
      }
      return { stray: stray / h.itemIds.length, perOther: perOther.map((c) => c / h.itemIds.length), pageInModality: pageInModality / h.itemIds.length };
    };
    const noisy = generateBrowsingHistories({ users: 50, length: 120, seed: 3, strayItemRate: 0.3 });
    // The latent process does not move: same modalities, same preferred topics.
    expect(noisy.modality).toEqual(base.modality);
    expect(noisy.preferredTopic).toEqual(base.preferredTopic);
    // 6000 events: binomial standard error sqrt(0.3 x 0.7 / 6000) = 0.006; bounds +- 0.03 (5 SE).
    const f = fraction(noisy);
    expect(Math.abs(f.stray - 0.3)).toBeLessThan(0.03);
    // Uniform among the 3 other modalities: 0.1 each (SE 0.004; bounds +- 0.025).
    for (const d of [1, 2, 3]) expect(Math.abs((f.perOther[d] as number) - 0.1)).toBeLessThan(0.025);
    // Pages still follow the regime: 0.85 + 0.15 / 4 = 0.8875 (SE 0.004; bounds +- 0.025).
    expect(Math.abs(f.pageInModality - 0.8875)).toBeLessThan(0.025);
    // r = (M - 1) / M: an item's modality is independent of the regime (in the regime's: 1 / 4).
    expect(Math.abs(fraction(generateBrowsingHistories({ users: 50, length: 120, seed: 3, strayItemRate: 0.75 })).stray - 0.75)).toBeLessThan(0.03);
    expect(() => generateBrowsingHistories({ strayItemRate: 1.2 })).toThrow(new RecsysInputError('generateBrowsingHistories: strayItemRate is 1.2, expected a number in [0, 1]'));
  });

  it('refuses options outside their ranges', () => {
    expect(() => generateBrowsingHistories({ length: 501 })).toThrow(new RecsysInputError('generateBrowsingHistories: length is 501, expected an integer in 2..500'));
    expect(() => generateBrowsingHistories({ topicAffinity: 1.5 })).toThrow(new RecsysInputError('generateBrowsingHistories: topicAffinity is 1.5, expected a number in [0, 1]'));
    expect(() => generateBrowsingHistories({ modalities: 1 })).toThrow(RecsysInputError);
  });
});
