/*
 * lrdkit's optional native CPU kernels: a Node-API addon, compiled at install time by
 * scripts/build-native.mjs with the system C compiler (never required: without it lrdkit
 * trains on its WebAssembly kernels, which give the same numbers up to FMA rounding).
 *
 * What it exports (all operands are byte offsets into one memory, the first argument: an
 * ArrayBuffer or a typed array over one, read afresh on every call because a WebAssembly
 * memory.grow detaches the old buffer):
 * - gemm, sigmoid, tanh, padRows, gruForward, gruBackward, lstmForward, lstmBackward: the
 *   exports of src/train/internal/wasm/recurrent.wat with the same arguments after the memory
 *   (kernels_body.h);
 * - matmul: a batched C = op(A) op(B) (+ bias) for TF.js's BatchMatMul / _FusedMatMul on the
 *   wasm backend's heap (src/train/internal/nativeKernels.ts);
 * - isa (the instruction set in use: avx512, avx2-fma or portable), isas (those this CPU
 *   runs), useIsa(name).
 *
 * Method. kernels_body.h is compiled three times on x86-64: for the baseline (SSE2, 4-wide
 * vectors, no FMA), with target("avx2,fma") (8-wide, fused multiply-add) and with
 * target("avx512f,avx512vl,...") (16-wide); on other machines once for the baseline. The CPU is
 * asked at load time (__builtin_cpu_supports) and the widest it runs is used (useIsa switches); no -march=native, so the binary is right for any CPU
 * of the architecture it was built for. Every call runs single-threaded with fixed blocking,
 * so a given input, machine and instruction set always gives the same bytes. Every operand's
 * extent is checked against the memory's length before any access (a bad offset throws a
 * RangeError instead of corrupting memory).
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef float V4 __attribute__((vector_size(16), aligned(4)));
typedef int32_t V4I __attribute__((vector_size(16), aligned(4)));
#define V4C(x) ((V4){(x), (x), (x), (x)})
#define LOADU(VT, p) (*(const VT *)(p))
#define STOREU(VT, p, x) (*(VT *)(p) = (x))

struct Kernels {
  void (*gemm)(const float *, long, long, const float *, long, float *, long, long, long, long, int, const float *);
  void (*sigmoid)(const float *, float *, long);
  void (*tanh)(const float *, float *, long);
  void (*gruForward)(const float *, const float *, const float *, float *, float *, float *, long, long, long);
  void (*gruBackward)(const float *, const float *, const float *, const float *, float *, float *, float *, float *, float *, long, long, long);
  void (*lstmForward)(const float *, const float *, float *, float *, float *, long, long, long);
  void (*lstmBackward)(const float *, const float *, const float *, const float *, float *, float *, float *, float *, long, long, long);
  void (*softmax)(const float *, float *, long, long);
};

/* Scratch for the gemm's packed operand: per thread, grown as needed, never freed (one block). */
static __thread float *packBuffer = NULL;
static __thread size_t packFloats = 0;

static float *packScratch(size_t floats) {
  if (floats > packFloats) {
    free(packBuffer);
    packBuffer = malloc(floats * sizeof(float));
    packFloats = packBuffer ? floats : 0;
  }
  return packBuffer; /* NULL: the gemm reads V in place */
}

/* The portable build: 4-wide vectors (SSE2 on x86-64, NEON on arm64), no FMA on x86-64. */
#define FN(name) name##_portable
#define VF V4
#define VFI V4I
#define VW 4
#include "kernels_body.h"

#if defined(__x86_64__) || defined(__i386__)
#define HAVE_AVX2 1
typedef float V8 __attribute__((vector_size(32), aligned(4)));
typedef int32_t V8I __attribute__((vector_size(32), aligned(4)));
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#define FN(name) name##_avx2
#define VF V8
#define VFI V8I
#define VW 8
#include "kernels_body.h"
#pragma GCC pop_options

/* AVX-512 (F, VL): 16-wide products and gates. */
typedef float V16 __attribute__((vector_size(64), aligned(4)));
typedef int32_t V16I __attribute__((vector_size(64), aligned(4)));
#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,avx2,fma")
#define FN(name) name##_avx512
#define VF V16
#define VFI V16I
#define VW 16
#include "kernels_body.h"
#pragma GCC pop_options
#endif

static const struct Kernels *active = &kernels_portable;
static const char *activeName = "portable";

static int isaSupported(const char *name) {
  if (!strcmp(name, "portable")) return 1;
#ifdef HAVE_AVX2
  if (!strcmp(name, "avx2-fma")) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
  if (!strcmp(name, "avx512")) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
#endif
  return 0;
}

static int selectIsa(const char *name) {
  if (!isaSupported(name)) return 0;
#ifdef HAVE_AVX2
  if (!strcmp(name, "avx2-fma")) {
    active = &kernels_avx2;
    activeName = "avx2-fma";
    return 1;
  }
  if (!strcmp(name, "avx512")) {
    active = &kernels_avx512;
    activeName = "avx512";
    return 1;
  }
#endif
  active = &kernels_portable;
  activeName = "portable";
  return 1;
}

/* ---- argument handling ---- */

#define MAX_ARGS 14

