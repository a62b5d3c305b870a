;; lrdkit's float32 training kernels: one GRU or LSTM block over a whole sequence, forward and
;; backpropagation through time, in WebAssembly SIMD128 (f32x4). Compiled by
;; scripts/build-wasm.mjs (npm run wasm) into recurrentWasm.ts, loaded by ../wholeSequence.ts,
;; which lays the operands out in this module's memory. This text file is the source.
;;
;; Layout (all float32, row-major, pointers and strides in bytes). n is the block width hb
;; padded to a multiple of 4, B the batch padded to a multiple of 4 (padding is zero and stays
;; zero, see wholeSequence.ts), G = 3 (GRU) or 4 (LSTM) gates in Keras order, each n wide:
;;   xp [T, B, G n]   input pre-activations x_t W + b of every step
;;   u  [n, G n]      recurrent kernel;  ut [G n, n] its transpose;  c [G n] GRU recurrent bias
;;   h  [T, B, n]     states h_1 .. h_T (h_0 = 0)
;;   s  [T, B, 4 n]   GRU saved activations z, r, n, hn (hn = (h U + c)_n)
;;      [T, B, 6 n]   LSTM saved activations i, f, g, o, c, tanh c
;;
;; Equations (src/cells, Keras GRU reset_after = true and Keras LSTM):
;;   GRU:  hu = h U + c;  z = sigma(xp_z + hu_z);  r = sigma(xp_r + hu_r)
;;         n = tanh(xp_n + r hu_n);  h' = n + z (h - n)   (= z h + (1 - z) n)
;;   LSTM: a = xp + h U;  i, f, o = sigma(a_i, a_f, a_o);  g = tanh(a_g)
;;         c' = f c + i g;  h' = o tanh(c')
;; with sigma(x) = 1 / (1 + exp(-x)) and tanh(x) = 2 sigma(2x) - 1; exp is Cephes' expf
;; (range reduction by ln 2 split in two, degree-6 polynomial, 2^n from the exponent bits),
;; within 2 ulp of the float32 exp on [-87, 88] and clamped outside.
;;
;; The products use $gemm: C[p][q] = init + sum_{s < K} S[p sp + s ss] * V[s ldv + q] for p < P,
;; q < Q (P, Q multiples of 4), tiles of 4 rows x 8 (then 4) columns with the S value splatted,
;; summation in increasing s with separate f32x4 mul and add (no fusion).
(module
  (memory (export "memory") 1)

  ;; ---------------------------------------------------------------------------------------
  ;; exp, sigmoid, tanh on 4 lanes

  ;; Rounding to an integer and 2^n use the float trick k = x log2(e) + 1.5 2^23: k's low mantissa
  ;; bits hold round(x log2(e)) (ties to even) in two's complement, so fx = k - 1.5 2^23 and
  ;; 2^fx = (bits(k) + 127) << 23 (the shift drops the rest of k). With f32x4.pmin/pmax for the
  ;; clamp this avoids nearest, trunc_sat, min and max, which x86 lowers to long sequences.
  (func $exp4 (param $x v128) (result v128)
    (local $k v128) (local $fx v128) (local $r v128) (local $y v128)
    (local.set $x (f32x4.pmin (f32x4.pmax (local.get $x) (v128.const f32x4 -87 -87 -87 -87)) (v128.const f32x4 88 88 88 88)))
    (local.set $k (f32x4.add (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))
                             (v128.const f32x4 12582912 12582912 12582912 12582912)))
    (local.set $fx (f32x4.sub (local.get $k) (v128.const f32x4 12582912 12582912 12582912 12582912)))
    (local.set $r (f32x4.sub (local.get $x) (f32x4.mul (local.get $fx) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
    (local.set $r (f32x4.add (local.get $r) (f32x4.mul (local.get $fx) (v128.const f32x4 2.12194440e-4 2.12194440e-4 2.12194440e-4 2.12194440e-4))))
    (local.set $y (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    (local.set $y (f32x4.add (f32x4.add (f32x4.mul (local.get $y) (f32x4.mul (local.get $r) (local.get $r))) (local.get $r)) (v128.const f32x4 1 1 1 1)))
    (f32x4.mul (local.get $y)
      (i32x4.shl (i32x4.add (local.get $k) (v128.const i32x4 127 127 127 127)) (i32.const 23))))

  (func $sigmoid4 (param $x v128) (result v128)
    (f32x4.div (v128.const f32x4 1 1 1 1)
      (f32x4.add (v128.const f32x4 1 1 1 1) (call $exp4 (f32x4.neg (local.get $x))))))

  (func $tanh4 (param $x v128) (result v128)
    (f32x4.sub
      (f32x4.mul (v128.const f32x4 2 2 2 2) (call $sigmoid4 (f32x4.add (local.get $x) (local.get $x))))
      (v128.const f32x4 1 1 1 1)))

  ;; sigma(x) on n floats at src -> dst (n a multiple of 4); exported for the accuracy test.
  (func (export "sigmoid") (param $src i32) (param $dst i32) (param $n i32)
    (local $i i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (i32.shl (local.get $n) (i32.const 2))))
      (v128.store (i32.add (local.get $dst) (local.get $i)) (call $sigmoid4 (v128.load (i32.add (local.get $src) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next))))

  ;; tanh(x) on n floats at src -> dst (n a multiple of 4); exported for the accuracy test.
  (func (export "tanh") (param $src i32) (param $dst i32) (param $n i32)
    (local $i i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (i32.shl (local.get $n) (i32.const 2))))
      (v128.store (i32.add (local.get $dst) (local.get $i)) (call $tanh4 (v128.load (i32.add (local.get $src) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next))))

  ;; ---------------------------------------------------------------------------------------
  ;; gemm: C (+)= S V, see the header. accum 1: start from C; 0: start from the row vector at
  ;; bias (bias != 0) or from zero.

  (func $strip4 (param $s0 i32) (param $sp i32) (param $ss i32) (param $V i32) (param $ldv i32)
                (param $c0 i32) (param $ldc i32) (param $Q i32) (param $K i32) (param $accum i32) (param $bias i32)
    (local $q i32) (local $k i32) (local $sptr i32) (local $vptr i32) (local $cptr i32)
    (local $sp2 i32) (local $sp3 i32) (local $ldc2 i32) (local $ldc3 i32)
    (local $x v128) (local $v0 v128) (local $v1 v128)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local.set $sp2 (i32.add (local.get $sp) (local.get $sp)))
    (local.set $sp3 (i32.add (local.get $sp2) (local.get $sp)))
    (local.set $ldc2 (i32.add (local.get $ldc) (local.get $ldc)))
    (local.set $ldc3 (i32.add (local.get $ldc2) (local.get $ldc)))
    ;; 4 x 8 tiles
    (block $done8 (loop $next8
      (br_if $done8 (i32.gt_u (i32.add (local.get $q) (i32.const 8)) (local.get $Q)))
      (local.set $cptr (i32.add (local.get $c0) (i32.shl (local.get $q) (i32.const 2))))
      (if (local.get $accum)
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
          (if (local.get $bias)
            (then
              (local.set $a00 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $q) (i32.const 2)))))
              (local.set $a01 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $q) (i32.const 2))))))
            (else
              (local.set $a00 (v128.const f32x4 0 0 0 0))
              (local.set $a01 (v128.const f32x4 0 0 0 0))))
          (local.set $a10 (local.get $a00)) (local.set $a11 (local.get $a01))
          (local.set $a20 (local.get $a00)) (local.set $a21 (local.get $a01))
          (local.set $a30 (local.get $a00)) (local.set $a31 (local.get $a01))))
      (local.set $sptr (local.get $s0))
      (local.set $vptr (i32.add (local.get $V) (i32.shl (local.get $q) (i32.const 2))))
      (local.set $k (local.get $K))
      (block $sdone (loop $snext
        (br_if $sdone (i32.eqz (local.get $k)))
        (local.set $v0 (v128.load (local.get $vptr)))
        (local.set $v1 (v128.load offset=16 (local.get $vptr)))
        (local.set $x (v128.load32_splat (local.get $sptr)))
        (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $x) (local.get $v0))))
        (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $x) (local.get $v1))))
        (local.set $x (v128.load32_splat (i32.add (local.get $sptr) (local.get $sp))))
        (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $x) (local.get $v0))))
        (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $x) (local.get $v1))))
        (local.set $x (v128.load32_splat (i32.add (local.get $sptr) (local.get $sp2))))
        (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $x) (local.get $v0))))
        (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $x) (local.get $v1))))
        (local.set $x (v128.load32_splat (i32.add (local.get $sptr) (local.get $sp3))))
        (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $x) (local.get $v0))))
        (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $x) (local.get $v1))))
        (local.set $sptr (i32.add (local.get $sptr) (local.get $ss)))
        (local.set $vptr (i32.add (local.get $vptr) (local.get $ldv)))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br $snext)))
      (v128.store (local.get $cptr) (local.get $a00))
      (v128.store offset=16 (local.get $cptr) (local.get $a01))
      (v128.store (i32.add (local.get $cptr) (local.get $ldc)) (local.get $a10))
      (v128.store offset=16 (i32.add (local.get $cptr) (local.get $ldc)) (local.get $a11))
      (v128.store (i32.add (local.get $cptr) (local.get $ldc2)) (local.get $a20))
      (v128.store offset=16 (i32.add (local.get $cptr) (local.get $ldc2)) (local.get $a21))
      (v128.store (i32.add (local.get $cptr) (local.get $ldc3)) (local.get $a30))
      (v128.store offset=16 (i32.add (local.get $cptr) (local.get $ldc3)) (local.get $a31))
      (local.set $q (i32.add (local.get $q) (i32.const 8)))
      (br $next8)))
    ;; 4 x 4 tiles
    (block $done4 (loop $next4
      (br_if $done4 (i32.gt_u (i32.add (local.get $q) (i32.const 4)) (local.get $Q)))
      (local.set $cptr (i32.add (local.get $c0) (i32.shl (local.get $q) (i32.const 2))))
      (if (local.get $accum)
        (then
          (local.set $a00 (v128.load (local.get $cptr)))
          (local.set $a10 (v128.load (i32.add (local.get $cptr) (local.get $ldc))))
          (local.set $a20 (v128.load (i32.add (local.get $cptr) (local.get $ldc2))))
          (local.set $a30 (v128.load (i32.add (local.get $cptr) (local.get $ldc3)))))
        (else
          (if (local.get $bias)
            (then (local.set $a00 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $q) (i32.const 2))))))
            (else (local.set $a00 (v128.const f32x4 0 0 0 0))))
          (local.set $a10 (local.get $a00))
          (local.set $a20 (local.get $a00))
          (local.set $a30 (local.get $a00))))
      (local.set $sptr (local.get $s0))
      (local.set $vptr (i32.add (local.get $V) (i32.shl (local.get $q) (i32.const 2))))
      (local.set $k (local.get $K))
      (block $sdone4 (loop $snext4
        (br_if $sdone4 (i32.eqz (local.get $k)))
        (local.set $v0 (v128.load (local.get $vptr)))
        (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (v128.load32_splat (local.get $sptr)) (local.get $v0))))
        (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (v128.load32_splat (i32.add (local.get $sptr) (local.get $sp))) (local.get $v0))))
        (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (v128.load32_splat (i32.add (local.get $sptr) (local.get $sp2))) (local.get $v0))))
        (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (v128.load32_splat (i32.add (local.get $sptr) (local.get $sp3))) (local.get $v0))))
        (local.set $sptr (i32.add (local.get $sptr) (local.get $ss)))
        (local.set $vptr (i32.add (local.get $vptr) (local.get $ldv)))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br $snext4)))
      (v128.store (local.get $cptr) (local.get $a00))
      (v128.store (i32.add (local.get $cptr) (local.get $ldc)) (local.get $a10))
      (v128.store (i32.add (local.get $cptr) (local.get $ldc2)) (local.get $a20))
      (v128.store (i32.add (local.get $cptr) (local.get $ldc3)) (local.get $a30))
      (local.set $q (i32.add (local.get $q) (i32.const 4)))
      (br $next4))))

  ;; C = init + S V over P x Q (P, Q multiples of 4); columns in blocks of 64 so that the
  ;; K x 64 block of V stays in cache while every row strip sweeps it.
  (func $gemm (export "gemm") (param $S i32) (param $sp i32) (param $ss i32) (param $V i32) (param $ldv i32)
              (param $C i32) (param $ldc i32) (param $P i32) (param $Q i32) (param $K i32) (param $accum i32) (param $bias i32)
    (local $p i32) (local $q0 i32) (local $w i32) (local $sp4 i32) (local $ldc4 i32)
    (local.set $sp4 (i32.shl (local.get $sp) (i32.const 2)))
    (local.set $ldc4 (i32.shl (local.get $ldc) (i32.const 2)))
    (block $cdone (loop $cnext
      (br_if $cdone (i32.ge_u (local.get $q0) (local.get $Q)))
      (local.set $w (i32.sub (local.get $Q) (local.get $q0)))
      (if (i32.gt_u (local.get $w) (i32.const 64)) (then (local.set $w (i32.const 64))))
      (local.set $p (i32.const 0))
      (block $pdone (loop $pnext
        (br_if $pdone (i32.ge_u (local.get $p) (local.get $P)))
        (call $strip4
          (i32.add (local.get $S) (i32.mul (local.get $p) (local.get $sp))) (local.get $sp) (local.get $ss)
          (i32.add (local.get $V) (i32.shl (local.get $q0) (i32.const 2))) (local.get $ldv)
          (i32.add (i32.add (local.get $C) (i32.mul (local.get $p) (local.get $ldc))) (i32.shl (local.get $q0) (i32.const 2))) (local.get $ldc)
          (local.get $w) (local.get $K) (local.get $accum)
          (select (i32.add (local.get $bias) (i32.shl (local.get $q0) (i32.const 2))) (i32.const 0) (local.get $bias)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $pnext)))
      (local.set $q0 (i32.add (local.get $q0) (i32.const 64)))
      (br $cnext))))

  ;; ---------------------------------------------------------------------------------------
  ;; Padding of the operands: rows of `parts` parts of hb floats (contiguous at src) to rows of
  ;; `parts` parts of n floats (at dst, row t Bp + b for row t B + b of the source), and back.
  ;; The padding itself is left as it is (zeroed by the caller). wholeSequence.ts copies a
  ;; tensor into this memory in one piece and pads it here: a JavaScript loop per part of
  ;; hb = 25 floats cost about 10 % of a factorized training step.

  ;; count floats from s to d, 4 at a time, then one at a time
  (func $copyFloats (param $s i32) (param $d i32) (param $count i32)
    (local $i i32)
    (block $done4 (loop $next4
      (br_if $done4 (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $count)))
      (v128.store (i32.add (local.get $d) (i32.shl (local.get $i) (i32.const 2))) (v128.load (i32.add (local.get $s) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $next4)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
      (f32.store (i32.add (local.get $d) (i32.shl (local.get $i) (i32.const 2))) (f32.load (i32.add (local.get $s) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next))))

  ;; toPadded 1: contiguous flatRows [T, B, parts, hb] -> paddedRows [T, Bp, parts, n]; 0: the reverse.
  (func (export "padRows") (param $flatRows i32) (param $paddedRows i32) (param $T i32) (param $B i32) (param $Bp i32)
                           (param $parts i32) (param $hb i32) (param $n i32) (param $toPadded i32)
    (local $t i32) (local $b i32) (local $p i32) (local $flat i32) (local $padded i32)
    (local.set $flat (local.get $flatRows))
    (block $tdone (loop $tnext
      (br_if $tdone (i32.ge_u (local.get $t) (local.get $T)))
      (local.set $b (i32.const 0))
      (block $bdone (loop $bnext
        (br_if $bdone (i32.ge_u (local.get $b) (local.get $B)))
        (local.set $padded (i32.add (local.get $paddedRows)
          (i32.shl (i32.mul (i32.mul (i32.add (i32.mul (local.get $t) (local.get $Bp)) (local.get $b)) (local.get $parts)) (local.get $n)) (i32.const 2))))
        (local.set $p (i32.const 0))
        (block $pdone (loop $pnext
          (br_if $pdone (i32.ge_u (local.get $p) (local.get $parts)))
          (if (local.get $toPadded)
            (then (call $copyFloats (local.get $flat) (local.get $padded) (local.get $hb)))
            (else (call $copyFloats (local.get $padded) (local.get $flat) (local.get $hb))))
          (local.set $flat (i32.add (local.get $flat) (i32.shl (local.get $hb) (i32.const 2))))
          (local.set $padded (i32.add (local.get $padded) (i32.shl (local.get $n) (i32.const 2))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $pnext)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bnext)))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $tnext))))

  ;; ---------------------------------------------------------------------------------------
  ;; GRU

  ;; Forward over T steps: h, s from xp, u, c; hu is scratch [B, 3n].
  (func (export "gruForward") (param $xp i32) (param $u i32) (param $c i32) (param $h i32) (param $s i32) (param $hu i32)
                              (param $T i32) (param $B i32) (param $n i32)
    (local $t i32) (local $b i32) (local $j i32) (local $n4 i32) (local $g3 i32) (local $row i32)
    (local $xr i32) (local $hur i32) (local $sr i32) (local $hr i32)
    (local $z v128) (local $r v128) (local $hn v128) (local $nn v128) (local $hp v128)
    (local.set $n4 (i32.shl (local.get $n) (i32.const 2)))
    (local.set $g3 (i32.mul (local.get $n4) (i32.const 3)))
    (block $tdone (loop $tnext
      (br_if $tdone (i32.ge_u (local.get $t) (local.get $T)))
      ;; hu = h_{t-1} U + c (K = 0 at t = 0: hu = c)
      (call $gemm (i32.sub (i32.add (local.get $h) (i32.mul (i32.mul (local.get $t) (local.get $B)) (local.get $n4))) (i32.mul (local.get $B) (local.get $n4)))
                  (local.get $n4) (i32.const 4) (local.get $u) (local.get $g3) (local.get $hu) (local.get $g3)
                  (local.get $B) (i32.mul (local.get $n) (i32.const 3)) (select (local.get $n) (i32.const 0) (local.get $t)) (i32.const 0) (local.get $c))
      (local.set $b (i32.const 0))
      (block $bdone (loop $bnext
        (br_if $bdone (i32.ge_u (local.get $b) (local.get $B)))
        (local.set $row (i32.add (i32.mul (local.get $t) (local.get $B)) (local.get $b)))
        (local.set $xr (i32.add (local.get $xp) (i32.mul (local.get $row) (local.get $g3))))
        (local.set $hur (i32.add (local.get $hu) (i32.mul (local.get $b) (local.get $g3))))
        (local.set $sr (i32.add (local.get $s) (i32.mul (local.get $row) (i32.shl (local.get $n4) (i32.const 2)))))
        (local.set $hr (i32.add (local.get $h) (i32.mul (local.get $row) (local.get $n4))))
        (local.set $j (i32.const 0))
        (block $jdone (loop $jnext
          (br_if $jdone (i32.ge_u (local.get $j) (local.get $n4)))
          (local.set $z (call $sigmoid4 (f32x4.add (v128.load (i32.add (local.get $xr) (local.get $j))) (v128.load (i32.add (local.get $hur) (local.get $j))))))
          (local.set $r (call $sigmoid4 (f32x4.add (v128.load (i32.add (i32.add (local.get $xr) (local.get $n4)) (local.get $j)))
                                                   (v128.load (i32.add (i32.add (local.get $hur) (local.get $n4)) (local.get $j))))))
          (local.set $hn (v128.load (i32.add (i32.add (local.get $hur) (i32.shl (local.get $n4) (i32.const 1))) (local.get $j))))
          (local.set $nn (call $tanh4 (f32x4.add (v128.load (i32.add (i32.add (local.get $xr) (i32.shl (local.get $n4) (i32.const 1))) (local.get $j)))
                                                 (f32x4.mul (local.get $r) (local.get $hn)))))
          (local.set $hp (v128.const f32x4 0 0 0 0))
          (if (local.get $t) (then (local.set $hp (v128.load (i32.sub (i32.add (local.get $hr) (local.get $j)) (i32.mul (local.get $B) (local.get $n4)))))))
          (v128.store (i32.add (local.get $sr) (local.get $j)) (local.get $z))
          (v128.store (i32.add (i32.add (local.get $sr) (local.get $n4)) (local.get $j)) (local.get $r))
          (v128.store (i32.add (i32.add (local.get $sr) (i32.shl (local.get $n4) (i32.const 1))) (local.get $j)) (local.get $nn))
          (v128.store (i32.add (i32.add (local.get $sr) (local.get $g3)) (local.get $j)) (local.get $hn))
          (v128.store (i32.add (local.get $hr) (local.get $j))
            (f32x4.add (local.get $nn) (f32x4.mul (local.get $z) (f32x4.sub (local.get $hp) (local.get $nn)))))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br $jnext)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bnext)))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $tnext))))

  ;; Backward over T steps: from dy [T, B, n], h, s, ut, writes dxp [T, B, 3n], dhu [T, B, 3n]
  ;; (scratch: the recurrent pre-activations' gradients), du [n, 3n], dc [3n]; carry [B, n] is
  ;; scratch (the gradient reaching h_{t-1} from step t).
  ;;   dh = dy_t + carry;  dan = dh (1 - z)(1 - n^2);  daz = dh (h_prev - n) z (1 - z)
  ;;   dar = dan hn r (1 - r);  dxp = [daz, dar, dan];  dhu = [daz, dar, dan r]
  ;;   carry = dh z + dhu U^T;  dU = sum_t h_{t-1}^T dhu_t;  dc = sum_t sum_b dhu_t
  (func (export "gruBackward") (param $dy i32) (param $h i32) (param $s i32) (param $ut i32)
                               (param $dxp i32) (param $dhu i32) (param $carry i32) (param $du i32) (param $dc i32)
                               (param $T i32) (param $B i32) (param $n i32)
    (local $t i32) (local $b i32) (local $j i32) (local $n4 i32) (local $g3 i32) (local $row i32)
    (local $sr i32) (local $gr i32) (local $hr i32) (local $cr i32) (local $yr i32)
    (local $dh v128) (local $z v128) (local $r v128) (local $nn v128) (local $hp v128)
    (local $dan v128) (local $daz v128) (local $dar v128) (local $one v128)
    (local.set $one (v128.const f32x4 1 1 1 1))
    (local.set $n4 (i32.shl (local.get $n) (i32.const 2)))
    (local.set $g3 (i32.mul (local.get $n4) (i32.const 3)))
    ;; carry = 0
    (local.set $j (i32.const 0))
    (block $zdone (loop $znext
      (br_if $zdone (i32.ge_u (local.get $j) (i32.mul (local.get $B) (local.get $n4))))
      (v128.store (i32.add (local.get $carry) (local.get $j)) (v128.const f32x4 0 0 0 0))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br $znext)))
    (local.set $t (local.get $T))
    (block $tdone (loop $tnext
      (br_if $tdone (i32.eqz (local.get $t)))
      (local.set $t (i32.sub (local.get $t) (i32.const 1)))
      (local.set $b (i32.const 0))
      (block $bdone (loop $bnext
        (br_if $bdone (i32.ge_u (local.get $b) (local.get $B)))
        (local.set $row (i32.add (i32.mul (local.get $t) (local.get $B)) (local.get $b)))
        (local.set $sr (i32.add (local.get $s) (i32.mul (local.get $row) (i32.shl (local.get $n4) (i32.const 2)))))
        (local.set $gr (i32.mul (local.get $row) (local.get $g3)))
        (local.set $hr (i32.add (local.get $h) (i32.mul (local.get $row) (local.get $n4))))
        (local.set $yr (i32.add (local.get $dy) (i32.mul (local.get $row) (local.get $n4))))
        (local.set $cr (i32.add (local.get $carry) (i32.mul (local.get $b) (local.get $n4))))
        (local.set $j (i32.const 0))
        (block $jdone (loop $jnext
          (br_if $jdone (i32.ge_u (local.get $j) (local.get $n4)))
          (local.set $dh (f32x4.add (v128.load (i32.add (local.get $yr) (local.get $j))) (v128.load (i32.add (local.get $cr) (local.get $j)))))
          (local.set $z (v128.load (i32.add (local.get $sr) (local.get $j))))
          (local.set $r (v128.load (i32.add (i32.add (local.get $sr) (local.get $n4)) (local.get $j))))
          (local.set $nn (v128.load (i32.add (i32.add (local.get $sr) (i32.shl (local.get $n4) (i32.const 1))) (local.get $j))))
          (local.set $hp (v128.const f32x4 0 0 0 0))
          (if (local.get $t) (then (local.set $hp (v128.load (i32.sub (i32.add (local.get $hr) (local.get $j)) (i32.mul (local.get $B) (local.get $n4)))))))
          (local.set $dan (f32x4.mul (f32x4.mul (local.get $dh) (f32x4.sub (local.get $one) (local.get $z)))
                                     (f32x4.sub (local.get $one) (f32x4.mul (local.get $nn) (local.get $nn)))))
          (local.set $daz (f32x4.mul (f32x4.mul (local.get $dh) (f32x4.sub (local.get $hp) (local.get $nn)))
                                     (f32x4.mul (local.get $z) (f32x4.sub (local.get $one) (local.get $z)))))
          (local.set $dar (f32x4.mul (f32x4.mul (local.get $dan) (v128.load (i32.add (i32.add (local.get $sr) (local.get $g3)) (local.get $j))))
                                     (f32x4.mul (local.get $r) (f32x4.sub (local.get $one) (local.get $r)))))
          (v128.store (i32.add (i32.add (local.get $dxp) (local.get $gr)) (local.get $j)) (local.get $daz))
          (v128.store (i32.add (i32.add (i32.add (local.get $dxp) (local.get $gr)) (local.get $n4)) (local.get $j)) (local.get $dar))
          (v128.store (i32.add (i32.add (i32.add (local.get $dxp) (local.get $gr)) (i32.shl (local.get $n4) (i32.const 1))) (local.get $j)) (local.get $dan))
          (v128.store (i32.add (i32.add (local.get $dhu) (local.get $gr)) (local.get $j)) (local.get $daz))
          (v128.store (i32.add (i32.add (i32.add (local.get $dhu) (local.get $gr)) (local.get $n4)) (local.get $j)) (local.get $dar))
          (v128.store (i32.add (i32.add (i32.add (local.get $dhu) (local.get $gr)) (i32.shl (local.get $n4) (i32.const 1))) (local.get $j))
                      (f32x4.mul (local.get $dan) (local.get $r)))
          (v128.store (i32.add (local.get $cr) (local.get $j)) (f32x4.mul (local.get $dh) (local.get $z)))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br $jnext)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bnext)))
      ;; carry += dhu_t U^T
      (if (local.get $t)
        (then
          (call $gemm (i32.add (local.get $dhu) (i32.mul (i32.mul (local.get $t) (local.get $B)) (local.get $g3))) (local.get $g3) (i32.const 4)
                      (local.get $ut) (local.get $n4) (local.get $carry) (local.get $n4)
                      (local.get $B) (local.get $n) (i32.mul (local.get $n) (i32.const 3)) (i32.const 1) (i32.const 0))))
      (br $tnext)))
    (call $weightGradients (local.get $h) (local.get $dhu) (local.get $du) (local.get $dc) (local.get $T) (local.get $B) (local.get $n) (i32.const 3)))

  ;; dU = sum_{t >= 1} h_{t-1}^T d_t ([n, G n], one product over the (T - 1) B rows) and, when
  ;; db != 0, db = sum over all T B rows of d_t ([G n]).
  (func $weightGradients (param $h i32) (param $d i32) (param $du i32) (param $db i32)
                         (param $T i32) (param $B i32) (param $n i32) (param $G i32)
    (local $n4 i32) (local $gn i32) (local $i i32) (local $k i32) (local $rows i32) (local $acc v128)
    (local.set $n4 (i32.shl (local.get $n) (i32.const 2)))
    (local.set $gn (i32.mul (local.get $n4) (local.get $G)))
    (call $gemm (local.get $h) (i32.const 4) (local.get $n4)
                (i32.add (local.get $d) (i32.mul (local.get $B) (local.get $gn))) (local.get $gn)
                (local.get $du) (local.get $gn) (local.get $n) (i32.mul (local.get $n) (local.get $G))
                (i32.mul (i32.sub (local.get $T) (i32.const 1)) (local.get $B)) (i32.const 0) (i32.const 0))
    (if (i32.eqz (local.get $db)) (then (return)))
    (local.set $rows (i32.mul (local.get $T) (local.get $B)))
    (block $idone (loop $inext
      (br_if $idone (i32.ge_u (local.get $i) (local.get $gn)))
      (local.set $acc (v128.const f32x4 0 0 0 0))
      (local.set $k (i32.const 0))
      (block $kdone (loop $knext
        (br_if $kdone (i32.ge_u (local.get $k) (local.get $rows)))
        (local.set $acc (f32x4.add (local.get $acc) (v128.load (i32.add (i32.add (local.get $d) (i32.mul (local.get $k) (local.get $gn))) (local.get $i)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $knext)))
      (v128.store (i32.add (local.get $db) (local.get $i)) (local.get $acc))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $inext))))

  ;; ---------------------------------------------------------------------------------------
  ;; LSTM

  ;; Forward over T steps: h, s from xp, u; hu is scratch [B, 4n].
  (func (export "lstmForward") (param $xp i32) (param $u i32) (param $h i32) (param $s i32) (param $hu i32)
                               (param $T i32) (param $B i32) (param $n i32)
    (local $t i32) (local $b i32) (local $j i32) (local $n4 i32) (local $g4 i32) (local $row i32)
    (local $xr i32) (local $hur i32) (local $sr i32) (local $hr i32)
    (local $i v128) (local $f v128) (local $g v128) (local $o v128) (local $c v128) (local $tc v128) (local $cp v128)
    (local.set $n4 (i32.shl (local.get $n) (i32.const 2)))
    (local.set $g4 (i32.shl (local.get $n4) (i32.const 2)))
    (block $tdone (loop $tnext
      (br_if $tdone (i32.ge_u (local.get $t) (local.get $T)))
      ;; hu = h_{t-1} U (K = 0 at t = 0: hu = 0)
      (call $gemm (i32.sub (i32.add (local.get $h) (i32.mul (i32.mul (local.get $t) (local.get $B)) (local.get $n4))) (i32.mul (local.get $B) (local.get $n4)))
                  (local.get $n4) (i32.const 4) (local.get $u) (local.get $g4) (local.get $hu) (local.get $g4)
                  (local.get $B) (i32.shl (local.get $n) (i32.const 2)) (select (local.get $n) (i32.const 0) (local.get $t)) (i32.const 0) (i32.const 0))
      (local.set $b (i32.const 0))
      (block $bdone (loop $bnext
        (br_if $bdone (i32.ge_u (local.get $b) (local.get $B)))
        (local.set $row (i32.add (i32.mul (local.get $t) (local.get $B)) (local.get $b)))
        (local.set $xr (i32.add (local.get $xp) (i32.mul (local.get $row) (local.get $g4))))
        (local.set $hur (i32.add (local.get $hu) (i32.mul (local.get $b) (local.get $g4))))
        (local.set $sr (i32.add (local.get $s) (i32.mul (local.get $row) (i32.mul (local.get $n4) (i32.const 6)))))
        (local.set $hr (i32.add (local.get $h) (i32.mul (local.get $row) (local.get $n4))))
        (local.set $j (i32.const 0))
        (block $jdone (loop $jnext
          (br_if $jdone (i32.ge_u (local.get $j) (local.get $n4)))
          (local.set $i (call $sigmoid4 (f32x4.add (v128.load (i32.add (local.get $xr) (local.get $j))) (v128.load (i32.add (local.get $hur) (local.get $j))))))
          (local.set $f (call $sigmoid4 (f32x4.add (v128.load (i32.add (i32.add (local.get $xr) (local.get $n4)) (local.get $j)))
                                                   (v128.load (i32.add (i32.add (local.get $hur) (local.get $n4)) (local.get $j))))))
          (local.set $g (call $tanh4 (f32x4.add (v128.load (i32.add (i32.add (local.get $xr) (i32.shl (local.get $n4) (i32.const 1))) (local.get $j)))
                                                (v128.load (i32.add (i32.add (local.get $hur) (i32.shl (local.get $n4) (i32.const 1))) (local.get $j))))))
          (local.set $o (call $sigmoid4 (f32x4.add (v128.load (i32.add (i32.add (local.get $xr) (i32.mul (local.get $n4) (i32.const 3))) (local.get $j)))
                                                   (v128.load (i32.add (i32.add (local.get $hur) (i32.mul (local.get $n4) (i32.const 3))) (local.get $j))))))
          (local.set $cp (v128.const f32x4 0 0 0 0))
          (if (local.get $t)
            (then (local.set $cp (v128.load (i32.add (i32.sub (i32.add (local.get $sr) (local.get $j)) (i32.mul (i32.mul (local.get $B) (local.get $n4)) (i32.const 6))) (i32.shl (local.get $n4) (i32.const 2)))))))
          (local.set $c (f32x4.add (f32x4.mul (local.get $f) (local.get $cp)) (f32x4.mul (local.get $i) (local.get $g))))
          (local.set $tc (call $tanh4 (local.get $c)))
          (v128.store (i32.add (local.get $sr) (local.get $j)) (local.get $i))
          (v128.store (i32.add (i32.add (local.get $sr) (local.get $n4)) (local.get $j)) (local.get $f))
          (v128.store (i32.add (i32.add (local.get $sr) (i32.shl (local.get $n4) (i32.const 1))) (local.get $j)) (local.get $g))
          (v128.store (i32.add (i32.add (local.get $sr) (i32.mul (local.get $n4) (i32.const 3))) (local.get $j)) (local.get $o))
          (v128.store (i32.add (i32.add (local.get $sr) (i32.shl (local.get $n4) (i32.const 2))) (local.get $j)) (local.get $c))
          (v128.store (i32.add (i32.add (local.get $sr) (i32.mul (local.get $n4) (i32.const 5))) (local.get $j)) (local.get $tc))
          (v128.store (i32.add (local.get $hr) (local.get $j)) (f32x4.mul (local.get $o) (local.get $tc)))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br $jnext)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bnext)))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $tnext))))

  ;; Backward over T steps: from dy [T, B, n], h, s, ut, writes dxp [T, B, 4n] (= the recurrent
  ;; pre-activations' gradients) and du [n, 4n]; carry, dcell [B, n] are scratch.
  ;;   dh = dy_t + carry;  do = dh tanh c;  dct = dcell + dh o (1 - tanh^2 c)
  ;;   dai = dct g i (1 - i);  daf = dct c_prev f (1 - f);  dag = dct i (1 - g^2);  dao = do o (1 - o)
  ;;   dcell = dct f;  carry = dxp_t U^T;  dU = sum_t h_{t-1}^T dxp_t
  (func (export "lstmBackward") (param $dy i32) (param $h i32) (param $s i32) (param $ut i32)
                                (param $dxp i32) (param $carry i32) (param $dcell i32) (param $du i32)
                                (param $T i32) (param $B i32) (param $n i32)
    (local $t i32) (local $b i32) (local $j i32) (local $n4 i32) (local $g4 i32) (local $row i32)
    (local $sr i32) (local $dr i32) (local $cr i32) (local $er i32) (local $yr i32)
    (local $dh v128) (local $i v128) (local $f v128) (local $g v128) (local $o v128) (local $tc v128) (local $cp v128)
    (local $dct v128) (local $one v128)
    (local.set $one (v128.const f32x4 1 1 1 1))
    (local.set $n4 (i32.shl (local.get $n) (i32.const 2)))
    (local.set $g4 (i32.shl (local.get $n4) (i32.const 2)))
    (local.set $j (i32.const 0))
    (block $zdone (loop $znext
      (br_if $zdone (i32.ge_u (local.get $j) (i32.mul (local.get $B) (local.get $n4))))
      (v128.store (i32.add (local.get $carry) (local.get $j)) (v128.const f32x4 0 0 0 0))
      (v128.store (i32.add (local.get $dcell) (local.get $j)) (v128.const f32x4 0 0 0 0))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br $znext)))
    (local.set $t (local.get $T))
    (block $tdone (loop $tnext
      (br_if $tdone (i32.eqz (local.get $t)))
      (local.set $t (i32.sub (local.get $t) (i32.const 1)))
      (local.set $b (i32.const 0))
      (block $bdone (loop $bnext
        (br_if $bdone (i32.ge_u (local.get $b) (local.get $B)))
        (local.set $row (i32.add (i32.mul (local.get $t) (local.get $B)) (local.get $b)))
        (local.set $sr (i32.add (local.get $s) (i32.mul (local.get $row) (i32.mul (local.get $n4) (i32.const 6)))))
        (local.set $dr (i32.add (local.get $dxp) (i32.mul (local.get $row) (local.get $g4))))
        (local.set $yr (i32.add (local.get $dy) (i32.mul (local.get $row) (local.get $n4))))
        (local.set $cr (i32.add (local.get $carry) (i32.mul (local.get $b) (local.get $n4))))
        (local.set $er (i32.add (local.get $dcell) (i32.mul (local.get $b) (local.get $n4))))
        (local.set $j (i32.const 0))
        (block $jdone (loop $jnext
          (br_if $jdone (i32.ge_u (local.get $j) (local.get $n4)))
          (local.set $dh (f32x4.add (v128.load (i32.add (local.get $yr) (local.get $j))) (v128.load (i32.add (local.get $cr) (local.get $j)))))
          (local.set $i (v128.load (i32.add (local.get $sr) (local.get $j))))
          (local.set $f (v128.load (i32.add (i32.add (local.get $sr) (local.get $n4)) (local.get $j))))
          (local.set $g (v128.load (i32.add (i32.add (local.get $sr) (i32.shl (local.get $n4) (i32.const 1))) (local.get $j))))
          (local.set $o (v128.load (i32.add (i32.add (local.get $sr) (i32.mul (local.get $n4) (i32.const 3))) (local.get $j))))
          (local.set $tc (v128.load (i32.add (i32.add (local.get $sr) (i32.mul (local.get $n4) (i32.const 5))) (local.get $j))))
          (local.set $cp (v128.const f32x4 0 0 0 0))
          (if (local.get $t)
            (then (local.set $cp (v128.load (i32.add (i32.sub (i32.add (local.get $sr) (local.get $j)) (i32.mul (i32.mul (local.get $B) (local.get $n4)) (i32.const 6))) (i32.shl (local.get $n4) (i32.const 2)))))))
          (local.set $dct (f32x4.add (v128.load (i32.add (local.get $er) (local.get $j)))
                                     (f32x4.mul (f32x4.mul (local.get $dh) (local.get $o)) (f32x4.sub (local.get $one) (f32x4.mul (local.get $tc) (local.get $tc))))))
          (v128.store (i32.add (local.get $dr) (local.get $j))
                      (f32x4.mul (f32x4.mul (local.get $dct) (local.get $g)) (f32x4.mul (local.get $i) (f32x4.sub (local.get $one) (local.get $i)))))
          (v128.store (i32.add (i32.add (local.get $dr) (local.get $n4)) (local.get $j))
                      (f32x4.mul (f32x4.mul (local.get $dct) (local.get $cp)) (f32x4.mul (local.get $f) (f32x4.sub (local.get $one) (local.get $f)))))
          (v128.store (i32.add (i32.add (local.get $dr) (i32.shl (local.get $n4) (i32.const 1))) (local.get $j))
                      (f32x4.mul (f32x4.mul (local.get $dct) (local.get $i)) (f32x4.sub (local.get $one) (f32x4.mul (local.get $g) (local.get $g)))))
          (v128.store (i32.add (i32.add (local.get $dr) (i32.mul (local.get $n4) (i32.const 3))) (local.get $j))
                      (f32x4.mul (f32x4.mul (local.get $dh) (local.get $tc)) (f32x4.mul (local.get $o) (f32x4.sub (local.get $one) (local.get $o)))))
          (v128.store (i32.add (local.get $er) (local.get $j)) (f32x4.mul (local.get $dct) (local.get $f)))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br $jnext)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bnext)))
      ;; carry = dxp_t U^T
      (if (local.get $t)
        (then
          (call $gemm (i32.add (local.get $dxp) (i32.mul (i32.mul (local.get $t) (local.get $B)) (local.get $g4))) (local.get $g4) (i32.const 4)
                      (local.get $ut) (local.get $n4) (local.get $carry) (local.get $n4)
                      (local.get $B) (local.get $n) (i32.shl (local.get $n) (i32.const 2)) (i32.const 0) (i32.const 0))))
      (br $tnext)))
    (call $weightGradients (local.get $h) (local.get $dxp) (local.get $du) (i32.const 0) (local.get $T) (local.get $B) (local.get $n) (i32.const 4))))
