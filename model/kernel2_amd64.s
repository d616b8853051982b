#include "textflag.h"

// Constants for the 4-wide exp, each replicated in four lanes.
DATA expc<>+0(SB)/8, $-700.0
DATA expc<>+8(SB)/8, $-700.0
DATA expc<>+16(SB)/8, $-700.0
DATA expc<>+24(SB)/8, $-700.0
DATA expc<>+32(SB)/8, $1.4426950408889634
DATA expc<>+40(SB)/8, $1.4426950408889634
DATA expc<>+48(SB)/8, $1.4426950408889634
DATA expc<>+56(SB)/8, $1.4426950408889634
DATA expc<>+64(SB)/8, $0.6931471803691238
DATA expc<>+72(SB)/8, $0.6931471803691238
DATA expc<>+80(SB)/8, $0.6931471803691238
DATA expc<>+88(SB)/8, $0.6931471803691238
DATA expc<>+96(SB)/8, $1.9082149292705877e-10
DATA expc<>+104(SB)/8, $1.9082149292705877e-10
DATA expc<>+112(SB)/8, $1.9082149292705877e-10
DATA expc<>+120(SB)/8, $1.9082149292705877e-10
// Taylor coefficients 1/k!, k = 13 … 2 (offsets 128 … 480).
DATA expc<>+128(SB)/8, $1.6059043836821613e-10
DATA expc<>+136(SB)/8, $1.6059043836821613e-10
DATA expc<>+144(SB)/8, $1.6059043836821613e-10
DATA expc<>+152(SB)/8, $1.6059043836821613e-10
DATA expc<>+160(SB)/8, $2.08767569878681e-09
DATA expc<>+168(SB)/8, $2.08767569878681e-09
DATA expc<>+176(SB)/8, $2.08767569878681e-09
DATA expc<>+184(SB)/8, $2.08767569878681e-09
DATA expc<>+192(SB)/8, $2.505210838544172e-08
DATA expc<>+200(SB)/8, $2.505210838544172e-08
DATA expc<>+208(SB)/8, $2.505210838544172e-08
DATA expc<>+216(SB)/8, $2.505210838544172e-08
DATA expc<>+224(SB)/8, $2.755731922398589e-07
DATA expc<>+232(SB)/8, $2.755731922398589e-07
DATA expc<>+240(SB)/8, $2.755731922398589e-07
DATA expc<>+248(SB)/8, $2.755731922398589e-07
DATA expc<>+256(SB)/8, $2.755731922398589e-06
DATA expc<>+264(SB)/8, $2.755731922398589e-06
DATA expc<>+272(SB)/8, $2.755731922398589e-06
DATA expc<>+280(SB)/8, $2.755731922398589e-06
DATA expc<>+288(SB)/8, $2.48015873015873e-05
DATA expc<>+296(SB)/8, $2.48015873015873e-05
DATA expc<>+304(SB)/8, $2.48015873015873e-05
DATA expc<>+312(SB)/8, $2.48015873015873e-05
DATA expc<>+320(SB)/8, $0.0001984126984126984
DATA expc<>+328(SB)/8, $0.0001984126984126984
DATA expc<>+336(SB)/8, $0.0001984126984126984
DATA expc<>+344(SB)/8, $0.0001984126984126984
DATA expc<>+352(SB)/8, $0.001388888888888889
DATA expc<>+360(SB)/8, $0.001388888888888889
DATA expc<>+368(SB)/8, $0.001388888888888889
DATA expc<>+376(SB)/8, $0.001388888888888889
DATA expc<>+384(SB)/8, $0.008333333333333333
DATA expc<>+392(SB)/8, $0.008333333333333333
DATA expc<>+400(SB)/8, $0.008333333333333333
DATA expc<>+408(SB)/8, $0.008333333333333333
DATA expc<>+416(SB)/8, $0.041666666666666664
DATA expc<>+424(SB)/8, $0.041666666666666664
DATA expc<>+432(SB)/8, $0.041666666666666664
DATA expc<>+440(SB)/8, $0.041666666666666664
DATA expc<>+448(SB)/8, $0.16666666666666666
DATA expc<>+456(SB)/8, $0.16666666666666666
DATA expc<>+464(SB)/8, $0.16666666666666666
DATA expc<>+472(SB)/8, $0.16666666666666666
DATA expc<>+480(SB)/8, $0.5
DATA expc<>+488(SB)/8, $0.5
DATA expc<>+496(SB)/8, $0.5
DATA expc<>+504(SB)/8, $0.5
DATA expc<>+512(SB)/8, $1.0
DATA expc<>+520(SB)/8, $1.0
DATA expc<>+528(SB)/8, $1.0
DATA expc<>+536(SB)/8, $1.0
DATA expc<>+544(SB)/8, $0xFFF0000000000000
DATA expc<>+552(SB)/8, $6755399441055744.0   // 1.5·2⁵²: rounds to an integer in the low bits
GLOBL expc<>(SB), RODATA|NOPTR, $560