typedef struct {
  napi_env env;
  uint8_t *base;
  size_t length;
  int64_t v[MAX_ARGS];
  /* An operand given as a Float32Array instead of an offset (the saved activations, which then
     stay in the TF.js tensor instead of being copied through this memory): its data and length. */
  float *array[MAX_ARGS];
  size_t arrayFloats[MAX_ARGS];
  const char *name;
  int failed;
} Call;

static int fail(Call *c, const char *code, const char *message) {
  if (!c->failed) napi_throw_range_error(c->env, code, message);
  c->failed = 1;
  return 0;
}

/* Reads the memory and `count` integer arguments after it. */
static int readArgs(Call *c, napi_callback_info info, size_t count) {
  napi_value argv[MAX_ARGS + 1];
  size_t argc = MAX_ARGS + 1;
  char msg[160];
  if (napi_get_cb_info(c->env, info, &argc, argv, NULL, NULL) != napi_ok) return fail(c, NULL, "lrdkit native: cannot read the arguments");
  if (argc != count + 1) {
    snprintf(msg, sizeof msg, "lrdkit native %s: expected %zu arguments (memory and %zu integers), found %zu", c->name, count + 1, count, argc);
    return fail(c, "ERR_LRDKIT_NATIVE_ARGUMENTS", msg);
  }
  bool is;
  void *data = NULL;
  size_t length = 0;
  if (napi_is_arraybuffer(c->env, argv[0], &is) == napi_ok && is) {
    napi_get_arraybuffer_info(c->env, argv[0], &data, &length);
  } else if (napi_is_typedarray(c->env, argv[0], &is) == napi_ok && is) {
    /* A view: offsets count from its buffer's start (a view over a SharedArrayBuffer reaches
       the kernels this way); the extent is that of the view. */
    static const size_t bytesPer[] = {1, 1, 1, 2, 2, 4, 4, 4, 8, 8, 8};
    napi_typedarray_type type;
    size_t elements, offset;
    napi_value ab;
    napi_get_typedarray_info(c->env, argv[0], &type, &elements, &data, &ab, &offset);
    data = (uint8_t *)data - offset;
    length = offset + elements * ((size_t)type < sizeof bytesPer / sizeof bytesPer[0] ? bytesPer[type] : 1);
  } else {
    snprintf(msg, sizeof msg, "lrdkit native %s: the first argument must be an ArrayBuffer or a typed array", c->name);
    return fail(c, "ERR_LRDKIT_NATIVE_ARGUMENTS", msg);
  }
  c->base = data;
  c->length = length;
  for (size_t i = 0; i < count; i++) {
    c->array[i] = NULL;
    if (napi_is_typedarray(c->env, argv[i + 1], &is) == napi_ok && is) {
      napi_typedarray_type type;
      size_t elements = 0, offset = 0;
      void *p = NULL;
      napi_value buffer;
      if (napi_get_typedarray_info(c->env, argv[i + 1], &type, &elements, &p, &buffer, &offset) != napi_ok || type != napi_float32_array) {
        snprintf(msg, sizeof msg, "lrdkit native %s: argument %zu is a typed array but not a Float32Array", c->name, i + 2);
        return fail(c, "ERR_LRDKIT_NATIVE_ARGUMENTS", msg);
      }
      c->array[i] = p;
      c->arrayFloats[i] = elements;
      c->v[i] = -1;
      continue;
    }
    if (napi_get_value_int64(c->env, argv[i + 1], &c->v[i]) != napi_ok) {
      snprintf(msg, sizeof msg, "lrdkit native %s: argument %zu is not a number", c->name, i + 2);
      return fail(c, "ERR_LRDKIT_NATIVE_ARGUMENTS", msg);
    }
  }
  return 1;
}

/* A float pointer for byte offset `off` whose operand spans `bytes`; fails when outside the memory. */
static float *at(Call *c, int64_t off, int64_t bytes, const char *operand) {
  if (c->failed) return NULL;
  if (off < 0 || bytes < 0 || (off & 3) || (uint64_t)off + (uint64_t)bytes > c->length) {
    char msg[200];
    snprintf(msg, sizeof msg, "lrdkit native %s: operand %s at byte %lld (%lld bytes) is outside the memory of %zu bytes or not 4-byte aligned",
             c->name, operand, (long long)off, (long long)bytes, c->length);
    fail(c, "ERR_LRDKIT_NATIVE_BOUNDS", msg);
    return NULL;
  }
  return (float *)(c->base + off);
}

/* Argument i as a float pointer spanning `bytes`: an offset into the memory (see at), or a
   Float32Array given in its place, which must hold bytes / 4 floats. */
static float *arg(Call *c, int i, int64_t bytes, const char *operand) {
  if (c->failed) return NULL;
  if (c->array[i]) {
    if ((uint64_t)bytes > (uint64_t)c->arrayFloats[i] * 4) {
      char msg[200];
      snprintf(msg, sizeof msg, "lrdkit native %s: operand %s is a Float32Array of %zu floats, expected at least %lld", c->name, operand, c->arrayFloats[i], (long long)(bytes / 4));
      fail(c, "ERR_LRDKIT_NATIVE_BOUNDS", msg);
      return NULL;
    }
    return c->array[i];
  }
  return at(c, c->v[i], bytes, operand);
}

