/*
 * lrdkit's float32 training kernels, the body compiled once per instruction set by
 * lrdkit_kernels.c (which defines FN(name), the wide vector type VF of VW floats and its int
 * twin VFI, and the target attributes before including this file; the file undefines them and
 * its own macros at its end). The functions are the C twins of
 * src/train/internal/wasm/recurrent.wat's exports: same operands, same layout (pointers are
 * float pointers into the kernels' memory, strides in floats), same equations, same order of
 * summation in every product (increasing s). They differ from the WebAssembly only in that
 * the compiler may fuse a multiply and an add into one FMA (one rounding instead of two) and
 * in the width of the products' vectors, which does not change any sum's order.
 *
 * Equations (src/cells, Keras GRU reset_after = true and Keras LSTM):
 *   GRU:  hu = h U + c;  z = sigma(xp_z + hu_z);  r = sigma(xp_r + hu_r)
 *         n = tanh(xp_n + r hu_n);  h' = n + z (h - n)
 *   LSTM: a = xp + h U;  i, f, o = sigma(a_i, a_f, a_o);  g = tanh(a_g);  c' = f c + i g;  h' = o tanh(c')
 * sigma(x) = 1 / (1 + exp(-x)), tanh(x) = 2 sigma(2x) - 1, exp: Cephes' expf as in recurrent.wat.
 */

#define SPLAT(VT, x) ((VT){0} + (x))

/* exp, sigma, tanh for a vector type VT (int twin VTI): the operations of recurrent.wat's
   $exp4 lane by lane, so a lane's result does not depend on the vector width. */
