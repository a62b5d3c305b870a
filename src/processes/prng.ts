/**
 * Seeded pseudo-random number generation: xoshiro128** with splitmix32 seeding.
 *
 * Every random process in lrdkit draws from an {@link Rng}, so that every known-answer
 * test is reproducible bit for bit from a single integer seed. `Math.random` is never used.
 *
 * @module
 */

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;
/** 2^32 / golden ratio, the Weyl increment of splitmix32. */
const GOLDEN_GAMMA = 0x9e3779b9;
/** Lane constants that make the four words of a derived state independent hashes of the same key. */
const LANE_OFFSETS = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344] as const;
/** ASCII "fork", mixed into stream derivation so that fork keys differ from seed keys. */
const FORK_TAG = 0x666f726b;

/** The four 32-bit words of a xoshiro128** state, each an unsigned integer in [0, 2^32). */
export type XoshiroState = readonly [number, number, number, number];

/**
 * The splitmix32 output function (finaliser): a bijective 32-bit avalanche mix.
 *
 * Method: z ^= z >>> 16; z *= 0x21f0aaad; z ^= z >>> 15; z *= 0x735a2d97; z ^= z >>> 15 (mod 2^32).
 *
 * References: Steele, Lea & Flood, "Fast splittable pseudorandom number generators",
 * OOPSLA 2014, DOI 10.1145/2660193.2660195 (SplitMix); the 32-bit constants are from
 * C. Wellons' hash-prospector search (2018), the mix used by the common `splitmix32`.
 */