static int sizes(Call *c, int64_t T, int64_t B, int64_t n) {
  char msg[200];
  if (T < 1 || B < 0 || n < 0 || (B & 3) || (n & 3)) {
    snprintf(msg, sizeof msg, "lrdkit native %s: expected T >= 1 and B, n multiples of 4, found T = %lld, B = %lld, n = %lld", c->name, (long long)T, (long long)B, (long long)n);
    return fail(c, "ERR_LRDKIT_NATIVE_SIZES", msg);
  }
  return 1;
}

static napi_value undefinedValue(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

#define CALL(NAME, COUNT)                       \
  Call c = {.env = env, .name = NAME};        \
  if (!readArgs(&c, info, COUNT)) return NULL;  \
  const int64_t *a = c.v;

/* gemm(mem, S, sp, ss, V, ldv, C, ldc, P, Q, K, accum, bias): strides in bytes, as recurrent.wat. */
static napi_value jsGemm(napi_env env, napi_callback_info info) {
  CALL("gemm", 12)
  const int64_t sp = a[1], ss = a[2], ldv = a[4], ldc = a[6], P = a[7], Q = a[8], K = a[9];
  if (P < 0 || Q < 0 || K < 0 || (P & 3) || (Q & 3) || sp < 0 || ss < 0 || ldv < 0 || ldc < 0 || ((sp | ss | ldv | ldc) & 3)) {
    fail(&c, "ERR_LRDKIT_NATIVE_SIZES", "lrdkit native gemm: expected P, Q multiples of 4, K >= 0 and non-negative strides that are multiples of 4 bytes");
    return NULL;
  }
  if (P == 0 || Q == 0) return undefinedValue(env);
  const float *S = at(&c, a[0], K ? (P - 1) * sp + (K - 1) * ss + 4 : 0, "S");
  const float *V = at(&c, a[3], K ? (K - 1) * ldv + Q * 4 : 0, "V");
  float *C = at(&c, a[5], (P - 1) * ldc + Q * 4, "C");
  const float *bias = a[11] ? at(&c, a[11], Q * 4, "bias") : NULL;
  if (c.failed) return NULL;
  active->gemm(S, sp / 4, ss / 4, V, ldv / 4, C, ldc / 4, P, Q, K, (int)a[10], bias);
  return undefinedValue(env);
}

static napi_value activation(napi_env env, napi_callback_info info, int which) {
  CALL(which ? "tanh" : "sigmoid", 3)
  if (a[2] < 0 || (a[2] & 3)) {
    fail(&c, "ERR_LRDKIT_NATIVE_SIZES", "lrdkit native sigmoid/tanh: n must be a non-negative multiple of 4");
    return NULL;
  }
  const float *src = at(&c, a[0], a[2] * 4, "src");
  float *dst = at(&c, a[1], a[2] * 4, "dst");
  if (c.failed) return NULL;
  (which ? active->tanh : active->sigmoid)(src, dst, a[2]);
  return undefinedValue(env);
}
static napi_value jsSigmoid(napi_env env, napi_callback_info info) { return activation(env, info, 0); }
static napi_value jsTanh(napi_env env, napi_callback_info info) { return activation(env, info, 1); }

/* padRows(mem, flatRows, paddedRows, T, B, Bp, parts, hb, n, toPadded). */
static napi_value jsPadRows(napi_env env, napi_callback_info info) {
  CALL("padRows", 9)
  const int64_t T = a[2], B = a[3], Bp = a[4], parts = a[5], hb = a[6], n = a[7];
  if (T < 0 || B < 0 || Bp < B || parts < 0 || hb < 0 || n < hb) {
    fail(&c, "ERR_LRDKIT_NATIVE_SIZES", "lrdkit native padRows: expected non-negative sizes with Bp >= B and n >= hb");
    return NULL;
  }
  float *flat = at(&c, a[0], T * B * parts * hb * 4, "flatRows");
  float *padded = at(&c, a[1], T * Bp * parts * n * 4, "paddedRows");
  if (c.failed) return NULL;
  for (int64_t t = 0; t < T; t++)
    for (int64_t b = 0; b < B; b++)
      for (int64_t p = 0; p < parts; p++) {
        float *f = flat + ((t * B + b) * parts + p) * hb, *q = padded + ((t * Bp + b) * parts + p) * n;
        if (a[8]) memcpy(q, f, hb * 4);
        else memcpy(f, q, hb * 4);
      }
  return undefinedValue(env);
}

static float *floatArray(napi_env env, napi_value v, size_t floats, const char *kernel, const char *name);

/* padCopy(mem, padded, array, from, T, B, Bp, parts, hb, n, toPadded): padRows between the
   kernels' memory (padded rows at byte `padded`) and a Float32Array elsewhere (flat rows from
   float `from`) in one pass, without a staging copy: toPadded 1 writes every padded row, its
   padding (units hb..n-1, rows B..Bp-1) zero; 0 copies the real parts back into the array. */
static napi_value jsPadCopy(napi_env env, napi_callback_info info) {
  napi_value argv[11];
  size_t argc = 11;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  Call c = {.env = env, .name = "padCopy"};
  if (argc != 11) {
    fail(&c, "ERR_LRDKIT_NATIVE_ARGUMENTS", "lrdkit native padCopy: expected 11 arguments");
    return NULL;
  }
  bool is = false;
  void *data = NULL;
  if (napi_is_arraybuffer(env, argv[0], &is) != napi_ok || !is || napi_get_arraybuffer_info(env, argv[0], &data, &c.length) != napi_ok) {
    fail(&c, "ERR_LRDKIT_NATIVE_ARGUMENTS", "lrdkit native padCopy: the first argument must be the kernels' ArrayBuffer");
    return NULL;
  }
  c.base = data;
  int64_t v[9];
  v[0] = 0;
  if (napi_get_value_int64(env, argv[1], &v[0]) != napi_ok) {
    fail(&c, "ERR_LRDKIT_NATIVE_ARGUMENTS", "lrdkit native padCopy: padded is not a number");
    return NULL;
  }
  for (int i = 1; i < 9; i++)
    if (napi_get_value_int64(env, argv[i + 2], &v[i]) != napi_ok || v[i] < 0) {
      fail(&c, "ERR_LRDKIT_NATIVE_ARGUMENTS", "lrdkit native padCopy: sizes must be non-negative integers");
      return NULL;
    }
  const int64_t from = v[1], T = v[2], B = v[3], Bp = v[4], parts = v[5], hb = v[6], n = v[7], toPadded = v[8];
  if (Bp < B || n < hb) {
    fail(&c, "ERR_LRDKIT_NATIVE_SIZES", "lrdkit native padCopy: expected Bp >= B and n >= hb");
    return NULL;
  }
  float *array = floatArray(env, argv[2], (size_t)(from + T * B * parts * hb), "padCopy", "array");
  if (!array) return NULL;
  float *padded = at(&c, v[0], T * Bp * parts * n * 4, "padded");
  if (!padded) return NULL;
  for (int64_t t = 0; t < T; t++)
    for (int64_t b = 0; b < Bp; b++)
      for (int64_t p = 0; p < parts; p++) {
        float *q = padded + ((t * Bp + b) * parts + p) * n;
        if (b >= B) {
          if (toPadded) memset(q, 0, n * sizeof(float));
          continue;
        }
        float *f = array + from + ((t * B + b) * parts + p) * hb;
        if (toPadded) {
          memcpy(q, f, hb * sizeof(float));
          memset(q + hb, 0, (n - hb) * sizeof(float));
        } else memcpy(f, q, hb * sizeof(float));
      }
  return undefinedValue(env);
}

/* gruForward(mem, xp, u, c, h, s, hu, T, B, n). */
static napi_value jsGruForward(napi_env env, napi_callback_info info) {
  CALL("gruForward", 9)
  const int64_t T = a[6], B = a[7], n = a[8];
  if (!sizes(&c, T, B, n)) return NULL;
  const float *xp = at(&c, a[0], T * B * 3 * n * 4, "xp"), *u = at(&c, a[1], n * 3 * n * 4, "u"), *cb = at(&c, a[2], 3 * n * 4, "c");
  float *h = at(&c, a[3], T * B * n * 4, "h"), *s = arg(&c, 4, T * B * 4 * n * 4, "s"), *hu = at(&c, a[5], B * 3 * n * 4, "hu");
  if (c.failed) return NULL;
  active->gruForward(xp, u, cb, h, s, hu, T, B, n);
  return undefinedValue(env);
}

/* gruBackward(mem, dy, h, s, ut, dxp, dhu, carry, du, dc, T, B, n). */
static napi_value jsGruBackward(napi_env env, napi_callback_info info) {
  CALL("gruBackward", 12)
  const int64_t T = a[9], B = a[10], n = a[11];
  if (!sizes(&c, T, B, n)) return NULL;
  const float *dy = at(&c, a[0], T * B * n * 4, "dy"), *h = at(&c, a[1], T * B * n * 4, "h"), *s = arg(&c, 2, T * B * 4 * n * 4, "s");
  const float *ut = at(&c, a[3], 3 * n * n * 4, "ut");
  float *dxp = at(&c, a[4], T * B * 3 * n * 4, "dxp"), *dhu = at(&c, a[5], T * B * 3 * n * 4, "dhu"), *carry = at(&c, a[6], B * n * 4, "carry");
  float *du = at(&c, a[7], n * 3 * n * 4, "du"), *dc = a[8] ? at(&c, a[8], 3 * n * 4, "dc") : NULL;
  if (c.failed) return NULL;
  active->gruBackward(dy, h, s, ut, dxp, dhu, carry, du, dc, T, B, n);
  return undefinedValue(env);
}

/* lstmForward(mem, xp, u, h, s, hu, T, B, n). */
static napi_value jsLstmForward(napi_env env, napi_callback_info info) {
  CALL("lstmForward", 8)
  const int64_t T = a[5], B = a[6], n = a[7];
  if (!sizes(&c, T, B, n)) return NULL;
  const float *xp = at(&c, a[0], T * B * 4 * n * 4, "xp"), *u = at(&c, a[1], n * 4 * n * 4, "u");
  float *h = at(&c, a[2], T * B * n * 4, "h"), *s = arg(&c, 3, T * B * 6 * n * 4, "s"), *hu = at(&c, a[4], B * 4 * n * 4, "hu");
  if (c.failed) return NULL;
  active->lstmForward(xp, u, h, s, hu, T, B, n);
  return undefinedValue(env);
}

/* lstmBackward(mem, dy, h, s, ut, dxp, carry, dcell, du, T, B, n). */
static napi_value jsLstmBackward(napi_env env, napi_callback_info info) {
  CALL("lstmBackward", 11)
  const int64_t T = a[8], B = a[9], n = a[10];
  if (!sizes(&c, T, B, n)) return NULL;
  const float *dy = at(&c, a[0], T * B * n * 4, "dy"), *h = at(&c, a[1], T * B * n * 4, "h"), *s = arg(&c, 2, T * B * 6 * n * 4, "s");
  const float *ut = at(&c, a[3], 4 * n * n * 4, "ut");
  float *dxp = at(&c, a[4], T * B * 4 * n * 4, "dxp"), *carry = at(&c, a[5], B * n * 4, "carry"), *dcell = at(&c, a[6], B * n * 4, "dcell");
  float *du = at(&c, a[7], n * 4 * n * 4, "du");
  if (c.failed) return NULL;
  active->lstmBackward(dy, h, s, ut, dxp, carry, dcell, du, T, B, n);
  return undefinedValue(env);
}

/* ---- matmul: C[i] = op(A[i]) op(B[i]) (+ bias) for i < batch ----
 * matmul(mem, a, b, c, bias, batch, M, N, K, transposeA, transposeB, strideA, strideB):
 * A [M, K] (transposed: stored [K, M]), B [K, N] (transposed: [N, K]), C [batch, M, N]
 * contiguous, bias [N] or 0, per-item strides of A and B in floats (0: one matrix for every
 * item). Operands whose shape the gemm cannot take directly (M or N not a multiple of 4, B
 * transposed) are copied into zero-padded scratch first; the sums are the gemm's. */

static __thread float *scratch = NULL;
static __thread size_t scratchFloats = 0;

static float *scratchFor(size_t floats) {
  if (floats > scratchFloats) {
    free(scratch);
    scratch = malloc(floats * sizeof(float));
    scratchFloats = scratch ? floats : 0;
  }
  return scratch;
}

static napi_value jsMatmul(napi_env env, napi_callback_info info) {
  CALL("matmul", 12)
  const int64_t batch = a[4], M = a[5], N = a[6], K = a[7], tA = a[8], tB = a[9], strideA = a[10], strideB = a[11];
  if (batch < 0 || M < 0 || N < 0 || K < 0 || strideA < 0 || strideB < 0) {
    fail(&c, "ERR_LRDKIT_NATIVE_SIZES", "lrdkit native matmul: negative size or stride");
    return NULL;
  }
  if (batch == 0 || M == 0 || N == 0) return undefinedValue(env);
  const float *A = at(&c, a[0], ((batch - 1) * strideA + M * K) * 4, "a");
  const float *Bm = at(&c, a[1], ((batch - 1) * strideB + K * N) * 4, "b");
  float *C = at(&c, a[2], batch * M * N * 4, "c");
  const float *bias = a[3] ? at(&c, a[3], N * 4, "bias") : NULL;
  if (c.failed) return NULL;
  /* The gemm takes row strips of 4 and column strips of 4: the Mq x Nq block of whole strips is
     computed in place, the last M % 4 rows and N % 4 columns from zero-padded copies of just
     those rows of op(A) and columns of op(B) into a small buffer, then copied out. op(B)
     transposed is packed whole (the gemm reads it by rows). Every entry is the gemm's sum
     whichever strip it falls in. */
  const int64_t Mq = M & ~3, Nq = N & ~3, rm = M - Mq, rn = N - Nq, Np = (N + 3) & ~3;
  const int64_t tmpFloats = (Mq * 4 > 4 * Np ? Mq * 4 : 4 * Np) + 16;
  float *work = scratchFor((size_t)((rm ? 4 * K : 0) + (tB ? K * Np : rn ? K * 4 : 0) + tmpFloats + 4));
  if (!work) {
    fail(&c, "ERR_LRDKIT_NATIVE_MEMORY", "lrdkit native matmul: out of memory for the padded operands");
    return NULL;
  }
  float *Srem = work, *Vpack = Srem + (rm ? 4 * K : 0), *Ctmp = Vpack + (tB ? K * Np : rn ? K * 4 : 0), *biasRem = Ctmp + tmpFloats;
  if (bias && rn)
    for (int64_t q = 0; q < 4; q++) biasRem[q] = q < rn ? bias[Nq + q] : 0.0f;
  const long sp = tA ? 1 : K, ss = tA ? M : 1;
  for (int64_t i = 0; i < batch; i++) {
    const float *Ai = A + i * strideA, *Bi = Bm + i * strideB;
    float *Ci = C + i * M * N;
    const float *V = Bi, *Vr = Vpack;
    long ldv = N, ldvr = 4;
    if (tB) { /* op(B) = B^T: packed [K, Np], zero columns beyond N */
      for (int64_t k = 0; k < K; k++)
        for (int64_t q = 0; q < Np; q++) Vpack[k * Np + q] = q < N ? Bi[q * K + k] : 0.0f;
      V = Vpack;
      ldv = Np;
      Vr = Vpack + Nq;
      ldvr = Np;
    } else if (rn) {
      for (int64_t k = 0; k < K; k++)
        for (int64_t q = 0; q < 4; q++) Vpack[k * 4 + q] = q < rn ? Bi[k * N + Nq + q] : 0.0f;
    }
    if (Mq && Nq) active->gemm(Ai, sp, ss, V, ldv, Ci, N, Mq, Nq, K, 0, bias);
    if (Mq && rn) {
      active->gemm(Ai, sp, ss, Vr, ldvr, Ctmp, 4, Mq, 4, K, 0, bias ? biasRem : NULL);
      for (int64_t m = 0; m < Mq; m++)
        for (int64_t q = 0; q < rn; q++) Ci[m * N + Nq + q] = Ctmp[m * 4 + q];
    }
    if (rm) { /* the last rows of op(A), zero rows below */
      for (int64_t r = 0; r < 4; r++)
        for (int64_t k = 0; k < K; k++) Srem[r * K + k] = r < rm ? (tA ? Ai[k * M + Mq + r] : Ai[(Mq + r) * K + k]) : 0.0f;
      if (Nq) {
        active->gemm(Srem, K, 1, V, ldv, Ctmp, Nq, 4, Nq, K, 0, bias);
        for (int64_t r = 0; r < rm; r++) memcpy(Ci + (Mq + r) * N, Ctmp + r * Nq, Nq * 4);
      }
      if (rn) {
        active->gemm(Srem, K, 1, Vr, ldvr, Ctmp, 4, 4, 4, K, 0, bias ? biasRem : NULL);
        for (int64_t r = 0; r < rm; r++)
          for (int64_t q = 0; q < rn; q++) Ci[(Mq + r) * N + Nq + q] = Ctmp[r * 4 + q];
      }
    }
  }
  return undefinedValue(env);
}

/* ---- the fused kernels around the recurrent layers (src/train/internal/kernels.ts), on typed
 * arrays (each its own memory: the cpu backend's tensors are separate arrays). Same loops, same
 * order of additions and the same float64 arithmetic as the JavaScript they replace, so the
 * results are the same bits. ---- */

/* A Float32Array argument with at least `floats` elements, or NULL (a TypeError is thrown). */
static float *floatArray(napi_env env, napi_value v, size_t floats, const char *kernel, const char *name) {
  bool is = false;
  napi_typedarray_type type;
  size_t length = 0, offset = 0;
  void *data = NULL;
  napi_value ab;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, v, &type, &length, &data, &ab, &offset) != napi_ok || type != napi_float32_array || length < floats) {
    char msg[200];
    snprintf(msg, sizeof msg, "lrdkit native %s: %s must be a Float32Array of at least %zu elements", kernel, name, floats);
    napi_throw_type_error(env, "ERR_LRDKIT_NATIVE_ARGUMENTS", msg);
    return NULL;
  }
  return (float *)data;
}

