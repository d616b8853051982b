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
