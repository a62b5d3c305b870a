;; lrdkit's float64 SIMD kernels: WebAssembly SIMD128 (f64x2), compiled by scripts/build-wasm.mjs
;; (npm run wasm) into kernelsWasm.ts, loaded by ../simd.ts. This text file is the source.
;;
;; The main kernel, gemm, is a general matrix product with the summation index s innermost:
;;
;;     C[p ldc + q] (=, += when accum) sum_{s = 0 .. K-1} S[p sp + s ss] * V[s ldv + q]
;;
;; for p < P and q < Q (q >= p rounded down to even when `upper`, for a symmetric result).
;; All strides are in float64 elements, all pointers in bytes. Lanes run over q: a v128 holds
;; C[p][q], C[p][q+1], and each lane adds S[p][s] * V[s][q] for s = 0, 1, ..., K-1 with a
;; separate multiply and add (f64x2.mul, f64x2.add: each rounded, no fusion). Every entry is
;; therefore summed exactly as the scalar loop
;;
;;     acc = accum == 1 ? C[p][q] : 0;  for (s = 0; s < K; s++) acc += S[p][s] * V[s][q];
;;     C[p][q] = accum == 2 ? C[p][q] + acc : acc;
;;
;; sums it, bit for bit (accum 0: C = S V; 1: the sums continue from C; 2: C += the sums);
;; tiling only decides which entries are computed side by side. Tiles of 4 p x 4 q (8 v128 accumulators; each V pair is loaded once per 4 rows p, each S value once
;; per 4 columns q, splatted by v128.load64_splat); edges by 4 x 2, 4 x 1 (scalar), 1 x 4,
;; 1 x 2 and 1 x 1 tiles. 4 x 4 keeps the accumulators, the two V vectors and the splat in
;; the 16 XMM registers that V8 allocates on x86-64 (larger tiles measured slower: spills).
;; Columns go in blocks of 64, each block swept by every row strip of S before the next (the
;; K x 64 block of V stays in cache).
;;
;; Uses: the batched GRU/LSTM step (S = states or inputs, V = stacked weights transposed),
;; pooled second moments (S = V = a block of rows, upper), projections on principal
;; components, J Q in the Lyapunov run, the Lanczos products of spectral norms.
;;
;; The other exports (rot, rank2, fft, scale, scaledRows, herm, cross, vmath, gruGates) follow
;; the same rule: vectorised across independent entries only, each entry computed by the
;; scalar code's operations in the scalar code's order, so the results are the same bits.
(module
  (memory (export "memory") 1)

  ;; C rows p .. p+3 (pointers already offset to row p), columns q0 .. Q-1.
  (func $strip4 (param $s0 i32) (param $sp i32) (param $ss i32) (param $V i32) (param $ldv i32)
                (param $c0 i32) (param $ldc i32) (param $q0 i32) (param $Q i32) (param $K i32) (param $accum i32)
    (local $q i32) (local $k i32) (local $sptr i32) (local $vptr i32) (local $cptr i32)
    (local $sp2 i32) (local $sp3 i32) (local $ldc2 i32) (local $ldc3 i32)
    (local $x v128) (local $v0 v128) (local $v1 v128)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $y0 f64) (local $y1 f64) (local $y2 f64) (local $y3 f64) (local $w f64)
    (local.set $sp2 (i32.add (local.get $sp) (local.get $sp)))
    (local.set $sp3 (i32.add (local.get $sp2) (local.get $sp)))
    (local.set $ldc2 (i32.add (local.get $ldc) (local.get $ldc)))
    (local.set $ldc3 (i32.add (local.get $ldc2) (local.get $ldc)))
    (local.set $q (local.get $q0))
    ;; 4 x 4 tiles
    (block $done4 (loop $next4
      (br_if $done4 (i32.gt_u (i32.add (local.get $q) (i32.const 4)) (local.get $Q)))
      (local.set $cptr (i32.add (local.get $c0) (i32.shl (local.get $q) (i32.const 3))))
      (if (i32.eq (local.get $accum) (i32.const 1))
        (then
          (local.set $a00 (v128.load (local.get $cptr)))
          (local.set $a01 (v128.load offset=16 (local.get $cptr)))
          (local.set $a10 (v128.load (i32.add (local.get $cptr) (local.get $ldc))))
          (local.set $a11 (v128.load offset=16 (i32.add (local.get $cptr) (local.get $ldc))))
          (local.set $a20 (v128.load (i32.add (local.get $cptr) (local.get $ldc2))))
          (local.set $a21 (v128.load offset=16 (i32.add (local.get $cptr) (local.get $ldc2))))
          (local.set $a30 (v128.load (i32.add (local.get $cptr) (local.get $ldc3))))
          (local.set $a31 (v128.load offset=16 (i32.add (local.get $cptr) (local.get $ldc3)))))
        (else
          (local.set $a00 (v128.const f64x2 0 0)) (local.set $a01 (v128.const f64x2 0 0))
          (local.set $a10 (v128.const f64x2 0 0)) (local.set $a11 (v128.const f64x2 0 0))
          (local.set $a20 (v128.const f64x2 0 0)) (local.set $a21 (v128.const f64x2 0 0))
          (local.set $a30 (v128.const f64x2 0 0)) (local.set $a31 (v128.const f64x2 0 0))))
      (local.set $sptr (local.get $s0))
      (local.set $vptr (i32.add (local.get $V) (i32.shl (local.get $q) (i32.const 3))))
      (local.set $k (local.get $K))
      (block $sdone (loop $snext
        (br_if $sdone (i32.eqz (local.get $k)))
        (local.set $v0 (v128.load (local.get $vptr)))
        (local.set $v1 (v128.load offset=16 (local.get $vptr)))
        (local.set $x (v128.load64_splat (local.get $sptr)))
        (local.set $a00 (f64x2.add (local.get $a00) (f64x2.mul (local.get $x) (local.get $v0))))
        (local.set $a01 (f64x2.add (local.get $a01) (f64x2.mul (local.get $x) (local.get $v1))))
        (local.set $x (v128.load64_splat (i32.add (local.get $sptr) (local.get $sp))))
        (local.set $a10 (f64x2.add (local.get $a10) (f64x2.mul (local.get $x) (local.get $v0))))
        (local.set $a11 (f64x2.add (local.get $a11) (f64x2.mul (local.get $x) (local.get $v1))))
        (local.set $x (v128.load64_splat (i32.add (local.get $sptr) (local.get $sp2))))
        (local.set $a20 (f64x2.add (local.get $a20) (f64x2.mul (local.get $x) (local.get $v0))))
        (local.set $a21 (f64x2.add (local.get $a21) (f64x2.mul (local.get $x) (local.get $v1))))
        (local.set $x (v128.load64_splat (i32.add (local.get $sptr) (local.get $sp3))))
        (local.set $a30 (f64x2.add (local.get $a30) (f64x2.mul (local.get $x) (local.get $v0))))
        (local.set $a31 (f64x2.add (local.get $a31) (f64x2.mul (local.get $x) (local.get $v1))))
        (local.set $sptr (i32.add (local.get $sptr) (local.get $ss)))
        (local.set $vptr (i32.add (local.get $vptr) (local.get $ldv)))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br $snext)))
      (if (i32.eq (local.get $accum) (i32.const 2))
        (then
          (local.set $a00 (f64x2.add (v128.load (local.get $cptr)) (local.get $a00)))
          (local.set $a01 (f64x2.add (v128.load offset=16 (local.get $cptr)) (local.get $a01)))
          (local.set $a10 (f64x2.add (v128.load (i32.add (local.get $cptr) (local.get $ldc))) (local.get $a10)))
          (local.set $a11 (f64x2.add (v128.load offset=16 (i32.add (local.get $cptr) (local.get $ldc))) (local.get $a11)))
          (local.set $a20 (f64x2.add (v128.load (i32.add (local.get $cptr) (local.get $ldc2))) (local.get $a20)))
          (local.set $a21 (f64x2.add (v128.load offset=16 (i32.add (local.get $cptr) (local.get $ldc2))) (local.get $a21)))
          (local.set $a30 (f64x2.add (v128.load (i32.add (local.get $cptr) (local.get $ldc3))) (local.get $a30)))
          (local.set $a31 (f64x2.add (v128.load offset=16 (i32.add (local.get $cptr) (local.get $ldc3))) (local.get $a31)))))
      (v128.store (local.get $cptr) (local.get $a00))
      (v128.store offset=16 (local.get $cptr) (local.get $a01))
      (v128.store (i32.add (local.get $cptr) (local.get $ldc)) (local.get $a10))
      (v128.store offset=16 (i32.add (local.get $cptr) (local.get $ldc)) (local.get $a11))
      (v128.store (i32.add (local.get $cptr) (local.get $ldc2)) (local.get $a20))
      (v128.store offset=16 (i32.add (local.get $cptr) (local.get $ldc2)) (local.get $a21))
      (v128.store (i32.add (local.get $cptr) (local.get $ldc3)) (local.get $a30))
      (v128.store offset=16 (i32.add (local.get $cptr) (local.get $ldc3)) (local.get $a31))
      (local.set $q (i32.add (local.get $q) (i32.const 4)))
      (br $next4)))
    ;; one 4 x 2 tile
    (if (i32.le_u (i32.add (local.get $q) (i32.const 2)) (local.get $Q))
      (then
        (local.set $cptr (i32.add (local.get $c0) (i32.shl (local.get $q) (i32.const 3))))
        (if (i32.eq (local.get $accum) (i32.const 1))
          (then
            (local.set $a00 (v128.load (local.get $cptr)))
            (local.set $a10 (v128.load (i32.add (local.get $cptr) (local.get $ldc))))
            (local.set $a20 (v128.load (i32.add (local.get $cptr) (local.get $ldc2))))
            (local.set $a30 (v128.load (i32.add (local.get $cptr) (local.get $ldc3)))))
          (else
            (local.set $a00 (v128.const f64x2 0 0)) (local.set $a10 (v128.const f64x2 0 0))
            (local.set $a20 (v128.const f64x2 0 0)) (local.set $a30 (v128.const f64x2 0 0))))
        (local.set $sptr (local.get $s0))
        (local.set $vptr (i32.add (local.get $V) (i32.shl (local.get $q) (i32.const 3))))
        (local.set $k (local.get $K))
        (block $sdone (loop $snext
          (br_if $sdone (i32.eqz (local.get $k)))
          (local.set $v0 (v128.load (local.get $vptr)))
          (local.set $a00 (f64x2.add (local.get $a00) (f64x2.mul (v128.load64_splat (local.get $sptr)) (local.get $v0))))
          (local.set $a10 (f64x2.add (local.get $a10) (f64x2.mul (v128.load64_splat (i32.add (local.get $sptr) (local.get $sp))) (local.get $v0))))
          (local.set $a20 (f64x2.add (local.get $a20) (f64x2.mul (v128.load64_splat (i32.add (local.get $sptr) (local.get $sp2))) (local.get $v0))))
          (local.set $a30 (f64x2.add (local.get $a30) (f64x2.mul (v128.load64_splat (i32.add (local.get $sptr) (local.get $sp3))) (local.get $v0))))
          (local.set $sptr (i32.add (local.get $sptr) (local.get $ss)))
          (local.set $vptr (i32.add (local.get $vptr) (local.get $ldv)))
          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
          (br $snext)))
        (if (i32.eq (local.get $accum) (i32.const 2))
          (then
            (local.set $a00 (f64x2.add (v128.load (local.get $cptr)) (local.get $a00)))
            (local.set $a10 (f64x2.add (v128.load (i32.add (local.get $cptr) (local.get $ldc))) (local.get $a10)))
            (local.set $a20 (f64x2.add (v128.load (i32.add (local.get $cptr) (local.get $ldc2))) (local.get $a20)))
            (local.set $a30 (f64x2.add (v128.load (i32.add (local.get $cptr) (local.get $ldc3))) (local.get $a30)))))
        (v128.store (local.get $cptr) (local.get $a00))
        (v128.store (i32.add (local.get $cptr) (local.get $ldc)) (local.get $a10))
        (v128.store (i32.add (local.get $cptr) (local.get $ldc2)) (local.get $a20))
        (v128.store (i32.add (local.get $cptr) (local.get $ldc3)) (local.get $a30))
        (local.set $q (i32.add (local.get $q) (i32.const 2)))))
    ;; one 4 x 1 tile (scalar)
    (if (i32.lt_u (local.get $q) (local.get $Q))
      (then
        (local.set $cptr (i32.add (local.get $c0) (i32.shl (local.get $q) (i32.const 3))))
        (if (i32.eq (local.get $accum) (i32.const 1))
          (then
            (local.set $y0 (f64.load (local.get $cptr)))
            (local.set $y1 (f64.load (i32.add (local.get $cptr) (local.get $ldc))))
            (local.set $y2 (f64.load (i32.add (local.get $cptr) (local.get $ldc2))))
            (local.set $y3 (f64.load (i32.add (local.get $cptr) (local.get $ldc3)))))
          (else
            (local.set $y0 (f64.const 0)) (local.set $y1 (f64.const 0))
            (local.set $y2 (f64.const 0)) (local.set $y3 (f64.const 0))))
        (local.set $sptr (local.get $s0))
        (local.set $vptr (i32.add (local.get $V) (i32.shl (local.get $q) (i32.const 3))))
        (local.set $k (local.get $K))
        (block $sdone (loop $snext
          (br_if $sdone (i32.eqz (local.get $k)))
          (local.set $w (f64.load (local.get $vptr)))
          (local.set $y0 (f64.add (local.get $y0) (f64.mul (f64.load (local.get $sptr)) (local.get $w))))
          (local.set $y1 (f64.add (local.get $y1) (f64.mul (f64.load (i32.add (local.get $sptr) (local.get $sp))) (local.get $w))))
          (local.set $y2 (f64.add (local.get $y2) (f64.mul (f64.load (i32.add (local.get $sptr) (local.get $sp2))) (local.get $w))))
          (local.set $y3 (f64.add (local.get $y3) (f64.mul (f64.load (i32.add (local.get $sptr) (local.get $sp3))) (local.get $w))))
          (local.set $sptr (i32.add (local.get $sptr) (local.get $ss)))
          (local.set $vptr (i32.add (local.get $vptr) (local.get $ldv)))
          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
          (br $snext)))
        (if (i32.eq (local.get $accum) (i32.const 2))
          (then
            (local.set $y0 (f64.add (f64.load (local.get $cptr)) (local.get $y0)))
            (local.set $y1 (f64.add (f64.load (i32.add (local.get $cptr) (local.get $ldc))) (local.get $y1)))
            (local.set $y2 (f64.add (f64.load (i32.add (local.get $cptr) (local.get $ldc2))) (local.get $y2)))
            (local.set $y3 (f64.add (f64.load (i32.add (local.get $cptr) (local.get $ldc3))) (local.get $y3)))))
        (f64.store (local.get $cptr) (local.get $y0))
        (f64.store (i32.add (local.get $cptr) (local.get $ldc)) (local.get $y1))
        (f64.store (i32.add (local.get $cptr) (local.get $ldc2)) (local.get $y2))
        (f64.store (i32.add (local.get $cptr) (local.get $ldc3)) (local.get $y3)))))

  ;; One row of C (pointers already offset to row p), columns q0 .. Q-1.
  (func $strip1 (param $s0 i32) (param $ss i32) (param $V i32) (param $ldv i32)
                (param $c0 i32) (param $q0 i32) (param $Q i32) (param $K i32) (param $accum i32)
    (local $q i32) (local $k i32) (local $sptr i32) (local $vptr i32) (local $cptr i32)
    (local $x v128) (local $a0 v128) (local $a1 v128) (local $y f64)
    (local.set $q (local.get $q0))
    ;; 1 x 4 tiles
    (block $done4 (loop $next4
      (br_if $done4 (i32.gt_u (i32.add (local.get $q) (i32.const 4)) (local.get $Q)))
      (local.set $cptr (i32.add (local.get $c0) (i32.shl (local.get $q) (i32.const 3))))
      (if (i32.eq (local.get $accum) (i32.const 1))
        (then
          (local.set $a0 (v128.load (local.get $cptr)))
          (local.set $a1 (v128.load offset=16 (local.get $cptr))))
        (else
          (local.set $a0 (v128.const f64x2 0 0))
          (local.set $a1 (v128.const f64x2 0 0))))
      (local.set $sptr (local.get $s0))
      (local.set $vptr (i32.add (local.get $V) (i32.shl (local.get $q) (i32.const 3))))
      (local.set $k (local.get $K))
      (block $sdone (loop $snext
        (br_if $sdone (i32.eqz (local.get $k)))
        (local.set $x (v128.load64_splat (local.get $sptr)))
        (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $x) (v128.load (local.get $vptr)))))
        (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $x) (v128.load offset=16 (local.get $vptr)))))
        (local.set $sptr (i32.add (local.get $sptr) (local.get $ss)))
        (local.set $vptr (i32.add (local.get $vptr) (local.get $ldv)))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br $snext)))
      (if (i32.eq (local.get $accum) (i32.const 2))
        (then
          (local.set $a0 (f64x2.add (v128.load (local.get $cptr)) (local.get $a0)))
          (local.set $a1 (f64x2.add (v128.load offset=16 (local.get $cptr)) (local.get $a1)))))
      (v128.store (local.get $cptr) (local.get $a0))
      (v128.store offset=16 (local.get $cptr) (local.get $a1))
      (local.set $q (i32.add (local.get $q) (i32.const 4)))
      (br $next4)))
    ;; one 1 x 2 tile
    (if (i32.le_u (i32.add (local.get $q) (i32.const 2)) (local.get $Q))
      (then
        (local.set $cptr (i32.add (local.get $c0) (i32.shl (local.get $q) (i32.const 3))))
        (if (i32.eq (local.get $accum) (i32.const 1))
          (then (local.set $a0 (v128.load (local.get $cptr))))
          (else (local.set $a0 (v128.const f64x2 0 0))))
        (local.set $sptr (local.get $s0))
        (local.set $vptr (i32.add (local.get $V) (i32.shl (local.get $q) (i32.const 3))))
        (local.set $k (local.get $K))
        (block $sdone (loop $snext
          (br_if $sdone (i32.eqz (local.get $k)))
          (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load64_splat (local.get $sptr)) (v128.load (local.get $vptr)))))
          (local.set $sptr (i32.add (local.get $sptr) (local.get $ss)))
          (local.set $vptr (i32.add (local.get $vptr) (local.get $ldv)))
          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
          (br $snext)))
        (if (i32.eq (local.get $accum) (i32.const 2))
          (then (local.set $a0 (f64x2.add (v128.load (local.get $cptr)) (local.get $a0)))))
        (v128.store (local.get $cptr) (local.get $a0))
        (local.set $q (i32.add (local.get $q) (i32.const 2)))))
    ;; one 1 x 1 tile (scalar)
    (if (i32.lt_u (local.get $q) (local.get $Q))
      (then
        (local.set $cptr (i32.add (local.get $c0) (i32.shl (local.get $q) (i32.const 3))))
        (local.set $y (if (result f64) (i32.eq (local.get $accum) (i32.const 1)) (then (f64.load (local.get $cptr))) (else (f64.const 0))))
        (local.set $sptr (local.get $s0))
        (local.set $vptr (i32.add (local.get $V) (i32.shl (local.get $q) (i32.const 3))))
        (local.set $k (local.get $K))
        (block $sdone (loop $snext
          (br_if $sdone (i32.eqz (local.get $k)))
          (local.set $y (f64.add (local.get $y) (f64.mul (f64.load (local.get $sptr)) (f64.load (local.get $vptr)))))
          (local.set $sptr (i32.add (local.get $sptr) (local.get $ss)))
          (local.set $vptr (i32.add (local.get $vptr) (local.get $ldv)))
          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
          (br $snext)))
        (if (i32.eq (local.get $accum) (i32.const 2))
          (then (local.set $y (f64.add (f64.load (local.get $cptr)) (local.get $y)))))
        (f64.store (local.get $cptr) (local.get $y)))))

  ;; gemm(S, sp, ss, V, ldv, C, ldc, P, Q, K, accum, upper): see the header (accum 0, 1 or 2). Pointers in bytes,
  ;; strides in elements. upper: row p starts at column q = p rounded down to even (entries
  ;; left of the diagonal in a 4-row strip are computed too and are to be ignored).
  (func (export "gemm") (param $S i32) (param $sp i32) (param $ss i32) (param $V i32) (param $ldv i32)
                        (param $C i32) (param $ldc i32) (param $P i32) (param $Q i32) (param $K i32)
                        (param $accum i32) (param $upper i32)
    (local $p i32) (local $qb i32) (local $qe i32) (local $q0 i32)
    (local.set $sp (i32.shl (local.get $sp) (i32.const 3)))
    (local.set $ss (i32.shl (local.get $ss) (i32.const 3)))
    (local.set $ldv (i32.shl (local.get $ldv) (i32.const 3)))
    (local.set $ldc (i32.shl (local.get $ldc) (i32.const 3)))
    ;; Column blocks of 64 (the block of V, K x 64, stays in L2 while every row strip of S passes).
    (block $qdone (loop $qnext
      (br_if $qdone (i32.ge_u (local.get $qb) (local.get $Q)))
      (local.set $qe (select (i32.add (local.get $qb) (i32.const 64)) (local.get $Q)
        (i32.lt_u (i32.add (local.get $qb) (i32.const 64)) (local.get $Q))))
      (local.set $p (i32.const 0))
      (block $done (loop $next
        (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $P)))
        (local.set $q0 (select (i32.and (local.get $p) (i32.const -2)) (i32.const 0) (local.get $upper)))
        (if (i32.lt_u (local.get $q0) (local.get $qb)) (then (local.set $q0 (local.get $qb))))
        (if (i32.lt_u (local.get $q0) (local.get $qe))
          (then
            (call $strip4
              (i32.add (local.get $S) (i32.mul (local.get $p) (local.get $sp))) (local.get $sp) (local.get $ss)
              (local.get $V) (local.get $ldv)
              (i32.add (local.get $C) (i32.mul (local.get $p) (local.get $ldc))) (local.get $ldc)
              (local.get $q0) (local.get $qe) (local.get $K) (local.get $accum))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $next)))
      (block $done1 (loop $next1
        (br_if $done1 (i32.ge_u (local.get $p) (local.get $P)))
        (local.set $q0 (select (i32.and (local.get $p) (i32.const -2)) (i32.const 0) (local.get $upper)))
        (if (i32.lt_u (local.get $q0) (local.get $qb)) (then (local.set $q0 (local.get $qb))))
        (if (i32.lt_u (local.get $q0) (local.get $qe))
          (then
            (call $strip1
              (i32.add (local.get $S) (i32.mul (local.get $p) (local.get $sp))) (local.get $ss)
              (local.get $V) (local.get $ldv)
              (i32.add (local.get $C) (i32.mul (local.get $p) (local.get $ldc)))
              (local.get $q0) (local.get $qe) (local.get $K) (local.get $accum))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next1)))
      (local.set $qb (i32.add (local.get $qb) (i32.const 64)))
      (br $qnext))))

  ;; rot(a, b, n, c, s): the plane rotation of two rows (QL sweeps of the symmetric
  ;; eigensolver): for k < n, h = B[k]; B[k] = s A[k] + c h; A[k] = c A[k] - s h, two k per
  ;; v128 (each entry the same two products and one sum as the scalar loop).
  (func (export "rot") (param $a i32) (param $b i32) (param $n i32) (param $c f64) (param $s f64)
    (local $k i32) (local $vc v128) (local $vs v128) (local $x v128) (local $h v128) (local $y f64) (local $z f64)
    (local.set $vc (f64x2.splat (local.get $c)))
    (local.set $vs (f64x2.splat (local.get $s)))
    (block $done (loop $next
      (br_if $done (i32.gt_u (i32.add (local.get $k) (i32.const 2)) (local.get $n)))
      (local.set $h (v128.load (local.get $b)))
      (local.set $x (v128.load (local.get $a)))
      (v128.store (local.get $b) (f64x2.add (f64x2.mul (local.get $vs) (local.get $x)) (f64x2.mul (local.get $vc) (local.get $h))))
      (v128.store (local.get $a) (f64x2.sub (f64x2.mul (local.get $vc) (local.get $x)) (f64x2.mul (local.get $vs) (local.get $h))))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (local.set $k (i32.add (local.get $k) (i32.const 2)))
      (br $next)))
    (if (i32.lt_u (local.get $k) (local.get $n))
      (then
        (local.set $z (f64.load (local.get $b)))
        (local.set $y (f64.load (local.get $a)))
        (f64.store (local.get $b) (f64.add (f64.mul (local.get $s) (local.get $y)) (f64.mul (local.get $c) (local.get $z))))
        (f64.store (local.get $a) (f64.sub (f64.mul (local.get $c) (local.get $y)) (f64.mul (local.get $s) (local.get $z)))))))

  ;; rank2(v, e, d, n, f, g): for k < n, V[k] = V[k] - (f E[k] + g D[k]) (the symmetric rank-2
  ;; update of Householder tridiagonalisation), two k per v128.
  (func (export "rank2") (param $v i32) (param $e i32) (param $d i32) (param $n i32) (param $f f64) (param $g f64)
    (local $k i32) (local $vf v128) (local $vg v128)
    (local.set $vf (f64x2.splat (local.get $f)))
    (local.set $vg (f64x2.splat (local.get $g)))
    (block $done (loop $next
      (br_if $done (i32.gt_u (i32.add (local.get $k) (i32.const 2)) (local.get $n)))
      (v128.store (local.get $v)
        (f64x2.sub (v128.load (local.get $v))
          (f64x2.add (f64x2.mul (local.get $vf) (v128.load (local.get $e))) (f64x2.mul (local.get $vg) (v128.load (local.get $d))))))
      (local.set $v (i32.add (local.get $v) (i32.const 16)))
      (local.set $e (i32.add (local.get $e) (i32.const 16)))
      (local.set $d (i32.add (local.get $d) (i32.const 16)))
      (local.set $k (i32.add (local.get $k) (i32.const 2)))
      (br $next)))
    (if (i32.lt_u (local.get $k) (local.get $n))
      (then
        (f64.store (local.get $v)
          (f64.sub (f64.load (local.get $v))
            (f64.add (f64.mul (local.get $f) (f64.load (local.get $e))) (f64.mul (local.get $g) (f64.load (local.get $d)))))))))

  ;; fft(re, im, n, tc, ts, sign): the butterfly passes of an iterative radix-2 Cooley-Tukey FFT
  ;; of length n (a power of two >= 2) on split real and imaginary arrays already in
  ;; bit-reversed order, twiddle exp(sign 2 pi i k / size): for size = 2, 4, ..., n, every
  ;; butterfly (a = start + k, b = a + size/2, w = (tc, sign ts) at k)
  ;;     tr = wr br - wi bi;  ti = wr bi + wi br;
  ;;     re[b] = ar - tr;  im[b] = ai - ti;  re[a] = ar + tr;  im[a] = ai + ti
  ;; exactly as src/linalg/fft.ts computes it (so the same bits), two butterflies (k, k + 1)
  ;; per v128 from size 4 on. tc / ts hold, for each stage of half size h, cos / sin of
  ;; 2 pi k / (2 h), k < h, at entries h - 1 .. 2 h - 2 (n - 1 entries in all).
  (func (export "fft") (param $re i32) (param $im i32) (param $n i32) (param $tc i32) (param $ts i32) (param $sign f64)
    (local $half i32) (local $start i32) (local $k i32) (local $a i32) (local $b i32) (local $t i32)
    (local $vsign v128) (local $wr v128) (local $wi v128) (local $ar v128) (local $ai v128) (local $br v128) (local $bi v128)
    (local $tr v128) (local $ti v128)
    (local $sr f64) (local $si f64) (local $xr f64) (local $xi f64) (local $yr f64) (local $yi f64) (local $ur f64) (local $ui f64)
    (local.set $vsign (f64x2.splat (local.get $sign)))
    ;; size 2 (one butterfly per start, twiddle k = 0), scalar
    (local.set $sr (f64.load (local.get $tc)))
    (local.set $si (f64.mul (local.get $sign) (f64.load (local.get $ts))))
    (local.set $start (i32.const 0))
    (block $done2 (loop $next2
      (br_if $done2 (i32.ge_u (local.get $start) (local.get $n)))
      (local.set $a (i32.shl (local.get $start) (i32.const 3)))
      (local.set $b (i32.add (local.get $a) (i32.const 8)))
      (local.set $yr (f64.load (i32.add (local.get $re) (local.get $b))))
      (local.set $yi (f64.load (i32.add (local.get $im) (local.get $b))))
      (local.set $ur (f64.sub (f64.mul (local.get $sr) (local.get $yr)) (f64.mul (local.get $si) (local.get $yi))))
      (local.set $ui (f64.add (f64.mul (local.get $sr) (local.get $yi)) (f64.mul (local.get $si) (local.get $yr))))
      (local.set $xr (f64.load (i32.add (local.get $re) (local.get $a))))
      (local.set $xi (f64.load (i32.add (local.get $im) (local.get $a))))
      (f64.store (i32.add (local.get $re) (local.get $b)) (f64.sub (local.get $xr) (local.get $ur)))
      (f64.store (i32.add (local.get $im) (local.get $b)) (f64.sub (local.get $xi) (local.get $ui)))
      (f64.store (i32.add (local.get $re) (local.get $a)) (f64.add (local.get $xr) (local.get $ur)))
      (f64.store (i32.add (local.get $im) (local.get $a)) (f64.add (local.get $xi) (local.get $ui)))
      (local.set $start (i32.add (local.get $start) (i32.const 2)))
      (br $next2)))
    ;; sizes 4 .. n, two butterflies per v128
    (local.set $half (i32.const 2))
    (block $stages (loop $stage
      (br_if $stages (i32.ge_u (local.get $half) (local.get $n)))
      (local.set $start (i32.const 0))
      (block $starts (loop $nextStart
        (br_if $starts (i32.ge_u (local.get $start) (local.get $n)))
        (local.set $k (i32.const 0))
        (block $ks (loop $nextK
          (br_if $ks (i32.ge_u (local.get $k) (local.get $half)))
          (local.set $t (i32.shl (i32.add (i32.sub (local.get $half) (i32.const 1)) (local.get $k)) (i32.const 3)))
          (local.set $wr (v128.load (i32.add (local.get $tc) (local.get $t))))
          (local.set $wi (f64x2.mul (local.get $vsign) (v128.load (i32.add (local.get $ts) (local.get $t)))))
          (local.set $a (i32.shl (i32.add (local.get $start) (local.get $k)) (i32.const 3)))
          (local.set $b (i32.add (local.get $a) (i32.shl (local.get $half) (i32.const 3))))
          (local.set $br (v128.load (i32.add (local.get $re) (local.get $b))))
          (local.set $bi (v128.load (i32.add (local.get $im) (local.get $b))))
          (local.set $tr (f64x2.sub (f64x2.mul (local.get $wr) (local.get $br)) (f64x2.mul (local.get $wi) (local.get $bi))))
          (local.set $ti (f64x2.add (f64x2.mul (local.get $wr) (local.get $bi)) (f64x2.mul (local.get $wi) (local.get $br))))
          (local.set $ar (v128.load (i32.add (local.get $re) (local.get $a))))
          (local.set $ai (v128.load (i32.add (local.get $im) (local.get $a))))
          (v128.store (i32.add (local.get $re) (local.get $b)) (f64x2.sub (local.get $ar) (local.get $tr)))
          (v128.store (i32.add (local.get $im) (local.get $b)) (f64x2.sub (local.get $ai) (local.get $ti)))
          (v128.store (i32.add (local.get $re) (local.get $a)) (f64x2.add (local.get $ar) (local.get $tr)))
          (v128.store (i32.add (local.get $im) (local.get $a)) (f64x2.add (local.get $ai) (local.get $ti)))
          (local.set $k (i32.add (local.get $k) (i32.const 2)))
          (br $nextK)))
        (local.set $start (i32.add (local.get $start) (i32.shl (local.get $half) (i32.const 1))))
        (br $nextStart)))
      (local.set $half (i32.shl (local.get $half) (i32.const 1)))
      (br $stage))))

  ;; scale(x, n, s): x[k] = x[k] * s for k < n (the 1/n of an inverse FFT).
  (func (export "scale") (param $x i32) (param $n i32) (param $s f64)
    (local $k i32) (local $vs v128)
    (local.set $vs (f64x2.splat (local.get $s)))
    (block $done (loop $next
      (br_if $done (i32.gt_u (i32.add (local.get $k) (i32.const 2)) (local.get $n)))
      (v128.store (local.get $x) (f64x2.mul (v128.load (local.get $x)) (local.get $vs)))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $k (i32.add (local.get $k) (i32.const 2)))
      (br $next)))
    (if (i32.lt_u (local.get $k) (local.get $n))
      (then (f64.store (local.get $x) (f64.mul (f64.load (local.get $x)) (local.get $s))))))

  ;; scaledRows(out, ldo, coef, m, rows, cols): out[i ldo + j] = out[i ldo + j] + coef[i] M[i cols + j]
  ;; for i < rows with coef[i] != 0 and j < cols (out_block += diag(coef) M, the building block of
  ;; the cells' analytic Jacobians, as src/cells/internal/rows.ts addScaledRows), two j per v128.
  (func (export "scaledRows") (param $out i32) (param $ldo i32) (param $coef i32) (param $m i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $j i32) (local $o i32) (local $b i32) (local $c f64) (local $vc v128)
    (local.set $ldo (i32.shl (local.get $ldo) (i32.const 3)))
    (block $rdone (loop $rnext
      (br_if $rdone (i32.ge_u (local.get $i) (local.get $rows)))
      (local.set $c (f64.load (i32.add (local.get $coef) (i32.shl (local.get $i) (i32.const 3)))))
      (if (f64.ne (local.get $c) (f64.const 0))
        (then
          (local.set $vc (f64x2.splat (local.get $c)))
          (local.set $o (i32.add (local.get $out) (i32.mul (local.get $i) (local.get $ldo))))
          (local.set $b (i32.add (local.get $m) (i32.shl (i32.mul (local.get $i) (local.get $cols)) (i32.const 3))))
          (local.set $j (i32.const 0))
          (block $done (loop $next
            (br_if $done (i32.gt_u (i32.add (local.get $j) (i32.const 2)) (local.get $cols)))
            (v128.store (local.get $o) (f64x2.add (v128.load (local.get $o)) (f64x2.mul (local.get $vc) (v128.load (local.get $b)))))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (local.set $b (i32.add (local.get $b) (i32.const 16)))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $next)))
          (if (i32.lt_u (local.get $j) (local.get $cols))
            (then (f64.store (local.get $o) (f64.add (f64.load (local.get $o)) (f64.mul (local.get $c) (f64.load (local.get $b)))))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rnext))))

  ;; herm(are, aim, yre, yim, r, F, nb, ystride): cross-spectra of nb sequences' half spectra
  ;; (sequence b's spectrum of component c at frequency f at entry b ystride + f r + c), summed
  ;; over the upper-triangle pairs p = (i <= j), p in row order:
  ;;     for f < F, for b < nb, for i < r, for j = i .. r-1 (idx = f P + p, P = r (r + 1) / 2):
  ;;         Are[idx] = (Are[idx] + ar br) + ai bi;  Aim[idx] = (Aim[idx] + ar bi) - ai br
  ;; with (ar, ai) = Y_b,i(f), (br, bi) = Y_b,j(f): the JS loop's operations (the same bits), two
  ;; j per v128.
  (func (export "herm") (param $are i32) (param $aim i32) (param $yre i32) (param $yim i32)
                        (param $r i32) (param $F i32) (param $nb i32) (param $ystride i32)
    (local $f i32) (local $b i32) (local $i i32) (local $j i32) (local $yo i32) (local $o i32) (local $y i32)
    (local $base i32) (local $P8 i32)
    (local $ar v128) (local $ai v128) (local $br v128) (local $bi v128)
    (local $sr f64) (local $si f64) (local $tr f64) (local $ti f64)
    (local.set $P8 (i32.shl (i32.shr_u (i32.mul (local.get $r) (i32.add (local.get $r) (i32.const 1))) (i32.const 1)) (i32.const 3)))
    (block $fdone (loop $fnext
      (br_if $fdone (i32.ge_u (local.get $f) (local.get $F)))
      (local.set $b (i32.const 0))
      (block $bdone (loop $bnext
        (br_if $bdone (i32.ge_u (local.get $b) (local.get $nb)))
        (local.set $yo (i32.shl (i32.add (i32.mul (local.get $b) (local.get $ystride)) (i32.mul (local.get $f) (local.get $r))) (i32.const 3)))
        (local.set $o (i32.mul (local.get $f) (local.get $P8)))
        (local.set $i (i32.const 0))
        (block $idone (loop $inext
          (br_if $idone (i32.ge_u (local.get $i) (local.get $r)))
          (local.set $y (i32.add (local.get $yo) (i32.shl (local.get $i) (i32.const 3))))
          (local.set $sr (f64.load (i32.add (local.get $yre) (local.get $y))))
          (local.set $si (f64.load (i32.add (local.get $yim) (local.get $y))))
          (local.set $ar (f64x2.splat (local.get $sr)))
          (local.set $ai (f64x2.splat (local.get $si)))
          (local.set $j (local.get $i))
          (block $jdone (loop $jnext
            (br_if $jdone (i32.gt_u (i32.add (local.get $j) (i32.const 2)) (local.get $r)))
            (local.set $y (i32.add (local.get $yo) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $br (v128.load (i32.add (local.get $yre) (local.get $y))))
            (local.set $bi (v128.load (i32.add (local.get $yim) (local.get $y))))
            (local.set $base (i32.add (local.get $are) (local.get $o)))
            (v128.store (local.get $base)
              (f64x2.add (f64x2.add (v128.load (local.get $base)) (f64x2.mul (local.get $ar) (local.get $br))) (f64x2.mul (local.get $ai) (local.get $bi))))
            (local.set $base (i32.add (local.get $aim) (local.get $o)))
            (v128.store (local.get $base)
              (f64x2.sub (f64x2.add (v128.load (local.get $base)) (f64x2.mul (local.get $ar) (local.get $bi))) (f64x2.mul (local.get $ai) (local.get $br))))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $jnext)))
          (if (i32.lt_u (local.get $j) (local.get $r))
            (then
              (local.set $y (i32.add (local.get $yo) (i32.shl (local.get $j) (i32.const 3))))
              (local.set $tr (f64.load (i32.add (local.get $yre) (local.get $y))))
              (local.set $ti (f64.load (i32.add (local.get $yim) (local.get $y))))
              (local.set $base (i32.add (local.get $are) (local.get $o)))
              (f64.store (local.get $base)
                (f64.add (f64.add (f64.load (local.get $base)) (f64.mul (local.get $sr) (local.get $tr))) (f64.mul (local.get $si) (local.get $ti))))
              (local.set $base (i32.add (local.get $aim) (local.get $o)))
              (f64.store (local.get $base)
                (f64.sub (f64.add (f64.load (local.get $base)) (f64.mul (local.get $sr) (local.get $ti))) (f64.mul (local.get $si) (local.get $tr))))
              (local.set $o (i32.add (local.get $o) (i32.const 8)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $inext)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bnext)))
      (local.set $f (i32.add (local.get $f) (i32.const 1)))
      (br $fnext))))

  ;; cross(are, aim, lre, lim, rre, rim, r, F): one ordered cross-spectrum term over all pairs:
  ;;     for f < F, i < r, j < r (idx = f r^2 + i r + j):
  ;;         Are[idx] = (Are[idx] + ar br) + ai bi;  Aim[idx] = (Aim[idx] + ar bi) - ai br
  ;; with (ar, ai) = L_i(f), (br, bi) = R_j(f) at entries f r + i, f r + j: the JS loop's
  ;; operations, two j per v128.
  (func (export "cross") (param $are i32) (param $aim i32) (param $lre i32) (param $lim i32) (param $rre i32) (param $rim i32)
                         (param $r i32) (param $F i32)
    (local $f i32) (local $i i32) (local $j i32) (local $lo i32) (local $ro i32) (local $o i32) (local $y i32) (local $base i32)
    (local $ar v128) (local $ai v128) (local $br v128) (local $bi v128)
    (local $sr f64) (local $si f64) (local $tr f64) (local $ti f64)
    (block $fdone (loop $fnext
      (br_if $fdone (i32.ge_u (local.get $f) (local.get $F)))
      (local.set $lo (i32.shl (i32.mul (local.get $f) (local.get $r)) (i32.const 3)))
      (local.set $ro (local.get $lo))
      (local.set $o (i32.shl (i32.mul (i32.mul (local.get $f) (local.get $r)) (local.get $r)) (i32.const 3)))
      (local.set $i (i32.const 0))
      (block $idone (loop $inext
        (br_if $idone (i32.ge_u (local.get $i) (local.get $r)))
        (local.set $y (i32.add (local.get $lo) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $sr (f64.load (i32.add (local.get $lre) (local.get $y))))
        (local.set $si (f64.load (i32.add (local.get $lim) (local.get $y))))
        (local.set $ar (f64x2.splat (local.get $sr)))
        (local.set $ai (f64x2.splat (local.get $si)))
        (local.set $j (i32.const 0))
        (block $jdone (loop $jnext
          (br_if $jdone (i32.gt_u (i32.add (local.get $j) (i32.const 2)) (local.get $r)))
          (local.set $y (i32.add (local.get $ro) (i32.shl (local.get $j) (i32.const 3))))
          (local.set $br (v128.load (i32.add (local.get $rre) (local.get $y))))
          (local.set $bi (v128.load (i32.add (local.get $rim) (local.get $y))))
          (local.set $base (i32.add (local.get $are) (local.get $o)))
          (v128.store (local.get $base)
            (f64x2.add (f64x2.add (v128.load (local.get $base)) (f64x2.mul (local.get $ar) (local.get $br))) (f64x2.mul (local.get $ai) (local.get $bi))))
          (local.set $base (i32.add (local.get $aim) (local.get $o)))
          (v128.store (local.get $base)
            (f64x2.sub (f64x2.add (v128.load (local.get $base)) (f64x2.mul (local.get $ar) (local.get $bi))) (f64x2.mul (local.get $ai) (local.get $br))))
          (local.set $o (i32.add (local.get $o) (i32.const 16)))
          (local.set $j (i32.add (local.get $j) (i32.const 2)))
          (br $jnext)))
        (if (i32.lt_u (local.get $j) (local.get $r))
          (then
            (local.set $y (i32.add (local.get $ro) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $tr (f64.load (i32.add (local.get $rre) (local.get $y))))
            (local.set $ti (f64.load (i32.add (local.get $rim) (local.get $y))))
            (local.set $base (i32.add (local.get $are) (local.get $o)))
            (f64.store (local.get $base)
              (f64.add (f64.add (f64.load (local.get $base)) (f64.mul (local.get $sr) (local.get $tr))) (f64.mul (local.get $si) (local.get $ti))))
            (local.set $base (i32.add (local.get $aim) (local.get $o)))
            (f64.store (local.get $base)
              (f64.sub (f64.add (f64.load (local.get $base)) (f64.mul (local.get $sr) (local.get $ti))) (f64.mul (local.get $si) (local.get $tr))))
            (local.set $o (i32.add (local.get $o) (i32.const 8)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $inext)))
      (local.set $f (i32.add (local.get $f) (i32.const 1)))
      (br $fnext))))

  ;; ---------------------------------------------------------------------------------------
  ;; exp, expm1, tanh and the logistic sigmoid on two lanes, bit for bit V8's Math.exp /
  ;; Math.tanh (src/base/ieee754.cc: fdlibm's e_exp.c, s_expm1.c, s_tanh.c) and
  ;; src/cells/activations.ts sigmoid: every lane performs exactly the scalar code's IEEE
  ;; operations on its own branch (all branches are computed, each lane's is selected), so the
  ;; results are the same bits. Each function has a domain; the callers send lanes outside it
  ;; (NaN, infinities, overflow ranges: never met by a stable cell) to the JS functions.
  ;;
  ;; References: Sun Microsystems fdlibm 5.3 (e_exp.c, s_expm1.c, s_tanh.c); W. J. Cody &
  ;; W. Waite, Software Manual for the Elementary Functions, Prentice-Hall 1980.
  ;; ---------------------------------------------------------------------------------------

  ;; exp(a), fdlibm e_exp.c, for lanes with |a| < 708 (so no overflow, k >= -1021, a != 1).
  (func $expv (param $a v128) (result v128)
    (local $hx v128) (local $big v128) (local $mid v128) (local $tiny v128)
    (local $hi v128) (local $lo v128) (local $k v128) (local $t v128) (local $x v128) (local $c v128)
    (local $y0 v128) (local $yk v128) (local $sign v128)
    (local.set $hx (i64x2.shr_u (f64x2.abs (local.get $a)) (i32.const 32)))
    (local.set $big (i64x2.gt_s (local.get $hx) (i64x2.splat (i64.const 0x3fd62e42))))
    (local.set $mid (i64x2.lt_s (local.get $hx) (i64x2.splat (i64.const 0x3ff0a2b2))))
    (local.set $tiny (i64x2.lt_s (local.get $hx) (i64x2.splat (i64.const 0x3e300000))))
    (local.set $sign (v128.const i64x2 0x8000000000000000 0x8000000000000000))
    ;; |a| in (0.5 ln2, 1.5 ln2): hi = a - ln2HI[s], lo = ln2LO[s], k = 1 - 2 s (s: sign bit)
    ;; |a| >= 1.5 ln2: k = (int)(invln2 a + halF[s]), hi = a - k ln2HI[0], lo = k ln2LO[0]
    (local.set $k (f64x2.convert_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero
      (f64x2.add (f64x2.mul (f64x2.splat (f64.const 1.44269504088896338700e+00)) (local.get $a))
                 (v128.bitselect (local.get $a) (f64x2.splat (f64.const 0.5)) (local.get $sign))))))
    (local.set $hi (v128.bitselect
      (f64x2.sub (local.get $a) (v128.bitselect (local.get $a) (f64x2.splat (f64.const 6.93147180369123816490e-01)) (local.get $sign)))
      (f64x2.sub (local.get $a) (f64x2.mul (local.get $k) (f64x2.splat (f64.const 6.93147180369123816490e-01))))
      (local.get $mid)))
    (local.set $lo (v128.bitselect
      (v128.bitselect (local.get $a) (f64x2.splat (f64.const 1.90821492927058770002e-10)) (local.get $sign))
      (f64x2.mul (local.get $k) (f64x2.splat (f64.const 1.90821492927058770002e-10)))
      (local.get $mid)))
    (local.set $k (v128.bitselect
      (v128.bitselect (local.get $a) (f64x2.splat (f64.const 1)) (local.get $sign))
      (local.get $k)
      (local.get $mid)))
    ;; |a| <= 0.5 ln2: k = 0 and x = a; else x = hi - lo
    (local.set $x (v128.bitselect (f64x2.sub (local.get $hi) (local.get $lo)) (local.get $a) (local.get $big)))
    (local.set $t (f64x2.mul (local.get $x) (local.get $x)))
    (local.set $c (f64x2.sub (local.get $x) (f64x2.mul (local.get $t)
      (f64x2.add (f64x2.splat (f64.const 1.66666666666666019037e-01)) (f64x2.mul (local.get $t)
      (f64x2.add (f64x2.splat (f64.const -2.77777777770155933842e-03)) (f64x2.mul (local.get $t)
      (f64x2.add (f64x2.splat (f64.const 6.61375632143793436117e-05)) (f64x2.mul (local.get $t)
      (f64x2.add (f64x2.splat (f64.const -1.65339022054652515390e-06)) (f64x2.mul (local.get $t)
        (f64x2.splat (f64.const 4.13813679705723846039e-08)))))))))))))
    ;; q = (x c) / (c - 2) when k == 0, (x c) / (2 - c) otherwise (one division per lane)
    (local.set $t (f64x2.div (f64x2.mul (local.get $x) (local.get $c))
      (v128.bitselect (f64x2.sub (f64x2.splat (f64.const 2)) (local.get $c)) (f64x2.sub (local.get $c) (f64x2.splat (f64.const 2))) (local.get $big))))
    ;; k == 0: 1 - (q - x)
    (local.set $y0 (f64x2.sub (f64x2.splat (f64.const 1)) (f64x2.sub (local.get $t) (local.get $x))))
    ;; k != 0: (1 - ((lo - q) - hi)) 2^k
    (local.set $yk (f64x2.mul
      (f64x2.sub (f64x2.splat (f64.const 1)) (f64x2.sub (f64x2.sub (local.get $lo) (local.get $t)) (local.get $hi)))
      (i64x2.shl (i64x2.add (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $k))) (i64x2.splat (i64.const 1023))) (i32.const 52))))
    ;; |a| < 2^-28: 1 + a
    (v128.bitselect (f64x2.add (f64x2.splat (f64.const 1)) (local.get $a))
      (v128.bitselect (local.get $yk) (local.get $y0) (local.get $big))
      (local.get $tiny)))

  ;; expm1(a), fdlibm s_expm1.c, for lanes with 2^-54 <= |a| < 38 or 0 < a < 700.
  (func $expm1v (param $a v128) (result v128)
    (local $hx v128) (local $big v128) (local $mid v128) (local $sign v128)
    (local $k v128) (local $hi v128) (local $lo v128) (local $x v128) (local $c v128)
    (local $hfx v128) (local $hxs v128) (local $r1 v128) (local $t v128) (local $e v128) (local $twopk v128)
    (local $one v128) (local $r v128) (local $twomk v128) (local $m v128)
    (local.set $one (f64x2.splat (f64.const 1)))
    (local.set $sign (v128.const i64x2 0x8000000000000000 0x8000000000000000))
    (local.set $hx (i64x2.shr_u (f64x2.abs (local.get $a)) (i32.const 32)))
    (local.set $big (i64x2.gt_s (local.get $hx) (i64x2.splat (i64.const 0x3fd62e42))))
    (local.set $mid (i64x2.lt_s (local.get $hx) (i64x2.splat (i64.const 0x3ff0a2b2))))
    (local.set $k (f64x2.convert_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero
      (f64x2.add (f64x2.mul (f64x2.splat (f64.const 1.44269504088896338700e+00)) (local.get $a))
                 (v128.bitselect (local.get $a) (f64x2.splat (f64.const 0.5)) (local.get $sign))))))
    ;; (0.5 ln2, 1.5 ln2): a > 0: hi = a - ln2_hi, lo = ln2_lo, k = 1; a < 0: hi = a + ln2_hi, lo = -ln2_lo, k = -1
    (local.set $hi (v128.bitselect
      (f64x2.sub (local.get $a) (v128.bitselect (local.get $a) (f64x2.splat (f64.const 6.93147180369123816490e-01)) (local.get $sign)))
      (f64x2.sub (local.get $a) (f64x2.mul (local.get $k) (f64x2.splat (f64.const 6.93147180369123816490e-01))))
      (local.get $mid)))
    (local.set $lo (v128.bitselect
      (v128.bitselect (local.get $a) (f64x2.splat (f64.const 1.90821492927058770002e-10)) (local.get $sign))
      (f64x2.mul (local.get $k) (f64x2.splat (f64.const 1.90821492927058770002e-10)))
      (local.get $mid)))
    (local.set $k (v128.bitselect
      (v128.bitselect (local.get $a) (local.get $one) (local.get $sign))
      (local.get $k)
      (local.get $mid)))
    ;; |a| <= 0.5 ln2: k = 0, x = a (c unused)
    (local.set $k (v128.and (local.get $k) (local.get $big)))
    (local.set $x (v128.bitselect (f64x2.sub (local.get $hi) (local.get $lo)) (local.get $a) (local.get $big)))
    (local.set $c (f64x2.sub (f64x2.sub (local.get $hi) (local.get $x)) (local.get $lo)))
    (local.set $hfx (f64x2.mul (f64x2.splat (f64.const 0.5)) (local.get $x)))
    (local.set $hxs (f64x2.mul (local.get $x) (local.get $hfx)))
    (local.set $r1 (f64x2.add (local.get $one) (f64x2.mul (local.get $hxs)
      (f64x2.add (f64x2.splat (f64.const -3.33333333333331316428e-02)) (f64x2.mul (local.get $hxs)
      (f64x2.add (f64x2.splat (f64.const 1.58730158725481460165e-03)) (f64x2.mul (local.get $hxs)
      (f64x2.add (f64x2.splat (f64.const -7.93650757867487942473e-05)) (f64x2.mul (local.get $hxs)
      (f64x2.add (f64x2.splat (f64.const 4.00821782732936239552e-06)) (f64x2.mul (local.get $hxs)
        (f64x2.splat (f64.const -2.01099218183624371326e-07)))))))))))))
    (local.set $t (f64x2.sub (f64x2.splat (f64.const 3)) (f64x2.mul (local.get $r1) (local.get $hfx))))
    (local.set $e (f64x2.mul (local.get $hxs) (f64x2.div (f64x2.sub (local.get $r1) (local.get $t))
      (f64x2.sub (f64x2.splat (f64.const 6)) (f64x2.mul (local.get $x) (local.get $t))))))
    ;; k == 0: x - (x e - hxs)
    (local.set $r (f64x2.sub (local.get $x) (f64x2.sub (f64x2.mul (local.get $x) (local.get $e)) (local.get $hxs))))
    ;; k != 0: e = x (e - c) - c; e -= hxs, then the branch of each lane's k (a branch is
    ;; evaluated only when some lane takes it)
    (if (v128.any_true (local.get $big))
      (then
        (local.set $twopk (i64x2.shl (i64x2.add (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $k))) (i64x2.splat (i64.const 1023))) (i32.const 52)))
        (local.set $twomk (i64x2.shl (i64x2.add (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (f64x2.neg (local.get $k)))) (i64x2.splat (i64.const 1023))) (i32.const 52)))
        (local.set $e (f64x2.sub (f64x2.sub (f64x2.mul (local.get $x) (f64x2.sub (local.get $e) (local.get $c))) (local.get $c)) (local.get $hxs)))
        ;; k == -1: 0.5 (x - e) - 0.5
        (local.set $m (f64x2.eq (local.get $k) (f64x2.splat (f64.const -1))))
        (if (v128.any_true (local.get $m))
          (then (local.set $r (v128.bitselect
            (f64x2.sub (f64x2.mul (f64x2.splat (f64.const 0.5)) (f64x2.sub (local.get $x) (local.get $e))) (f64x2.splat (f64.const 0.5)))
            (local.get $r) (local.get $m)))))
        ;; k == 1: x < -0.25 ? -2 (e - (x + 0.5)) : 1 + 2 (x - e)
        (local.set $m (f64x2.eq (local.get $k) (local.get $one)))
        (if (v128.any_true (local.get $m))
          (then (local.set $r (v128.bitselect
            (v128.bitselect
              (f64x2.mul (f64x2.splat (f64.const -2)) (f64x2.sub (local.get $e) (f64x2.add (local.get $x) (f64x2.splat (f64.const 0.5)))))
              (f64x2.add (local.get $one) (f64x2.mul (f64x2.splat (f64.const 2)) (f64x2.sub (local.get $x) (local.get $e))))
              (f64x2.lt (local.get $x) (f64x2.splat (f64.const -0.25))))
            (local.get $r) (local.get $m)))))
        ;; k <= -2 or k > 56: y = 1 - (e - x); y 2^k - 1
        (local.set $m (v128.or (f64x2.le (local.get $k) (f64x2.splat (f64.const -2))) (f64x2.gt (local.get $k) (f64x2.splat (f64.const 56)))))
        (if (v128.any_true (local.get $m))
          (then (local.set $r (v128.bitselect
            (f64x2.sub (f64x2.mul (f64x2.sub (local.get $one) (f64x2.sub (local.get $e) (local.get $x))) (local.get $twopk)) (local.get $one))
            (local.get $r) (local.get $m)))))
        ;; 2 <= k < 20: t = 1 - 2^-k; y = t - (e - x); y 2^k
        (local.set $m (v128.and (f64x2.ge (local.get $k) (f64x2.splat (f64.const 2))) (f64x2.lt (local.get $k) (f64x2.splat (f64.const 20)))))
        (if (v128.any_true (local.get $m))
          (then (local.set $r (v128.bitselect
            (f64x2.mul (f64x2.sub (f64x2.sub (local.get $one) (local.get $twomk)) (f64x2.sub (local.get $e) (local.get $x))) (local.get $twopk))
            (local.get $r) (local.get $m)))))
        ;; 20 <= k <= 56: t = 2^-k; y = x - (e + t); y += 1; y 2^k
        (local.set $m (v128.and (f64x2.ge (local.get $k) (f64x2.splat (f64.const 20))) (f64x2.le (local.get $k) (f64x2.splat (f64.const 56)))))
        (if (v128.any_true (local.get $m))
          (then (local.set $r (v128.bitselect
            (f64x2.mul (f64x2.add (f64x2.sub (local.get $x) (f64x2.add (local.get $e) (local.get $twomk))) (local.get $one)) (local.get $twopk))
            (local.get $r) (local.get $m)))))))
    (local.get $r))

  ;; tanh(x), fdlibm s_tanh.c, for finite lanes.
  (func $tanhv (param $x v128) (result v128)
    (local $ix v128) (local $ge1 v128) (local $ax v128) (local $t v128) (local $z v128)
    (local.set $ax (f64x2.abs (local.get $x)))
    (local.set $ix (i64x2.shr_u (f64x2.abs (local.get $x)) (i32.const 32)))
    (local.set $ge1 (i64x2.ge_s (local.get $ix) (i64x2.splat (i64.const 0x3ff00000))))
    ;; |x| >= 1: t = expm1(2 |x|), z = 1 - 2 / (t + 2); else t = expm1(-2 |x|), z = -t / (t + 2)
    (local.set $t (call $expm1v (v128.bitselect
      (f64x2.mul (f64x2.splat (f64.const 2)) (local.get $ax))
      (f64x2.mul (f64x2.splat (f64.const -2)) (local.get $ax))
      (local.get $ge1))))
    ;; one division per lane: q = (|x| >= 1 ? 2 : -t) / (t + 2); z = |x| >= 1 ? 1 - q : q
    (local.set $z (f64x2.div
      (v128.bitselect (f64x2.splat (f64.const 2)) (f64x2.neg (local.get $t)) (local.get $ge1))
      (f64x2.add (local.get $t) (f64x2.splat (f64.const 2)))))
    (local.set $z (v128.bitselect (f64x2.sub (f64x2.splat (f64.const 1)) (local.get $z)) (local.get $z) (local.get $ge1)))
    ;; |x| >= 22: z = 1 - tiny (= 1)
    (local.set $z (v128.bitselect
      (f64x2.sub (f64x2.splat (f64.const 1)) (f64x2.splat (f64.const 1e-300)))
      (local.get $z)
      (i64x2.ge_s (local.get $ix) (i64x2.splat (i64.const 0x40360000)))))
    ;; sign of x; |x| < 2^-28: x itself
    (v128.bitselect
      (local.get $x)
      (v128.bitselect (local.get $x) (local.get $z) (v128.const i64x2 0x8000000000000000 0x8000000000000000))
      (i64x2.lt_s (local.get $ix) (i64x2.splat (i64.const 0x3e300000)))))

  ;; sigmoid(x) = x >= 0 ? 1 / (1 + exp(-x)) : e / (1 + e), e = exp(x): exp of -|x| either way.
  (func $sigmoidv (param $x v128) (result v128)
    (local $e v128)
    (local.set $e (call $expv (f64x2.neg (f64x2.abs (local.get $x)))))
    ;; one division per lane: (x >= 0 ? 1 : e) / (1 + e)
    (f64x2.div
      (v128.bitselect (f64x2.splat (f64.const 1)) (local.get $e) (f64x2.ge (local.get $x) (f64x2.splat (f64.const 0))))
      (f64x2.add (f64x2.splat (f64.const 1)) (local.get $e))))

  ;; Lanes that the vector functions do not cover: sigmoid needs |x| < 708 (not NaN); tanh
  ;; needs a finite x. Returns a nonzero i32 when either lane of (s1, s2, t) is outside.
  (func $outside (param $s1 v128) (param $s2 v128) (param $t v128) (result i32)
    (v128.any_true (v128.or (v128.or
      (v128.not (f64x2.lt (f64x2.abs (local.get $s1)) (f64x2.splat (f64.const 708))))
      (v128.not (f64x2.lt (f64x2.abs (local.get $s2)) (f64x2.splat (f64.const 708)))))
      (v128.not (f64x2.lt (f64x2.abs (local.get $t)) (f64x2.splat (f64.const inf)))))))

;; vmath(x, out, n, which): out[i] = sigmoid(x[i]) (which 0) or tanh(x[i]) (which 1) for
  ;; the pairs i, i+1 < n inside the domain; returns the number of leading entries done (it
  ;; stops at the first pair outside; for tests).
  (func (export "vmath") (param $x i32) (param $out i32) (param $n i32) (param $which i32) (result i32)
    (local $i i32) (local $v v128)
    (block $done (loop $next
      (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 2)) (local.get $n)))
      (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3)))))
      (if (local.get $which)
        (then
          (br_if $done (call $outside (f64x2.splat (f64.const 0)) (f64x2.splat (f64.const 0)) (local.get $v)))
          (v128.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))) (call $tanhv (local.get $v))))
        (else
          (br_if $done (call $outside (local.get $v) (f64x2.splat (f64.const 0)) (f64x2.splat (f64.const 0))))
          (v128.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))) (call $sigmoidv (local.get $v)))))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (br $next)))
    (local.get $i))

  ;; gruGates(A, B, S, next, pre, bias, n, h, exc): the elementwise part of the batched GRU step
  ;; (reset after), for rows b < n and units i (pairs of i; an odd last unit goes to exc):
  ;;     az = (A_z + b_z) + (B_z + c_z),  ar = (A_r + b_r) + (B_r + c_r)   (pre: az, ar)
  ;;     z = sigmoid(az), r = sigmoid(ar), an = (A_n + b_n) + r (B_n + c_n)
  ;;     next = z h + (1 - z) tanh(an)
  ;; exactly src/cells/gru.ts's JS loop per unit (the same bits). A and B are n x 3h ([z | r | n]
  ;; parts of W x and U h), S and next n x h, pre n x 2h (pre = 0: not written), bias 6h
  ;; ([b_z | c_z | b_r | c_r | b_n | c_n]). Units whose pair has an argument outside the vector
  ;; functions' domains are not written: their flat indices b h + i (the pair's first unit) go
  ;; to exc (i32); returns how many.
  (func (export "gruGates") (param $A i32) (param $B i32) (param $S i32) (param $next i32) (param $pre i32)
                            (param $bias i32) (param $n i32) (param $h i32) (param $exc i32) (result i32)
    (local $b i32) (local $i i32) (local $count i32) (local $h8 i32) (local $ra i32) (local $rb i32) (local $rs i32) (local $rp i32)
    (local $o i32) (local $az v128) (local $ar v128) (local $z v128) (local $r v128) (local $an v128) (local $one v128)
    (local.set $h8 (i32.shl (local.get $h) (i32.const 3)))
    (local.set $one (f64x2.splat (f64.const 1)))
    (block $bdone (loop $bnext
      (br_if $bdone (i32.ge_u (local.get $b) (local.get $n)))
      (local.set $ra (i32.add (local.get $A) (i32.mul (local.get $b) (i32.mul (local.get $h8) (i32.const 3)))))
      (local.set $rb (i32.add (local.get $B) (i32.mul (local.get $b) (i32.mul (local.get $h8) (i32.const 3)))))
      (local.set $rs (i32.mul (local.get $b) (local.get $h8)))
      (local.set $rp (i32.add (local.get $pre) (i32.mul (local.get $b) (i32.shl (local.get $h8) (i32.const 1)))))
      (local.set $i (i32.const 0))
      (block $idone (loop $inext
        (br_if $idone (i32.ge_u (local.get $i) (local.get $h)))
        (if (i32.gt_u (i32.add (local.get $i) (i32.const 2)) (local.get $h))
          (then
            ;; odd last unit: to the JS loop
            (i32.store (i32.add (local.get $exc) (i32.shl (local.get $count) (i32.const 2))) (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $i)))
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            (br $idone)))
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (local.set $az (f64x2.add
          (f64x2.add (v128.load (i32.add (local.get $ra) (local.get $o))) (v128.load (i32.add (local.get $bias) (local.get $o))))
          (f64x2.add (v128.load (i32.add (local.get $rb) (local.get $o))) (v128.load (i32.add (i32.add (local.get $bias) (local.get $h8)) (local.get $o))))))
        (local.set $ar (f64x2.add
          (f64x2.add (v128.load (i32.add (i32.add (local.get $ra) (local.get $h8)) (local.get $o))) (v128.load (i32.add (i32.add (local.get $bias) (i32.shl (local.get $h8) (i32.const 1))) (local.get $o))))
          (f64x2.add (v128.load (i32.add (i32.add (local.get $rb) (local.get $h8)) (local.get $o))) (v128.load (i32.add (i32.add (local.get $bias) (i32.mul (local.get $h8) (i32.const 3))) (local.get $o))))))
        (if (local.get $pre)
          (then
            (v128.store (i32.add (local.get $rp) (local.get $o)) (local.get $az))
            (v128.store (i32.add (i32.add (local.get $rp) (local.get $h8)) (local.get $o)) (local.get $ar))))
        (if (call $outside (local.get $az) (local.get $ar) (f64x2.splat (f64.const 0)))
          (then
            (i32.store (i32.add (local.get $exc) (i32.shl (local.get $count) (i32.const 2))) (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $i)))
            (local.set $count (i32.add (local.get $count) (i32.const 1))))
          (else
            (local.set $z (call $sigmoidv (local.get $az)))
            (local.set $r (call $sigmoidv (local.get $ar)))
            (local.set $an (f64x2.add
              (f64x2.add (v128.load (i32.add (i32.add (local.get $ra) (i32.shl (local.get $h8) (i32.const 1))) (local.get $o)))
                         (v128.load (i32.add (i32.add (local.get $bias) (i32.shl (local.get $h8) (i32.const 2))) (local.get $o))))
              (f64x2.mul (local.get $r)
                (f64x2.add (v128.load (i32.add (i32.add (local.get $rb) (i32.shl (local.get $h8) (i32.const 1))) (local.get $o)))
                           (v128.load (i32.add (i32.add (local.get $bias) (i32.mul (local.get $h8) (i32.const 5))) (local.get $o)))))))
            (if (call $outside (f64x2.splat (f64.const 0)) (f64x2.splat (f64.const 0)) (local.get $an))
              (then
                (i32.store (i32.add (local.get $exc) (i32.shl (local.get $count) (i32.const 2))) (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $i)))
                (local.set $count (i32.add (local.get $count) (i32.const 1))))
              (else
                (v128.store (i32.add (i32.add (local.get $next) (local.get $rs)) (local.get $o))
                  (f64x2.add
                    (f64x2.mul (local.get $z) (v128.load (i32.add (i32.add (local.get $S) (local.get $rs)) (local.get $o))))
                    (f64x2.mul (f64x2.sub (local.get $one) (local.get $z)) (call $tanhv (local.get $an)))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $inext)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bnext)))
    (local.get $count))
)