// EXP256 sets Y7 = exp(Y5) for Y5 ≥ −700 (clamped by the caller) with Y2 =
// log₂e and Y3, Y4 = ln 2 (high and low parts): k = round(x/ln 2), r = x − k·ln 2,
// the degree-13 Taylor polynomial by Horner's rule, times 2^k. Clobbers Y5, Y6, Y8.
#define EXP256 \
	VMULPD Y2, Y5, Y6; \
	VROUNDPD $0, Y6, Y6; \
	VFNMADD231PD Y6, Y3, Y5; \
	VFNMADD231PD Y6, Y4, Y5; \
	VMOVUPD expc<>+128(SB), Y7; \
	VFMADD213PD expc<>+160(SB), Y5, Y7; \
	VFMADD213PD expc<>+192(SB), Y5, Y7; \
	VFMADD213PD expc<>+224(SB), Y5, Y7; \
	VFMADD213PD expc<>+256(SB), Y5, Y7; \
	VFMADD213PD expc<>+288(SB), Y5, Y7; \
	VFMADD213PD expc<>+320(SB), Y5, Y7; \
	VFMADD213PD expc<>+352(SB), Y5, Y7; \
	VFMADD213PD expc<>+384(SB), Y5, Y7; \
	VFMADD213PD expc<>+416(SB), Y5, Y7; \
	VFMADD213PD expc<>+448(SB), Y5, Y7; \
	VFMADD213PD expc<>+480(SB), Y5, Y7; \
	VFMADD213PD expc<>+512(SB), Y5, Y7; \
	VFMADD213PD expc<>+512(SB), Y5, Y7; \
	VCVTPD2DQY Y6, X8; \
	VPMOVSXDQ X8, Y8; \
	VPSLLQ $52, Y8, Y8; \
	VPADDQ Y8, Y7, Y7

// func distMax2AVX2(l, y0, y1 *float64, n int, x0, x1, alpha, negInv float64) float64
// l[i] = negInv·((x0 − α y0[i])² + (x1 − α y1[i])²); returns max l. n is a multiple of 4, > 0.
TEXT ·distMax2AVX2(SB), NOSPLIT, $0-72
	MOVQ l+0(FP), DI
	MOVQ y0+8(FP), SI
	MOVQ y1+16(FP), DX
	MOVQ n+24(FP), CX
	VBROADCASTSD x0+32(FP), Y0
	VBROADCASTSD x1+40(FP), Y1
	VBROADCASTSD alpha+48(FP), Y2
	VBROADCASTSD negInv+56(FP), Y3
	VBROADCASTSD expc<>+544(SB), Y8  // −Inf
	XORQ AX, AX
dloop:
	VMOVUPD (SI)(AX*8), Y4
	VMOVUPD (DX)(AX*8), Y5
	VMOVAPD Y0, Y6
	VMOVAPD Y1, Y7
	VFNMADD231PD Y4, Y2, Y6
	VFNMADD231PD Y5, Y2, Y7
	VMULPD Y6, Y6, Y6
	VFMADD231PD Y7, Y7, Y6
	VMULPD Y3, Y6, Y6
	VMOVUPD Y6, (DI)(AX*8)
	VMAXPD Y6, Y8, Y8
	ADDQ $4, AX
	CMPQ AX, CX
	JLT dloop
	VEXTRACTF128 $1, Y8, X9
	VMAXPD X9, X8, X8
	VPERMILPD $1, X8, X9
	VMAXSD X9, X8, X8
	VZEROUPPER
	MOVSD X8, ret+64(FP)
	RET

