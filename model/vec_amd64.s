#include "textflag.h"

// Short-vector routines for the estimators (D in the tens to thousands):
// four accumulators hide the FMA latency. n is a multiple of 4, > 0.

// func dotAVX2(a, b *float64, n int) float64
TEXT ·dotAVX2(SB), NOSPLIT, $0-32
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ n+16(FP), CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-16, BX
	JZ   dtail
dloop:
	VMOVUPD (SI)(AX*8), Y4
	VMOVUPD 32(SI)(AX*8), Y5
	VMOVUPD 64(SI)(AX*8), Y6
	VMOVUPD 96(SI)(AX*8), Y7
	VFMADD231PD (DI)(AX*8), Y4, Y0
	VFMADD231PD 32(DI)(AX*8), Y5, Y1
	VFMADD231PD 64(DI)(AX*8), Y6, Y2
	VFMADD231PD 96(DI)(AX*8), Y7, Y3
	ADDQ $16, AX
	CMPQ AX, BX
	JLT  dloop
dtail:
	CMPQ AX, CX
	JGE  ddone
	VMOVUPD (SI)(AX*8), Y4
	VFMADD231PD (DI)(AX*8), Y4, Y0
	ADDQ $4, AX
	JMP  dtail
ddone:
	VADDPD Y1, Y0, Y0
	VADDPD Y3, Y2, Y2
	VADDPD Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD X1, X0, X0
	VHADDPD X0, X0, X0
	VZEROUPPER
	MOVSD X0, ret+24(FP)
	RET

// func dot2AVX2(a, b, v *float64, n int) (sa, sb float64)
// sa = a·v, sb = b·v in one pass over v.
TEXT ·dot2AVX2(SB), NOSPLIT, $0-48
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DX
	MOVQ v+16(FP), DI
	MOVQ n+24(FP), CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-8, BX
	JZ   d2tail
d2loop:
	VMOVUPD (DI)(AX*8), Y4
	VMOVUPD 32(DI)(AX*8), Y5
	VFMADD231PD (SI)(AX*8), Y4, Y0
	VFMADD231PD 32(SI)(AX*8), Y5, Y1
	VFMADD231PD (DX)(AX*8), Y4, Y2
	VFMADD231PD 32(DX)(AX*8), Y5, Y3
	ADDQ $8, AX
	CMPQ AX, BX
	JLT  d2loop
d2tail:
	CMPQ AX, CX
	JGE  d2done
	VMOVUPD (DI)(AX*8), Y4
	VFMADD231PD (SI)(AX*8), Y4, Y0
	VFMADD231PD (DX)(AX*8), Y4, Y2
	ADDQ $4, AX
	JMP  d2tail
d2done:
	VADDPD Y1, Y0, Y0
	VADDPD Y3, Y2, Y2
	VEXTRACTF128 $1, Y0, X1
	VADDPD X1, X0, X0
	VHADDPD X0, X0, X0
	VEXTRACTF128 $1, Y2, X3
	VADDPD X3, X2, X2
	VHADDPD X2, X2, X2
	VZEROUPPER
	MOVSD X0, sa+32(FP)
	MOVSD X2, sb+40(FP)
	RET

// func axpyAVX2(y, x *float64, n int, s float64)
// y += s·x.
TEXT ·axpyAVX2(SB), NOSPLIT, $0-32
	MOVQ y+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSD s+24(FP), Y0
	XORQ AX, AX
aloop:
	VMOVUPD (DI)(AX*8), Y1
	VFMADD231PD (SI)(AX*8), Y0, Y1
	VMOVUPD Y1, (DI)(AX*8)
	ADDQ $4, AX
	CMPQ AX, CX
	JLT  aloop
	VZEROUPPER
	RET