#define ACTIVATIONS(VT, VTI, SUF)                                                        \
  static inline VT FN(sel##SUF)(VTI mask, VT a, VT b) { return (VT)((mask & (VTI)a) | (~mask & (VTI)b)); } \
  static inline VT FN(exp##SUF)(VT x) {                                                  \
    const VT lo = SPLAT(VT, -87.0f), hi = SPLAT(VT, 88.0f), big = SPLAT(VT, 12582912.0f); \
    x = FN(sel##SUF)(x < lo, lo, x);                                                     \
    x = FN(sel##SUF)(hi < x, hi, x);                                                     \
    VT k = x * SPLAT(VT, 1.44269504088896341f) + big;                                    \
    VT fx = k - big;                                                                     \
    VT r = x - fx * SPLAT(VT, 0.693359375f);                                             \
    r = r + fx * SPLAT(VT, 2.12194440e-4f);                                              \
    VT y = SPLAT(VT, 1.9875691500e-4f);                                                  \
    y = y * r + SPLAT(VT, 1.3981999507e-3f);                                             \
    y = y * r + SPLAT(VT, 8.3334519073e-3f);                                             \
    y = y * r + SPLAT(VT, 4.1665795894e-2f);                                             \
    y = y * r + SPLAT(VT, 1.6666665459e-1f);                                             \
    y = y * r + SPLAT(VT, 5.0000001201e-1f);                                             \
    y = (y * (r * r) + r) + SPLAT(VT, 1.0f);                                             \
    VTI e = ((VTI)k + 127) << 23;                                                        \
    return y * (VT)e;                                                                    \
  }                                                                                      \
  static inline VT FN(sigmoid##SUF)(VT x) { return SPLAT(VT, 1.0f) / (SPLAT(VT, 1.0f) + FN(exp##SUF)(-x)); } \
  static inline VT FN(tanh##SUF)(VT x) { return SPLAT(VT, 2.0f) * FN(sigmoid##SUF)(x + x) - SPLAT(VT, 1.0f); }

ACTIVATIONS(V4, V4I, 4)
#if VW > 4
ACTIVATIONS(VF, VFI, W)
#endif

/* A gate loop over j < n (a multiple of 4): VW lanes at a time where the build is wider than 4,
   then 4 lanes. BODY(VT, W, SUF) handles lanes j .. j + W - 1. */
#if VW > 4
#define LANES(BODY)                                  \
  long j = 0;                                        \
  for (; j + VW <= n; j += VW) { BODY(VF, VW, W) }   \
  for (; j < n; j += 4) { BODY(V4, 4, 4) }
#else
#define LANES(BODY)                                  \
  long j = 0;                                        \
  for (; j < n; j += 4) { BODY(V4, 4, 4) }
#endif

/* ---- gemm: C[p][q] = init + sum_{s < K} S[p sp + s ss] V[s ldv + q], p < P, q < Q ----
 * P, Q multiples of 4; init = C (accum), else the row vector bias (non-null) or 0.
 * Register tiles of 4 rows x NV vectors, the S value broadcast; columns in blocks of QB and
 * the sum in chunks of KB (the partial sums go through C in float32, which is what the
 * accumulator holds anyway, so blocking does not change a bit). */

#define TILE(NAME, VT, W, NV)                                                                         \
  static inline void NAME(const float *s, long sp, long ss, const float *v, long ldv, float *c,      \
                          long ldc, long K, int accum, const float *bias) {                           \
    VT a[4][NV];                                                                                      \
    for (int i = 0; i < 4; i++)                                                                       \
      for (int j = 0; j < NV; j++) {                                                                  \
        if (accum) a[i][j] = LOADU(VT, c + i * ldc + j * W);                                          \
        else if (bias) a[i][j] = LOADU(VT, bias + j * W);                                             \
        else a[i][j] = (VT){0};                                                                       \
      }                                                                                               \
    for (long k = 0; k < K; k++) {                                                                    \
      VT b[NV];                                                                                       \
      for (int j = 0; j < NV; j++) b[j] = LOADU(VT, v + j * W);                                       \
      for (int i = 0; i < 4; i++) {                                                                   \
        const float x = s[i * sp];                                                                    \
        for (int j = 0; j < NV; j++) a[i][j] += x * b[j];                                             \
      }                                                                                               \
      s += ss;                                                                                        \
      v += ldv;                                                                                       \
    }                                                                                                 \
    for (int i = 0; i < 4; i++)                                                                       \
      for (int j = 0; j < NV; j++) STOREU(VT, c + i * ldc + j * W, a[i][j]);                          \
  }

TILE(FN(tileWide3), VF, VW, 3)
TILE(FN(tileWide1), VF, VW, 1)
#if VW == 16
TILE(FN(tile8), V8, 8, 1)
#endif
TILE(FN(tile4), V4, 4, 1)

/* Width of the next column strip with `left` columns to go (a multiple of 4): 3 VW while they
   fit, then VW, then (AVX-512) one strip of 8 before the 4-wide ones: the short products of the
   factorized blocks (Q = 72, 24 on AVX-512: 1.1x to 1.7x) in 8-wide tiles where 4-wide ran. */
static inline long FN(stripWidth)(long left) {
  if (left >= 3 * VW) return 3 * VW;
  if (left >= VW) return VW;
#if VW == 16
  if (left >= 8) return 8;
#endif
  return 4;
}

static inline void FN(tileStrip)(long sw, const float *s, long sp, long ss, const float *v, long ldv, float *c, long ldc,
                                 long K, int accum, const float *bias) {
  if (sw == 3 * VW) FN(tileWide3)(s, sp, ss, v, ldv, c, ldc, K, accum, bias);
  else if (sw == VW) FN(tileWide1)(s, sp, ss, v, ldv, c, ldc, K, accum, bias);
#if VW == 16
  else if (sw == 8) FN(tile8)(s, sp, ss, v, ldv, c, ldc, K, accum, bias);
#endif
  else FN(tile4)(s, sp, ss, v, ldv, c, ldc, K, accum, bias);
}

#ifndef GEMM_QB
#define GEMM_QB 192
#endif
#ifndef GEMM_KB
#define GEMM_KB 256
#endif

static void FN(gemm)(const float *S, long sp, long ss, const float *V, long ldv, float *C, long ldc,
                     long P, long Q, long K, int accum, const float *bias) {
  /* With several row strips, each K x QB block of V is first copied into column strips of the
     tiles' widths (contiguous K x width), so that a tile streams its operand from L1. */
  const int pack = P >= 64 && K > 0;
  for (long q0 = 0; q0 < Q; q0 += GEMM_QB) {
    const long w = Q - q0 < GEMM_QB ? Q - q0 : GEMM_QB;
    for (long k0 = 0; k0 == 0 || k0 < K; k0 += GEMM_KB) {
      const long kb = K - k0 < GEMM_KB ? K - k0 : GEMM_KB;
      const int acc = k0 > 0 ? 1 : accum;
      const float *bs = k0 > 0 || !bias ? 0 : bias + q0;
      const float *vb = V + k0 * ldv + q0;
      float *packed = pack ? packScratch((size_t)(kb * w)) : 0;
      if (packed) {
        float *d = packed;
        for (long q = 0, sw; q < w; q += sw, d += kb * sw) {
          sw = FN(stripWidth)(w - q);
          for (long k = 0; k < kb; k++) memcpy(d + k * sw, vb + k * ldv + q, sw * sizeof(float));
        }
      }
      for (long p = 0; p < P; p += 4) {
        const float *s = S + p * sp + k0 * ss, *v = packed;
        float *c = C + p * ldc + q0;
        for (long q = 0, sw; q < w; q += sw) {
          sw = FN(stripWidth)(w - q);
          FN(tileStrip)(sw, s, sp, ss, packed ? v : vb + q, packed ? sw : ldv, c + q, ldc, kb, acc, bs ? bs + q : 0);
          if (packed) v += kb * sw;
        }
      }
    }
  }
}

/* sigma / tanh of n floats (n a multiple of 4), for the accuracy tests. */
static void FN(sigmoid)(const float *src, float *dst, long n) {
  for (long i = 0; i < n; i += 4) STOREU(V4, dst + i, FN(sigmoid4)(LOADU(V4, src + i)));
}
static void FN(tanh)(const float *src, float *dst, long n) {
  for (long i = 0; i < n; i += 4) STOREU(V4, dst + i, FN(tanh4)(LOADU(V4, src + i)));
}

/* dU = sum_{t >= 1} h_{t-1}^T d_t ([n, G n]) and, when db, db = sum over the T B rows of d_t. */
static void FN(weightGradients)(const float *h, const float *d, float *du, float *db, long T, long B, long n, long G) {
  const long gn = G * n;
  FN(gemm)(h, 1, n, d + B * gn, gn, du, gn, n, gn, (T - 1) * B, 0, 0);
  if (!db) return;
  for (long i = 0; i < gn; i += 4) {
    V4 acc = V4C(0.0f);
    for (long k = 0; k < T * B; k++) acc = acc + LOADU(V4, d + k * gn + i);
    STOREU(V4, db + i, acc);
  }
}

/* ---- GRU ---- */

/* One GRU step over B rows (B a multiple of 4) of n-float parts: xs [B][3n] this step's input
   pre-activations, hu [B][3n] = h_{t-1} U + c, hp [B][n] = h_{t-1} (NULL at the first step,
   read as zeros); writes the saved activations s [B][4n] (z, r, n, hn) and h_t into ho [B][n]. */
static inline void FN(gruStep)(const float *xs, const float *hu, const float *hp, float *s, float *ho, long B, long n) {
  const long g3 = 3 * n;
  for (long b = 0; b < B; b++) {
    const float *xr = xs + b * g3, *hur = hu + b * g3, *hpr = hp ? hp + b * n : NULL;
    float *sr = s + b * 4 * n, *hr = ho + b * n;
#define GRU_FORWARD(VT, W_, SUF)                                                          \
  const VT z = FN(sigmoid##SUF)(LOADU(VT, xr + j) + LOADU(VT, hur + j));                     \
  const VT r = FN(sigmoid##SUF)(LOADU(VT, xr + n + j) + LOADU(VT, hur + n + j));             \
  const VT hn = LOADU(VT, hur + 2 * n + j);                                                  \
  const VT nn = FN(tanh##SUF)(LOADU(VT, xr + 2 * n + j) + r * hn);                           \
  const VT hq = hpr ? LOADU(VT, hpr + j) : SPLAT(VT, 0.0f);                                  \
  STOREU(VT, sr + j, z);                                                                     \
  STOREU(VT, sr + n + j, r);                                                                 \
  STOREU(VT, sr + 2 * n + j, nn);                                                            \
  STOREU(VT, sr + 3 * n + j, hn);                                                            \
  STOREU(VT, hr + j, nn + z * (hq - nn));
    LANES(GRU_FORWARD)
  }
}

/* The GRU step backward over B rows: dy [B][n] the loss gradient of h_t, carry [B][n] the
   gradient reaching h_t through h_{t+1} (replaced by dh z, the part through h_t's own
   interpolation; the caller then adds dhu_t U^T), s [B][4n] the step's saved activations, hp
   h_{t-1} (NULL: zeros); writes dxp [B][3n] (d of the input pre-activations) and dhu [B][3n]
   (d of h_{t-1} U + c). */
static inline void FN(gruBackStep)(const float *dy, float *carry, const float *s, const float *hp, float *dxp, float *dhu, long B, long n) {
  const long g3 = 3 * n;
  for (long b = 0; b < B; b++) {
    const float *sr = s + b * 4 * n, *yr = dy + b * n, *hpr = hp ? hp + b * n : NULL;
    float *cr = carry + b * n, *dxr = dxp + b * g3, *dhr = dhu + b * g3;
#define GRU_BACKWARD(VT, W_, SUF)                                                         \
  const VT one = SPLAT(VT, 1.0f);                                                            \
  const VT dh = LOADU(VT, yr + j) + LOADU(VT, cr + j);                                       \
  const VT z = LOADU(VT, sr + j), r = LOADU(VT, sr + n + j), nn = LOADU(VT, sr + 2 * n + j); \
  const VT hq = hpr ? LOADU(VT, hpr + j) : SPLAT(VT, 0.0f);                                  \
  const VT dan = (dh * (one - z)) * (one - nn * nn);                                         \
  const VT daz = (dh * (hq - nn)) * (z * (one - z));                                         \
  const VT dar = (dan * LOADU(VT, sr + 3 * n + j)) * (r * (one - r));                        \
  STOREU(VT, dxr + j, daz);                                                                  \
  STOREU(VT, dxr + n + j, dar);                                                              \
  STOREU(VT, dxr + 2 * n + j, dan);                                                          \
  STOREU(VT, dhr + j, daz);                                                                  \
  STOREU(VT, dhr + n + j, dar);                                                              \
  STOREU(VT, dhr + 2 * n + j, dan * r);                                                      \
  STOREU(VT, cr + j, dh * z);
    LANES(GRU_BACKWARD)
  }
}

static void FN(gruForward)(const float *xp, const float *u, const float *c, float *h, float *s, float *hu, long T, long B, long n) {
  const long g3 = 3 * n;
  for (long t = 0; t < T; t++) {
    const float *hp = t ? h + (t - 1) * B * n : NULL;
    FN(gemm)(hp ? hp : h, n, 1, u, g3, hu, g3, B, g3, t ? n : 0, 0, c);
    FN(gruStep)(xp + t * B * g3, hu, hp, s + t * B * 4 * n, h + t * B * n, B, n);
  }
}

static void FN(gruBackward)(const float *dy, const float *h, const float *s, const float *ut, float *dxp, float *dhu,
                            float *carry, float *du, float *dc, long T, long B, long n) {
  const long g3 = 3 * n;
  for (long j = 0; j < B * n; j++) carry[j] = 0.0f;
  for (long t = T - 1; t >= 0; t--) {
    FN(gruBackStep)(dy + t * B * n, carry, s + t * B * 4 * n, t ? h + (t - 1) * B * n : NULL, dxp + t * B * g3, dhu + t * B * g3, B, n);
    if (t) FN(gemm)(dhu + t * B * g3, g3, 1, ut, n, carry, n, B, n, g3, 1, 0);
  }
  FN(weightGradients)(h, dhu, du, dc, T, B, n, 3);
}

/* ---- LSTM ---- */

/* One LSTM step over B rows: xs [B][4n] input pre-activations (bias included), hu [B][4n] =
   h_{t-1} U, sp [B][6n] the previous step's saved activations (its cell state c_{t-1} at part
   4; NULL at the first step: zeros); writes s [B][6n] (i, f, g, o, c, tanh c) and h_t into ho. */
static inline void FN(lstmStep)(const float *xs, const float *hu, const float *sp, float *s, float *ho, long B, long n) {
  const long g4 = 4 * n;
  for (long b = 0; b < B; b++) {
    const float *xr = xs + b * g4, *hur = hu + b * g4, *spr = sp ? sp + b * 6 * n : NULL;
    float *sr = s + b * 6 * n, *hr = ho + b * n;
#define LSTM_FORWARD(VT, W_, SUF)                                                         \
  const VT i = FN(sigmoid##SUF)(LOADU(VT, xr + j) + LOADU(VT, hur + j));                     \
  const VT f = FN(sigmoid##SUF)(LOADU(VT, xr + n + j) + LOADU(VT, hur + n + j));             \
  const VT g = FN(tanh##SUF)(LOADU(VT, xr + 2 * n + j) + LOADU(VT, hur + 2 * n + j));        \
  const VT o = FN(sigmoid##SUF)(LOADU(VT, xr + 3 * n + j) + LOADU(VT, hur + 3 * n + j));     \
  const VT cp = spr ? LOADU(VT, spr + 4 * n + j) : SPLAT(VT, 0.0f);                          \
  const VT c = f * cp + i * g;                                                               \
  const VT tc = FN(tanh##SUF)(c);                                                            \
  STOREU(VT, sr + j, i);                                                                     \
  STOREU(VT, sr + n + j, f);                                                                 \
  STOREU(VT, sr + 2 * n + j, g);                                                             \
  STOREU(VT, sr + 3 * n + j, o);                                                             \
  STOREU(VT, sr + 4 * n + j, c);                                                             \
  STOREU(VT, sr + 5 * n + j, tc);                                                            \
  STOREU(VT, hr + j, o * tc);
    LANES(LSTM_FORWARD)
  }
}

/* The LSTM step backward over B rows: dy [B][n], carry [B][n] (d h_t through h_{t+1}), dcell
   [B][n] (d c_t through c_{t+1}; replaced by dc_t f), s and sp as in lstmStep; writes dxp
   [B][4n] (d of the gates' pre-activations, also d of h_{t-1} U). */
static inline void FN(lstmBackStep)(const float *dy, const float *carry, float *dcell, const float *s, const float *sp, float *dxp, long B, long n) {
  const long g4 = 4 * n;
  for (long b = 0; b < B; b++) {
    const float *sr = s + b * 6 * n, *spr = sp ? sp + b * 6 * n : NULL, *yr = dy + b * n, *cr = carry + b * n;
    float *dr = dxp + b * g4, *er = dcell + b * n;
#define LSTM_BACKWARD(VT, W_, SUF)                                                        \
  const VT one = SPLAT(VT, 1.0f);                                                            \
  const VT dh = LOADU(VT, yr + j) + LOADU(VT, cr + j);                                       \
  const VT i = LOADU(VT, sr + j), f = LOADU(VT, sr + n + j), g = LOADU(VT, sr + 2 * n + j);  \
  const VT o = LOADU(VT, sr + 3 * n + j), tc = LOADU(VT, sr + 5 * n + j);                    \
  const VT cp = spr ? LOADU(VT, spr + 4 * n + j) : SPLAT(VT, 0.0f);                          \
  const VT dct = LOADU(VT, er + j) + (dh * o) * (one - tc * tc);                             \
  STOREU(VT, dr + j, (dct * g) * (i * (one - i)));                                           \
  STOREU(VT, dr + n + j, (dct * cp) * (f * (one - f)));                                      \
  STOREU(VT, dr + 2 * n + j, (dct * i) * (one - g * g));                                     \
  STOREU(VT, dr + 3 * n + j, (dh * tc) * (o * (one - o)));                                   \
  STOREU(VT, er + j, dct * f);
    LANES(LSTM_BACKWARD)
  }
}

static void FN(lstmForward)(const float *xp, const float *u, float *h, float *s, float *hu, long T, long B, long n) {
  const long g4 = 4 * n;
  for (long t = 0; t < T; t++) {
    const float *hp = t ? h + (t - 1) * B * n : NULL;
    FN(gemm)(hp ? hp : h, n, 1, u, g4, hu, g4, B, g4, t ? n : 0, 0, 0);
    FN(lstmStep)(xp + t * B * g4, hu, t ? s + (t - 1) * B * 6 * n : NULL, s + t * B * 6 * n, h + t * B * n, B, n);
  }
}

static void FN(lstmBackward)(const float *dy, const float *h, const float *s, const float *ut, float *dxp, float *carry,
                             float *dcell, float *du, long T, long B, long n) {
  const long g4 = 4 * n;
  for (long j = 0; j < B * n; j++) carry[j] = dcell[j] = 0.0f;
  for (long t = T - 1; t >= 0; t--) {
    FN(lstmBackStep)(dy + t * B * n, carry, dcell, s + t * B * 6 * n, t ? s + (t - 1) * B * 6 * n : NULL, dxp + t * B * g4, B, n);
    if (t) FN(gemm)(dxp + t * B * g4, g4, 1, ut, n, carry, n, B, n, g4, 0, 0);
  }
  FN(weightGradients)(h, dxp, du, 0, T, B, n, 4);
}

/* Row-wise softmax of x [rows, cols]: e = exp(x - max) with the gates' exp, VW lanes at a time
   (the last cols % VW in groups of 4 through a zero-padded copy, the padding's exp dropped),
   the sum in a fixed order, then e times 1 / sum. */
static void FN(softmax)(const float *x, float *y, long rows, long cols) {
#if VW > 4
#define SOFTMAX_VT VF
#define SOFTMAX_VTI VFI
#define SOFTMAX_EXP FN(expW)
#define SOFTMAX_SEL FN(selW)
#else
#define SOFTMAX_VT V4
#define SOFTMAX_VTI V4I
#define SOFTMAX_EXP FN(exp4)
#define SOFTMAX_SEL FN(sel4)
#endif
  for (long r = 0; r < rows; r++) {
    const float *xr = x + r * cols;
    float *yr = y + r * cols;
    long j = 0;
    float m = xr[0];
    if (cols >= VW) {
      SOFTMAX_VT mv = LOADU(SOFTMAX_VT, xr);
      for (j = VW; j + VW <= cols; j += VW) {
        const SOFTMAX_VT v = LOADU(SOFTMAX_VT, xr + j);
        mv = SOFTMAX_SEL(v > mv, v, mv);
      }
      for (int q = 0; q < VW; q++) m = mv[q] > m ? mv[q] : m;
    }
    for (; j < cols; j++) m = xr[j] > m ? xr[j] : m;
    SOFTMAX_VT acc = SPLAT(SOFTMAX_VT, 0.0f);
    j = 0;
    for (; j + VW <= cols; j += VW) {
      const SOFTMAX_VT e = SOFTMAX_EXP(LOADU(SOFTMAX_VT, xr + j) - m);
      STOREU(SOFTMAX_VT, yr + j, e);
      acc = acc + e;
    }
    float sum = 0.0f;
    for (int q = 0; q < VW; q++) sum += acc[q];
    for (; j < cols; j += 4) {
      float t[4] = {0.0f, 0.0f, 0.0f, 0.0f};
      const long k = cols - j < 4 ? cols - j : 4;
      for (long q = 0; q < k; q++) t[q] = xr[j + q] - m;
      const V4 e = FN(exp4)(LOADU(V4, t));
      for (long q = 0; q < k; q++) {
        yr[j + q] = e[q];
        sum += e[q];
      }
    }
    const float inv = 1.0f / sum;
    for (long q = 0; q < cols; q++) yr[q] *= inv;
  }
#undef SOFTMAX_VT
#undef SOFTMAX_VTI
#undef SOFTMAX_EXP
#undef SOFTMAX_SEL
}

/* The kernels of this instruction set, for the dispatch table. */
static const struct Kernels FN(kernels) = {
  FN(gemm), FN(sigmoid), FN(tanh), FN(gruForward), FN(gruBackward), FN(lstmForward), FN(lstmBackward), FN(softmax),
};

/* The next inclusion (another instruction set) defines these afresh. */
#undef SPLAT
#undef ACTIVATIONS
#undef LANES
#undef GRU_FORWARD
#undef GRU_BACKWARD
#undef LSTM_FORWARD
#undef LSTM_BACKWARD
#undef TILE
#undef FN
#undef VF
#undef VFI
#undef VW