// func expSum2AVX2(w, y0, y1 *float64, n int, m float64) (s0, s1, s2 float64)
// w[i] = exp(max(w[i] − m, −700)); returns Σ w, Σ w y0, Σ w y1. n multiple of 4, > 0.
TEXT ·expSum2AVX2(SB), NOSPLIT, $0-64
	MOVQ w+0(FP), DI
	MOVQ y0+8(FP), SI
	MOVQ y1+16(FP), DX
	MOVQ n+24(FP), CX
	VBROADCASTSD m+32(FP), Y0
	VMOVUPD expc<>+0(SB), Y1   // −700
	VMOVUPD expc<>+32(SB), Y2  // log2 e
	VMOVUPD expc<>+64(SB), Y3  // ln2 hi
	VMOVUPD expc<>+96(SB), Y4  // ln2 lo
	VXORPD Y13, Y13, Y13
	VXORPD Y14, Y14, Y14
	VXORPD Y15, Y15, Y15
	XORQ AX, AX
eloop:
	VMOVUPD (DI)(AX*8), Y5
	VSUBPD Y0, Y5, Y5          // x = l − m
	VMAXPD Y1, Y5, Y5          // x ≥ −700
	EXP256
	VMOVUPD Y7, (DI)(AX*8)
	VADDPD Y7, Y13, Y13
	VMOVUPD (SI)(AX*8), Y9
	VFMADD231PD Y9, Y7, Y14
	VMOVUPD (DX)(AX*8), Y10
	VFMADD231PD Y10, Y7, Y15
	ADDQ $4, AX
	CMPQ AX, CX
	JLT eloop
	VEXTRACTF128 $1, Y13, X9
	VADDPD X9, X13, X13
	VHADDPD X13, X13, X13
	VEXTRACTF128 $1, Y14, X9
	VADDPD X9, X14, X14
	VHADDPD X14, X14, X14
	VEXTRACTF128 $1, Y15, X9
	VADDPD X9, X15, X15
	VHADDPD X15, X15, X15
	VZEROUPPER
	MOVSD X13, s0+40(FP)
	MOVSD X14, s1+48(FP)
	MOVSD X15, s2+56(FP)
	RET

// func ctrace2AVX2(w, y0, y1 *float64, n int, mx, my, scale float64) (c00, c01, c11 float64)
// w[i] *= scale; returns the centred 2×2 covariance Σ w[i]·(a², ab, b²) with
// a = y0[i] − mx, b = y1[i] − my and the scaled w. n multiple of 4, > 0.
TEXT ·ctrace2AVX2(SB), NOSPLIT, $0-80
	MOVQ w+0(FP), DI
	MOVQ y0+8(FP), SI
	MOVQ y1+16(FP), DX
	MOVQ n+24(FP), CX
	VBROADCASTSD mx+32(FP), Y0
	VBROADCASTSD my+40(FP), Y1
	VBROADCASTSD scale+48(FP), Y2
	VXORPD Y13, Y13, Y13
	VXORPD Y14, Y14, Y14
	VXORPD Y15, Y15, Y15
	XORQ AX, AX
tloop:
	VMOVUPD (DI)(AX*8), Y3
	VMULPD Y2, Y3, Y3
	VMOVUPD Y3, (DI)(AX*8)
	VMOVUPD (SI)(AX*8), Y4
	VSUBPD Y0, Y4, Y4
	VMOVUPD (DX)(AX*8), Y5
	VSUBPD Y1, Y5, Y5
	VMULPD Y3, Y4, Y6          // w a
	VFMADD231PD Y4, Y6, Y13    // Σ w a²
	VFMADD231PD Y5, Y6, Y14    // Σ w a b
	VMULPD Y3, Y5, Y7          // w b
	VFMADD231PD Y5, Y7, Y15    // Σ w b²
	ADDQ $4, AX
	CMPQ AX, CX
	JLT tloop
	VEXTRACTF128 $1, Y13, X9
	VADDPD X9, X13, X13
	VHADDPD X13, X13, X13
	VEXTRACTF128 $1, Y14, X9
	VADDPD X9, X14, X14
	VHADDPD X14, X14, X14
	VEXTRACTF128 $1, Y15, X9
	VADDPD X9, X15, X15
	VHADDPD X15, X15, X15
	VZEROUPPER
	MOVSD X13, c00+56(FP)
	MOVSD X14, c01+64(FP)
	MOVSD X15, c11+72(FP)
	RET