/* Reads `count` arrays then `ints` integers and `doubles` numbers. */
static int arrayArgs(napi_env env, napi_callback_info info, size_t count, napi_value *arrays, size_t ints, int64_t *iv, size_t doubles, double *dv, const char *kernel) {
  napi_value argv[16];
  size_t argc = 16;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (count + ints + doubles > 16 || argc != count + ints + doubles) {
    char msg[160];
    snprintf(msg, sizeof msg, "lrdkit native %s: expected %zu arguments, found %zu", kernel, count + ints + doubles, argc);
    napi_throw_type_error(env, "ERR_LRDKIT_NATIVE_ARGUMENTS", msg);
    return 0;
  }
  for (size_t i = 0; i < count; i++) arrays[i] = argv[i];
  for (size_t i = 0; i < ints; i++)
    if (napi_get_value_int64(env, argv[count + i], &iv[i]) != napi_ok || iv[i] < 0) {
      napi_throw_type_error(env, "ERR_LRDKIT_NATIVE_ARGUMENTS", "lrdkit native: sizes must be non-negative integers");
      return 0;
    }
  for (size_t i = 0; i < doubles; i++)
    if (napi_get_value_double(env, argv[count + ints + i], &dv[i]) != napi_ok) {
      napi_throw_type_error(env, "ERR_LRDKIT_NATIVE_ARGUMENTS", "lrdkit native: expected a number");
      return 0;
    }
  return 1;
}