// func comb3AVX2(dst, v, a, b *float64, n int, cv, ca, cb float64)
// dst = cv·v + ca·a + cb·b.
TEXT ·comb3AVX2(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ v+8(FP), SI
	MOVQ a+16(FP), DX
	MOVQ b+24(FP), R8
	MOVQ n+32(FP), CX
	VBROADCASTSD cv+40(FP), Y0
	VBROADCASTSD ca+48(FP), Y1
	VBROADCASTSD cb+56(FP), Y2
	XORQ AX, AX
cloop:
	VMULPD (SI)(AX*8), Y0, Y3
	VFMADD231PD (DX)(AX*8), Y1, Y3
	VFMADD231PD (R8)(AX*8), Y2, Y3
	VMOVUPD Y3, (DI)(AX*8)
	ADDQ $4, AX
	CMPQ AX, CX
	JLT  cloop
	VZEROUPPER
	RET

// func dot4AVX2(q *float64, stride int, v *float64, n int) (s0, s1, s2, s3 float64)
// s_c = q_c·v for the four vectors q_c = q[c·stride : c·stride+n]: one pass over v.
TEXT ·dot4AVX2(SB), NOSPLIT, $0-64
	MOVQ q+0(FP), SI
	MOVQ stride+8(FP), BX
	SHLQ $3, BX
	MOVQ v+16(FP), DI
	MOVQ n+24(FP), CX
	LEAQ (SI)(BX*1), R8
	LEAQ (R8)(BX*1), R9
	LEAQ (R9)(BX*1), R10
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	XORQ AX, AX
q4loop:
	VMOVUPD (DI)(AX*8), Y4
	VFMADD231PD (SI)(AX*8), Y4, Y0
	VFMADD231PD (R8)(AX*8), Y4, Y1
	VFMADD231PD (R9)(AX*8), Y4, Y2
	VFMADD231PD (R10)(AX*8), Y4, Y3
	ADDQ $4, AX
	CMPQ AX, CX
	JLT  q4loop
	VEXTRACTF128 $1, Y0, X5
	VADDPD X5, X0, X0
	VHADDPD X0, X0, X0
	VEXTRACTF128 $1, Y1, X5
	VADDPD X5, X1, X1
	VHADDPD X1, X1, X1
	VEXTRACTF128 $1, Y2, X5
	VADDPD X5, X2, X2
	VHADDPD X2, X2, X2
	VEXTRACTF128 $1, Y3, X5
	VADDPD X5, X3, X3
	VHADDPD X3, X3, X3
	VZEROUPPER
	MOVSD X0, s0+32(FP)
	MOVSD X1, s1+40(FP)
	MOVSD X2, s2+48(FP)
	MOVSD X3, s3+56(FP)
	RET

// func axpy4AVX2(v, q *float64, stride, n int, c0, c1, c2, c3 float64)
// v += Σ_c c_c·q_c for the four vectors q_c = q[c·stride : c·stride+n].
TEXT ·axpy4AVX2(SB), NOSPLIT, $0-64
	MOVQ v+0(FP), DI
	MOVQ q+8(FP), SI
	MOVQ stride+16(FP), BX
	SHLQ $3, BX
	MOVQ n+24(FP), CX
	LEAQ (SI)(BX*1), R8
	LEAQ (R8)(BX*1), R9
	LEAQ (R9)(BX*1), R10
	VBROADCASTSD c0+32(FP), Y0
	VBROADCASTSD c1+40(FP), Y1
	VBROADCASTSD c2+48(FP), Y2
	VBROADCASTSD c3+56(FP), Y3
	XORQ AX, AX
a4loop:
	VMOVUPD (DI)(AX*8), Y4
	VFMADD231PD (SI)(AX*8), Y0, Y4
	VFMADD231PD (R8)(AX*8), Y1, Y4
	VFMADD231PD (R9)(AX*8), Y2, Y4
	VFMADD231PD (R10)(AX*8), Y3, Y4
	VMOVUPD Y4, (DI)(AX*8)
	ADDQ $4, AX
	CMPQ AX, CX
	JLT  a4loop
	VZEROUPPER
	RET