// func expRowAVX2(l, y2 *float64, n int, m float64) (s0, s1 float64)
// l[i] = exp(l[i] − m), 0 where l[i] − m < −700 (−Inf included); returns Σ l
// and Σ l·y2 over the new values. n is a multiple of 4, > 0.
TEXT ·expRowAVX2(SB), NOSPLIT, $0-48
	MOVQ l+0(FP), DI
	MOVQ y2+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSD m+24(FP), Y0
	VMOVUPD expc<>+0(SB), Y1   // −700
	VMOVUPD expc<>+32(SB), Y2  // log2 e
	VMOVUPD expc<>+64(SB), Y3  // ln2 hi
	VMOVUPD expc<>+96(SB), Y4  // ln2 lo
	VXORPD Y13, Y13, Y13
	VXORPD Y14, Y14, Y14
	XORQ AX, AX
rloop:
	VMOVUPD (DI)(AX*8), Y5
	VSUBPD Y0, Y5, Y5          // x = l − m
	VCMPPD $13, Y1, Y5, Y12    // keep = x ≥ −700
	VMAXPD Y1, Y5, Y5
	EXP256
	VANDPD Y12, Y7, Y7         // 0 below −700
	VMOVUPD Y7, (DI)(AX*8)
	VADDPD Y7, Y13, Y13
	VFMADD231PD (SI)(AX*8), Y7, Y14
	ADDQ $4, AX
	CMPQ AX, CX
	JLT rloop
	VEXTRACTF128 $1, Y13, X9
	VADDPD X9, X13, X13
	VHADDPD X13, X13, X13
	VEXTRACTF128 $1, Y14, X9
	VADDPD X9, X14, X14
	VHADDPD X14, X14, X14
	VZEROUPPER
	MOVSD X13, s0+32(FP)
	MOVSD X14, s1+40(FP)
	RET

// func biasMaxAVX2(l, logPi, y2 *float64, n int, q float64) float64
// l[i] += logPi[i] − q·y2[i]; returns max l (−Inf if none is larger). n is
// a multiple of 8, > 0.
TEXT ·biasMaxAVX2(SB), NOSPLIT, $0-48
	MOVQ l+0(FP), DI
	MOVQ logPi+8(FP), SI
	MOVQ y2+16(FP), DX
	MOVQ n+24(FP), CX
	VBROADCASTSD q+32(FP), Y0
	VBROADCASTSD expc<>+544(SB), Y8  // −Inf
	VMOVAPD Y8, Y9
	XORQ AX, AX
bloop:
	VMOVUPD (DI)(AX*8), Y1
	VMOVUPD 32(DI)(AX*8), Y2
	VADDPD (SI)(AX*8), Y1, Y1
	VADDPD 32(SI)(AX*8), Y2, Y2
	VFNMADD231PD (DX)(AX*8), Y0, Y1
	VFNMADD231PD 32(DX)(AX*8), Y0, Y2
	VMOVUPD Y1, (DI)(AX*8)
	VMOVUPD Y2, 32(DI)(AX*8)
	VMAXPD Y1, Y8, Y8
	VMAXPD Y2, Y9, Y9
	ADDQ $8, AX
	CMPQ AX, CX
	JLT bloop
	VMAXPD Y9, Y8, Y8
	VEXTRACTF128 $1, Y8, X9
	VMAXPD X9, X8, X8
	VPERMILPD $1, X8, X9
	VMAXSD X9, X8, X8
	VZEROUPPER
	MOVSD X8, ret+40(FP)
	RET

// The AVX-512 forms of the 2-D kernel take 8 points at a time. Their exp
// evaluates the same degree-13 Taylor polynomial by Estrin's scheme (depth
// 5 instead of 13 dependent FMAs: the pass is latency-bound otherwise) and
// rounds and scales with the 1.5·2⁵² shifter (k in the low mantissa bits,
// added to the exponent field) instead of VRNDSCALEPD and VSCALEFPD.