/* softmax(x [rows, cols], out [rows, cols], rows, cols): row-wise softmax (TF.js's Softmax on the last axis). */
static napi_value jsSoftmax(napi_env env, napi_callback_info info) {
  napi_value a[2];
  int64_t z[2];
  if (!arrayArgs(env, info, 2, a, 2, z, 0, NULL, "softmax")) return NULL;
  const float *x = floatArray(env, a[0], z[0] * z[1], "softmax", "x");
  float *out = x ? floatArray(env, a[1], z[0] * z[1], "softmax", "out") : NULL;
  if (!out) return NULL;
  if (z[1] > 0) active->softmax(x, out, z[0], z[1]);
  return undefinedValue(env);
}

/* The optimizer's arithmetic (src/train/internal/clippedRmsprop.ts) in float32 with each
   operation rounded as the JavaScript's Math.fround does: no fused multiply-add (fp-contract
   off), float division and square root (correctly rounded, as float64 rounded once is). */

/* sumOfSquares(x, inFloat64): sum of x_j^2, each square rounded to float32; the sum in float32
   (TF.js wasm's tf.sum) or in float64 rounded once (TF.js cpu's). */
__attribute__((optimize("fp-contract=off")))
static double sumOfSquaresF32(const float *x, size_t n, int inFloat64) {
  if (inFloat64) {
    double s = 0.0;
    for (size_t j = 0; j < n; j++) s += (double)(x[j] * x[j]);
    return (double)(float)s;
  }
  float s = 0.0f;
  for (size_t j = 0; j < n; j++) s = s + x[j] * x[j];
  return (double)s;
}