function mix32(value: number): number {
  let z = value >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** splitmix32: a Weyl sequence state += 0x9e3779b9 passed through {@link mix32}. */
function splitmix32Words(start: number, count: number): number[] {
  const out: number[] = [];
  let state = start >>> 0;
  for (let i = 0; i < count; i++) {
    state = (state + GOLDEN_GAMMA) >>> 0;
    out.push(mix32(state));
  }
  return out;
}

function rotl32(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function assertSeed(seed: number): void {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || !Number.isSafeInteger(seed)) {
    throw new RangeError(
      `Rng seed must be a finite integer with |seed| <= 2^53 - 1, got ${String(seed)}`,
    );
  }
}

/**
 * Expand an integer seed into a nonzero 128-bit xoshiro128** state.
 *
 * Method: split the seed into its low and high 32-bit halves (two's complement, so negative
 * seeds are distinct from positive ones); word i = splitmix32_i(lo) XOR splitmix32_i(hi ^ c),
 * two independent splitmix32 expansions. The all-zero state (never observed, but excluded
 * by the algorithm's definition) is replaced by [1, 0, 0, 0].
 */
function stateFromSeed(seed: number): [number, number, number, number] {
  const lo = ((seed % TWO_POW_32) + TWO_POW_32) % TWO_POW_32;
  const hi = ((Math.floor(seed / TWO_POW_32) % TWO_POW_32) + TWO_POW_32) % TWO_POW_32;
  const a = splitmix32Words(lo, 4);
  const b = splitmix32Words((hi ^ 0x5bd1e995) >>> 0, 4);
  const state: [number, number, number, number] = [
    ((a[0] ?? 0) ^ (b[0] ?? 0)) >>> 0,
    ((a[1] ?? 0) ^ (b[1] ?? 0)) >>> 0,
    ((a[2] ?? 0) ^ (b[2] ?? 0)) >>> 0,
    ((a[3] ?? 0) ^ (b[3] ?? 0)) >>> 0,
  ];
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
  return state;
}

/**
 * A seeded generator: xoshiro128** (32-bit output, period 2^128 - 1), with uniform
 * doubles of 53 bits and standard Gaussians by the Marsaglia polar method.
 *
 * Method: state (s0, s1, s2, s3) of 32-bit words; output = rotl(s1 * 5, 7) * 9 (mod 2^32);
 * update t = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11).
 * Arithmetic is exact 32-bit via `Math.imul` and `>>> 0`, so the stream is the same on every
 * JavaScript engine. The integer seed is expanded into the state by splitmix32.
 *
 * Gaussian caching: the polar method yields two independent N(0, 1) values per accepted
 * pair of uniforms; {@link Rng.normal} returns one and caches the spare, which the next call
 * returns without drawing. The spare is part of the generator's state: two generators with
 * the same seed produce the same interleaving of `uniform`/`normal` values only if they
 * make the same sequence of calls.
 *
 * References: D. Blackman & S. Vigna, "Scrambled linear pseudorandom number generators",
 * ACM Trans. Math. Softw. 47(4), 2021, DOI 10.1145/3460772 (preprint 2018, arXiv:1805.01407);
 * G. Marsaglia & T. A. Bray, "A convenient method for generating normal variables",
 * SIAM Review 6(3):260-264, 1964, DOI 10.1137/1006063.
 *
 * @example
 * ```ts
 * const a = new Rng(42);
 * const b = new Rng(42);
 * a.nextUint32() === b.nextUint32(); // true: same seed, same stream
 * Rng.fromState([1, 2, 3, 4]).nextUint32(); // 11520 = rotl(2 * 5, 7) * 9
 * ```
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Cached second value of the last polar-method pair, or NaN when empty. */
  private spareNormal = Number.NaN;
  /** The state the generator started from: the key from which {@link Rng.fork} derives streams. */
  private initialState: XoshiroState;

  /**
   * @param seed a safe integer (|seed| <= 2^53 - 1); anything else throws a RangeError
   *   naming the value.
   */
  constructor(seed: number) {
    assertSeed(seed);
    const state = stateFromSeed(seed);
    this.initialState = [state[0], state[1], state[2], state[3]];
    this.s0 = state[0];
    this.s1 = state[1];
    this.s2 = state[2];
    this.s3 = state[3];
  }

  /**
   * A generator started from an explicit xoshiro128** state (four uint32 words, not all
   * zero), bypassing seeding. Used to check the generator against the reference algorithm.
   *
   * @example
   * ```ts
   * Rng.fromState([0x964d4a0c, 0xd40ab895, 0xad7fdecb, 0x3006f0f0]).nextUint32(); // 0xf1391922
   * ```
   */
  static fromState(state: XoshiroState): Rng {
    for (const word of state) {
      if (!Number.isInteger(word) || word < 0 || word >= TWO_POW_32) {
        throw new RangeError(`xoshiro128** state words must be integers in [0, 2^32), got ${String(word)}`);
      }
    }
    if ((state[0] | state[1] | state[2] | state[3]) === 0) {
      throw new RangeError('xoshiro128** state must not be all zero');
    }
    const rng = new Rng(0);
    rng.s0 = state[0];
    rng.s1 = state[1];
    rng.s2 = state[2];
    rng.s3 = state[3];
    rng.initialState = [state[0], state[1], state[2], state[3]];
    return rng;
  }

  /** The current xoshiro128** state words (the cached Gaussian spare is not included). */
  state(): XoshiroState {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  /**
   * The next 32-bit output of xoshiro128**, an integer in [0, 2^32).
   *
   * Method: rotl(s1 * 5, 7) * 9 mod 2^32, then the linear state update (see the class doc).
   *
   * @example
   * ```ts
   * Rng.fromState([1, 2, 3, 4]).nextUint32(); // 11520
   * ```
   */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl32(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ s1) >>> 0;
    this.s1 = (s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl32(this.s3, 11);
    return result;
  }

  /**
   * A uniform double in [0, 1) with 53 random bits, from two 32-bit draws.
   *
   * Method: (a >>> 5) * 2^26 + (b >>> 6), divided by 2^53 (the `genrand_res53` construction),
   * so every value is a multiple of 2^-53 and 1 is never returned.
   *
   * @example
   * ```ts
   * const u = new Rng(1).uniform(); // 0 <= u < 1
   * ```
   */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / TWO_POW_53;
  }

  /**
   * A standard Gaussian N(0, 1) value.
   *
   * Method: Marsaglia polar: draw u, v uniform on (-1, 1) until 0 < s = u^2 + v^2 < 1; then
   * u * f and v * f with f = sqrt(-2 ln(s) / s) are independent N(0, 1). The first is returned,
   * the second cached and returned by the next call.
   *
   * References: Marsaglia & Bray (1964), DOI 10.1137/1006063.
   *
   * @example
   * ```ts
   * const z = new Rng(7).normal(); // one N(0, 1) draw
   * ```
   */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const spare = this.spareNormal;
      this.spareNormal = Number.NaN;
      return spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * factor;
    return u * factor;
  }

  /**
   * n independent standard Gaussian values (successive calls of {@link Rng.normal}).
   *
   * @example
   * ```ts
   * new Rng(3).normals(4).length; // 4
   * ```
   */
  normals(n: number): Float64Array {
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(`normals(n) needs a nonnegative integer n, got ${String(n)}`);
    }
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }

  /**
   * An independent generator for stream index `stream`, derived deterministically from the
   * state this generator was seeded with (not its current position): `rng.fork(k)` is the same
   * generator however many values `rng` has drawn. Use one fork per sequence so that sequence
   * i is reproducible on its own.
   *
   * Method: key = (initial state words, stream lo/hi words, the tag "fork"); word j of the new
   * state is a splitmix32-style absorbing hash of the key started from lane constant j, so the
   * four words are four different hashes of the same key. Distinct streams of the period-(2^128 - 1)
   * sequence overlap within n draws with probability about k^2 n / 2^128 for k streams.
   *
   * @example
   * ```ts
   * const base = new Rng(5);
   * base.fork(3).nextUint32() === new Rng(5).fork(3).nextUint32(); // true
   * base.fork(3).nextUint32() === base.fork(4).nextUint32(); // false (almost surely)
   * ```
   */
  fork(stream: number): Rng {
    if (!Number.isSafeInteger(stream) || stream < 0) {
      throw new RangeError(`fork(stream) needs a nonnegative safe integer, got ${String(stream)}`);
    }
    const streamLo = stream % TWO_POW_32;
    const streamHi = Math.floor(stream / TWO_POW_32);
    const key = [...this.initialState, streamLo, streamHi, FORK_TAG];
    const words: number[] = [];
    for (const lane of LANE_OFFSETS) {
      let h: number = lane;
      for (const word of key) {
        h = mix32((h ^ word) + GOLDEN_GAMMA);
      }
      words.push(h);
    }
    const state: [number, number, number, number] = [words[0] ?? 0, words[1] ?? 0, words[2] ?? 0, words[3] ?? 0];
    if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
    return Rng.fromState(state);
  }
}

/**
 * A new {@link Rng} seeded with `seed` (a safe integer).
 *
 * @example
 * ```ts
 * createRng(2024).uniform() === new Rng(2024).uniform(); // true
 * ```
 */
export function createRng(seed: number): Rng {
  return new Rng(seed);
}