// EXP512(R, K, A, B, C, D, E, F, G) sets R = exp(R) for R ≥ −700 with
// the constants of EXPCONST512 in Z15–Z19 and the polynomial's from memory
// (broadcast loads use the load ports, not the FP ones); it clobbers K and
// A–G, so two calls with distinct temporaries interleave.
#define EXP512(R, K, A, B, C, D, E, F, G) \
	VMOVAPD Z16, K; \
	VFMADD231PD Z17, R, K; \
	VSUBPD Z16, K, G; \
	VFNMADD231PD G, Z18, R; \
	VFNMADD231PD G, Z19, R; \
	VMULPD R, R, A; \
	VMULPD A, A, B; \
	VADDPD Z15, R, C; \
	VBROADCASTSD expc<>+480(SB), D; \
	VFMADD231PD.BCST expc<>+448(SB), R, D; \
	VBROADCASTSD expc<>+416(SB), E; \
	VFMADD231PD.BCST expc<>+384(SB), R, E; \
	VBROADCASTSD expc<>+352(SB), F; \
	VFMADD231PD.BCST expc<>+320(SB), R, F; \
	VBROADCASTSD expc<>+288(SB), G; \
	VFMADD231PD.BCST expc<>+256(SB), R, G; \
	VFMADD231PD D, A, C; \
	VFMADD231PD F, A, E; \
	VBROADCASTSD expc<>+224(SB), D; \
	VFMADD231PD.BCST expc<>+192(SB), R, D; \
	VBROADCASTSD expc<>+128(SB), F; \
	VFMADD213PD.BCST expc<>+160(SB), F, R; \
	VFMADD231PD D, A, G; \
	VFMADD231PD E, B, C; \
	VFMADD231PD R, B, G; \
	VMULPD B, B, B; \
	VFMADD231PD G, B, C; \
	VPSLLQ $52, K, K; \
	VPADDQ K, C, R

// EXPCONST512 loads the exp constants that stay in registers: Z15 = 1,
// Z16 = 1.5·2⁵², Z17 = log₂e, Z18 and Z19 = ln 2 (high and low parts).
#define EXPCONST512 \
	VBROADCASTSD expc<>+512(SB), Z15; \
	VBROADCASTSD expc<>+552(SB), Z16; \
	VBROADCASTSD expc<>+32(SB), Z17; \
	VBROADCASTSD expc<>+64(SB), Z18; \
	VBROADCASTSD expc<>+96(SB), Z19

// HSUM512 leaves the sum of the 8 lanes of Z in the low lane of X (Y the
// same register as a YMM); clobbers Y9.
#define HSUM512(Z, Y, X) \
	VEXTRACTF64X4 $1, Z, Y9; \
	VADDPD Y9, Y, Y; \
	VEXTRACTF128 $1, Y, X9; \
	VADDPD X9, X, X; \
	VHADDPD X, X, X

// func distMax2AVX512(l, y0, y1 *float64, n int, x0, x1, alpha, negInv float64) float64
// distMax2AVX2 on 16 (then 8) points at a time with two running maxima. n is
// a multiple of 8, > 0.
TEXT ·distMax2AVX512(SB), NOSPLIT, $0-72
	MOVQ l+0(FP), DI
	MOVQ y0+8(FP), SI
	MOVQ y1+16(FP), DX
	MOVQ n+24(FP), CX
	VBROADCASTSD x0+32(FP), Z0
	VBROADCASTSD x1+40(FP), Z1
	VBROADCASTSD alpha+48(FP), Z2
	VBROADCASTSD negInv+56(FP), Z3
	VBROADCASTSD expc<>+544(SB), Z8  // −Inf
	VMOVAPD Z8, Z15
	MOVQ CX, BX
	ANDQ $-16, BX
	XORQ AX, AX
	CMPQ BX, $0
	JEQ  zdtail
zdloop:
	VMOVUPD (SI)(AX*8), Z4
	VMOVUPD (DX)(AX*8), Z5
	VMOVUPD 64(SI)(AX*8), Z10
	VMOVUPD 64(DX)(AX*8), Z11
	VMOVAPD Z0, Z6
	VMOVAPD Z1, Z7
	VMOVAPD Z0, Z12
	VMOVAPD Z1, Z13
	VFNMADD231PD Z4, Z2, Z6
	VFNMADD231PD Z5, Z2, Z7
	VFNMADD231PD Z10, Z2, Z12
	VFNMADD231PD Z11, Z2, Z13
	VMULPD Z6, Z6, Z6
	VMULPD Z12, Z12, Z12
	VFMADD231PD Z7, Z7, Z6
	VFMADD231PD Z13, Z13, Z12
	VMULPD Z3, Z6, Z6
	VMULPD Z3, Z12, Z12
	VMOVUPD Z6, (DI)(AX*8)
	VMOVUPD Z12, 64(DI)(AX*8)
	VMAXPD Z6, Z8, Z8
	VMAXPD Z12, Z15, Z15
	ADDQ $16, AX
	CMPQ AX, BX
	JLT zdloop