static napi_value jsSumOfSquares(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  size_t argc = 2;
  bool inFloat64 = false;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_typedarray_type type;
  size_t length = 0, offset = 0;
  void *data = NULL;
  napi_value ab;
  bool is = false;
  if (argc != 2 || napi_is_typedarray(env, argv[0], &is) != napi_ok || !is || napi_get_typedarray_info(env, argv[0], &type, &length, &data, &ab, &offset) != napi_ok ||
      type != napi_float32_array || napi_get_value_bool(env, argv[1], &inFloat64) != napi_ok) {
    napi_throw_type_error(env, "ERR_LRDKIT_NATIVE_ARGUMENTS", "lrdkit native sumOfSquares: expected a Float32Array and a boolean");
    return NULL;
  }
  napi_value out;
  napi_create_double(env, sumOfSquaresF32((const float *)data, length, inFloat64), &out);
  return out;
}

/* rmspropUpdate(w, g, m, q, wOut, mOut, qOut, clipping, scale, rho, oneMinusRho, mu, lr, eps):
   g' = g scale (when clipping); m' = m rho + g'^2 (1 - rho); q' = q mu + g' lr / sqrt(m' + eps);
   w' = w - q', every operation in float32 (the constants already float32 values). */
__attribute__((optimize("fp-contract=off")))
static void rmspropUpdateF32(const float *w, const float *g, const float *m, const float *q, float *wo, float *mo, float *qo, size_t n,
                             int clipping, float scale, float rho, float oneMinusRho, float mu, float lr, float eps) {
  for (size_t j = 0; j < n; j++) {
    const float gj = clipping ? g[j] * scale : g[j];
    const float gg = gj * gj;
    const float mj = m[j] * rho + gg * oneMinusRho;
    const float qj = q[j] * mu + (gj * lr) / sqrtf(mj + eps);
    mo[j] = mj;
    qo[j] = qj;
    wo[j] = w[j] - qj;
  }
}

static napi_value jsRmspropUpdate(napi_env env, napi_callback_info info) {
  napi_value a[7];
  int64_t z[1];
  double d[6];
  if (!arrayArgs(env, info, 7, a, 1, z, 6, d, "rmspropUpdate")) return NULL;
  bool is = false;
  napi_typedarray_type type;
  size_t n = 0, offset = 0;
  void *data = NULL;
  napi_value ab;
  if (napi_is_typedarray(env, a[0], &is) != napi_ok || !is || napi_get_typedarray_info(env, a[0], &type, &n, &data, &ab, &offset) != napi_ok) {
    napi_throw_type_error(env, "ERR_LRDKIT_NATIVE_ARGUMENTS", "lrdkit native rmspropUpdate: w must be a Float32Array");
    return NULL;
  }
  float *p[7];
  for (int i = 0; i < 7; i++) {
    p[i] = floatArray(env, a[i], n, "rmspropUpdate", "an operand");
    if (!p[i]) return NULL;
  }
  rmspropUpdateF32(p[0], p[1], p[2], p[3], p[4], p[5], p[6], n, (int)z[0], (float)d[0], (float)d[1], (float)d[2], (float)d[3], (float)d[4], (float)d[5]);
  return undefinedValue(env);
}

/* segmentSumAxis1(x [g, n, k], ids [n], out [g, v, k], g, n, v, k): out = 0, then out[b, ids[i]] += x[b, i]
   (ids outside [0, v) or not integers dropped). */
static napi_value jsSegmentSumAxis1(napi_env env, napi_callback_info info) {
  napi_value a[3];
  int64_t z[4];
  if (!arrayArgs(env, info, 3, a, 4, z, 0, NULL, "segmentSumAxis1")) return NULL;
  const int64_t g = z[0], n = z[1], v = z[2], k = z[3];
  const float *x = floatArray(env, a[0], g * n * k, "segmentSumAxis1", "x");
  const float *ids = x ? floatArray(env, a[1], n, "segmentSumAxis1", "ids") : NULL;
  float *out = ids ? floatArray(env, a[2], g * v * k, "segmentSumAxis1", "out") : NULL;
  if (!out) return NULL;
  memset(out, 0, g * v * k * sizeof(float));
  for (int64_t b = 0; b < g; b++)
    for (int64_t i = 0; i < n; i++) {
      const float id = ids[i];
      if (!(id >= 0 && id < (float)v) || (float)(int64_t)id != id) continue;
      const float *src = x + (b * n + i) * k;
      float *dst = out + (b * v + (int64_t)id) * k;
      for (int64_t j = 0; j < k; j++) dst[j] += src[j];
    }
  return undefinedValue(env);
}