zdtail:
	CMPQ AX, CX
	JGE  zddone
	VMOVUPD (SI)(AX*8), Z4
	VMOVUPD (DX)(AX*8), Z5
	VMOVAPD Z0, Z6
	VMOVAPD Z1, Z7
	VFNMADD231PD Z4, Z2, Z6
	VFNMADD231PD Z5, Z2, Z7
	VMULPD Z6, Z6, Z6
	VFMADD231PD Z7, Z7, Z6
	VMULPD Z3, Z6, Z6
	VMOVUPD Z6, (DI)(AX*8)
	VMAXPD Z6, Z8, Z8
zddone:
	VMAXPD Z15, Z8, Z8
	VEXTRACTF64X4 $1, Z8, Y9
	VMAXPD Y9, Y8, Y8
	VEXTRACTF128 $1, Y8, X9
	VMAXPD X9, X8, X8
	VPERMILPD $1, X8, X9
	VMAXSD X9, X8, X8
	VZEROUPPER
	MOVSD X8, ret+64(FP)
	RET

// func expSum2AVX512(w, y0, y1 *float64, n int, m float64) (s0, s1, s2 float64)
// expSum2AVX2 on 16 (then 8) points at a time. n is a multiple of 8, > 0.
TEXT ·expSum2AVX512(SB), NOSPLIT, $0-64
	MOVQ w+0(FP), DI
	MOVQ y0+8(FP), SI
	MOVQ y1+16(FP), DX
	MOVQ n+24(FP), CX
	VBROADCASTSD m+32(FP), Z0
	VBROADCASTSD expc<>+0(SB), Z7   // −700
	EXPCONST512
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	MOVQ CX, BX
	ANDQ $-16, BX
	XORQ AX, AX
	CMPQ BX, $0
	JEQ  zetail
zeloop:
	VMOVUPD (DI)(AX*8), Z5
	VMOVUPD 64(DI)(AX*8), Z29
	VSUBPD Z0, Z5, Z5
	VSUBPD Z0, Z29, Z29
	VMAXPD Z7, Z5, Z5
	VMAXPD Z7, Z29, Z29
	EXP512(Z5, Z6, Z4, Z8, Z9, Z10, Z11, Z12, Z13)
	EXP512(Z29, Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27)
	VMOVUPD Z5, (DI)(AX*8)
	VMOVUPD Z29, 64(DI)(AX*8)
	VADDPD Z5, Z1, Z1
	VFMADD231PD (SI)(AX*8), Z5, Z2
	VFMADD231PD (DX)(AX*8), Z5, Z3
	VADDPD Z29, Z1, Z1
	VFMADD231PD 64(SI)(AX*8), Z29, Z2
	VFMADD231PD 64(DX)(AX*8), Z29, Z3
	ADDQ $16, AX
	CMPQ AX, BX
	JLT zeloop
zetail:
	CMPQ AX, CX
	JGE  zedone
	VMOVUPD (DI)(AX*8), Z5
	VSUBPD Z0, Z5, Z5
	VMAXPD Z7, Z5, Z5
	EXP512(Z5, Z6, Z4, Z8, Z9, Z10, Z11, Z12, Z13)
	VMOVUPD Z5, (DI)(AX*8)
	VADDPD Z5, Z1, Z1
	VFMADD231PD (SI)(AX*8), Z5, Z2
	VFMADD231PD (DX)(AX*8), Z5, Z3
zedone:
	HSUM512(Z1, Y1, X1)
	HSUM512(Z2, Y2, X2)
	HSUM512(Z3, Y3, X3)
	VZEROUPPER
	MOVSD X1, s0+40(FP)
	MOVSD X2, s1+48(FP)
	MOVSD X3, s2+56(FP)
	RET