/* gatherAxis1(table [g, v, k], ids [n], out [g, n, k], g, v, n, k): rows of the table (ids checked by the caller). */
static napi_value jsGatherAxis1(napi_env env, napi_callback_info info) {
  napi_value a[3];
  int64_t z[4];
  if (!arrayArgs(env, info, 3, a, 4, z, 0, NULL, "gatherAxis1")) return NULL;
  const int64_t g = z[0], v = z[1], n = z[2], k = z[3];
  const float *table = floatArray(env, a[0], g * v * k, "gatherAxis1", "table");
  const float *ids = table ? floatArray(env, a[1], n, "gatherAxis1", "ids") : NULL;
  float *out = ids ? floatArray(env, a[2], g * n * k, "gatherAxis1", "out") : NULL;
  if (!out) return NULL;
  for (int64_t i = 0; i < n; i++)
    if (!(ids[i] >= 0 && ids[i] < (float)v) || (float)(int64_t)ids[i] != ids[i]) {
      napi_throw_range_error(env, "ERR_LRDKIT_NATIVE_BOUNDS", "lrdkit native gatherAxis1: an id outside [0, v)");
      return NULL;
    }
  for (int64_t b = 0; b < g; b++)
    for (int64_t i = 0; i < n; i++) memcpy(out + (b * n + i) * k, table + (b * v + (int64_t)ids[i]) * k, k * sizeof(float));
  return undefinedValue(env);
}

/* crossEntropyGrad(p [n, v], targets [n], out [n, v], n, v, scale): out = scale p, out[i, y_i] = scale (p - 1),
   in float64 rounded once to float32 (the JavaScript's arithmetic). */
static napi_value jsCrossEntropyGrad(napi_env env, napi_callback_info info) {
  napi_value a[3];
  int64_t z[2];
  double scale;
  if (!arrayArgs(env, info, 3, a, 2, z, 1, &scale, "crossEntropyGrad")) return NULL;
  const int64_t n = z[0], v = z[1];
  const float *p = floatArray(env, a[0], n * v, "crossEntropyGrad", "p");
  const float *targets = p ? floatArray(env, a[1], n, "crossEntropyGrad", "targets") : NULL;
  float *out = targets ? floatArray(env, a[2], n * v, "crossEntropyGrad", "out") : NULL;
  if (!out) return NULL;
  for (int64_t i = 0; i < n; i++) {
    const float *pi = p + i * v;
    float *oi = out + i * v;
    for (int64_t j = 0; j < v; j++) oi[j] = (float)(scale * (double)pi[j]);
    const int64_t y = (int64_t)targets[i];
    if (y >= 0 && y < v) oi[y] = (float)(scale * ((double)pi[y] - 1.0));
  }
  return undefinedValue(env);
}

static napi_value jsUseIsa(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  size_t argc = 1;
  char name[32] = {0};
  size_t len = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 1 || napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "lrdkit native useIsa: expected one string (portable, avx2-fma or avx512)");
    return NULL;
  }
  if (!selectIsa(name)) {
    char msg[120];
    snprintf(msg, sizeof msg, "lrdkit native useIsa: instruction set '%s' is not available on this CPU or build", name);
    napi_throw_error(env, "ERR_LRDKIT_NATIVE_ISA", msg);
    return NULL;
  }
  napi_value out;
  napi_create_string_utf8(env, activeName, NAPI_AUTO_LENGTH, &out);
  return out;
}

static napi_value jsIsa(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_create_string_utf8(env, activeName, NAPI_AUTO_LENGTH, &out);
  return out;
}

static napi_value jsIsas(napi_env env, napi_callback_info info) {
  (void)info;
  static const char *all[] = {"portable", "avx2-fma", "avx512"};
  napi_value out;
  napi_create_array(env, &out);
  uint32_t k = 0;
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    if (isaSupported(all[i])) {
      napi_value s;
      napi_create_string_utf8(env, all[i], NAPI_AUTO_LENGTH, &s);
      napi_set_element(env, out, k++, s);
    }
  return out;
}

static int initialised = 0;

NAPI_MODULE_INIT() {
  if (!initialised) { /* the best instruction set, once per process (worker threads share it) */
    initialised = 1;
    if (!selectIsa("avx512") && !selectIsa("avx2-fma")) selectIsa("portable");
  }
  static const struct { const char *name; napi_callback fn; } fns[] = {
      {"gemm", jsGemm}, {"sigmoid", jsSigmoid}, {"tanh", jsTanh}, {"padRows", jsPadRows},
      {"gruForward", jsGruForward}, {"gruBackward", jsGruBackward}, {"lstmForward", jsLstmForward},
      {"lstmBackward", jsLstmBackward}, {"matmul", jsMatmul}, {"segmentSumAxis1", jsSegmentSumAxis1},
      {"gatherAxis1", jsGatherAxis1}, {"padCopy", jsPadCopy}, {"softmax", jsSoftmax}, {"sumOfSquares", jsSumOfSquares}, {"rmspropUpdate", jsRmspropUpdate}, {"crossEntropyGrad", jsCrossEntropyGrad}, {"useIsa", jsUseIsa}, {"isa", jsIsa}, {"isas", jsIsas},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f);
    napi_set_named_property(env, exports, fns[i].name, f);
  }
  return exports;
}