// func ctrace2AVX512(w, y0, y1 *float64, n int, mx, my, scale float64) (c00, c01, c11 float64)
// ctrace2AVX2 on 8 points at a time. n is a multiple of 8, > 0.
TEXT ·ctrace2AVX512(SB), NOSPLIT, $0-80
	MOVQ w+0(FP), DI
	MOVQ y0+8(FP), SI
	MOVQ y1+16(FP), DX
	MOVQ n+24(FP), CX
	VBROADCASTSD mx+32(FP), Z0
	VBROADCASTSD my+40(FP), Z1
	VBROADCASTSD scale+48(FP), Z2
	VPXORQ Z13, Z13, Z13
	VPXORQ Z14, Z14, Z14
	VPXORQ Z15, Z15, Z15
	XORQ AX, AX
ztloop:
	VMULPD (DI)(AX*8), Z2, Z3
	VMOVUPD Z3, (DI)(AX*8)
	VMOVUPD (SI)(AX*8), Z4
	VSUBPD Z0, Z4, Z4
	VMOVUPD (DX)(AX*8), Z5
	VSUBPD Z1, Z5, Z5
	VMULPD Z3, Z4, Z6
	VFMADD231PD Z4, Z6, Z13
	VFMADD231PD Z5, Z6, Z14
	VMULPD Z3, Z5, Z7
	VFMADD231PD Z5, Z7, Z15
	ADDQ $8, AX
	CMPQ AX, CX
	JLT ztloop
	HSUM512(Z13, Y13, X13)
	HSUM512(Z14, Y14, X14)
	HSUM512(Z15, Y15, X15)
	VZEROUPPER
	MOVSD X13, c00+56(FP)
	MOVSD X14, c01+64(FP)
	MOVSD X15, c11+72(FP)
	RET

// func expRowAVX512(l, y2 *float64, n int, m float64) (s0, s1 float64)
// expRowAVX2 on 16 (then 8) values at a time with the Estrin exp. n is a
// multiple of 8, > 0.
TEXT ·expRowAVX512(SB), NOSPLIT, $0-48
	MOVQ l+0(FP), DI
	MOVQ y2+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSD m+24(FP), Z0
	VBROADCASTSD expc<>+0(SB), Z7   // −700
	EXPCONST512
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	MOVQ CX, BX
	ANDQ $-16, BX
	XORQ AX, AX
	CMPQ BX, $0
	JEQ  zrtail
zrloop:
	VMOVUPD (DI)(AX*8), Z5
	VMOVUPD 64(DI)(AX*8), Z29
	VSUBPD Z0, Z5, Z5
	VSUBPD Z0, Z29, Z29
	VCMPPD $13, Z7, Z5, K1     // keep = x ≥ −700
	VCMPPD $13, Z7, Z29, K2
	VMAXPD Z7, Z5, Z5
	VMAXPD Z7, Z29, Z29
	EXP512(Z5, Z6, Z4, Z8, Z9, Z10, Z11, Z12, Z13)
	EXP512(Z29, Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27)
	VMOVAPD.Z Z5, K1, Z5       // 0 below −700
	VMOVAPD.Z Z29, K2, Z29
	VMOVUPD Z5, (DI)(AX*8)
	VMOVUPD Z29, 64(DI)(AX*8)
	VADDPD Z5, Z1, Z1
	VFMADD231PD (SI)(AX*8), Z5, Z2
	VADDPD Z29, Z1, Z1
	VFMADD231PD 64(SI)(AX*8), Z29, Z2
	ADDQ $16, AX
	CMPQ AX, BX
	JLT zrloop
zrtail:
	CMPQ AX, CX
	JGE  zrdone
	VMOVUPD (DI)(AX*8), Z5
	VSUBPD Z0, Z5, Z5
	VCMPPD $13, Z7, Z5, K1
	VMAXPD Z7, Z5, Z5
	EXP512(Z5, Z6, Z4, Z8, Z9, Z10, Z11, Z12, Z13)
	VMOVAPD.Z Z5, K1, Z5
	VMOVUPD Z5, (DI)(AX*8)
	VADDPD Z5, Z1, Z1
	VFMADD231PD (SI)(AX*8), Z5, Z2
zrdone:
	HSUM512(Z1, Y1, X1)
	HSUM512(Z2, Y2, X2)
	VZEROUPPER
	MOVSD X1, s0+32(FP)
	MOVSD X2, s1+40(FP)
	RET
