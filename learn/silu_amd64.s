//go:build amd64 && !purego

#include "textflag.h"

DATA siluc<>+0(SB)/4, $0x42b00000
DATA siluc<>+4(SB)/4, $0x42b00000
DATA siluc<>+8(SB)/4, $0x42b00000
DATA siluc<>+12(SB)/4, $0x42b00000
DATA siluc<>+16(SB)/4, $0x42b00000
DATA siluc<>+20(SB)/4, $0x42b00000
DATA siluc<>+24(SB)/4, $0x42b00000
DATA siluc<>+28(SB)/4, $0x42b00000
DATA siluc<>+32(SB)/4, $0xc2ae0000
DATA siluc<>+36(SB)/4, $0xc2ae0000
DATA siluc<>+40(SB)/4, $0xc2ae0000
DATA siluc<>+44(SB)/4, $0xc2ae0000
DATA siluc<>+48(SB)/4, $0xc2ae0000
DATA siluc<>+52(SB)/4, $0xc2ae0000
DATA siluc<>+56(SB)/4, $0xc2ae0000
DATA siluc<>+60(SB)/4, $0xc2ae0000
DATA siluc<>+64(SB)/4, $0x3fb8aa3b
DATA siluc<>+68(SB)/4, $0x3fb8aa3b
DATA siluc<>+72(SB)/4, $0x3fb8aa3b
DATA siluc<>+76(SB)/4, $0x3fb8aa3b
DATA siluc<>+80(SB)/4, $0x3fb8aa3b
DATA siluc<>+84(SB)/4, $0x3fb8aa3b
DATA siluc<>+88(SB)/4, $0x3fb8aa3b
DATA siluc<>+92(SB)/4, $0x3fb8aa3b
DATA siluc<>+96(SB)/4, $0x3f318000
DATA siluc<>+100(SB)/4, $0x3f318000
DATA siluc<>+104(SB)/4, $0x3f318000
DATA siluc<>+108(SB)/4, $0x3f318000
DATA siluc<>+112(SB)/4, $0x3f318000
DATA siluc<>+116(SB)/4, $0x3f318000
DATA siluc<>+120(SB)/4, $0x3f318000
DATA siluc<>+124(SB)/4, $0x3f318000
DATA siluc<>+128(SB)/4, $0xb95e8083
DATA siluc<>+132(SB)/4, $0xb95e8083
DATA siluc<>+136(SB)/4, $0xb95e8083
DATA siluc<>+140(SB)/4, $0xb95e8083
DATA siluc<>+144(SB)/4, $0xb95e8083
DATA siluc<>+148(SB)/4, $0xb95e8083
DATA siluc<>+152(SB)/4, $0xb95e8083
DATA siluc<>+156(SB)/4, $0xb95e8083
DATA siluc<>+160(SB)/4, $0x3ab60b61
DATA siluc<>+164(SB)/4, $0x3ab60b61
DATA siluc<>+168(SB)/4, $0x3ab60b61
DATA siluc<>+172(SB)/4, $0x3ab60b61
DATA siluc<>+176(SB)/4, $0x3ab60b61
DATA siluc<>+180(SB)/4, $0x3ab60b61
DATA siluc<>+184(SB)/4, $0x3ab60b61
DATA siluc<>+188(SB)/4, $0x3ab60b61
DATA siluc<>+192(SB)/4, $0x3c088889
DATA siluc<>+196(SB)/4, $0x3c088889
DATA siluc<>+200(SB)/4, $0x3c088889
DATA siluc<>+204(SB)/4, $0x3c088889
DATA siluc<>+208(SB)/4, $0x3c088889
DATA siluc<>+212(SB)/4, $0x3c088889
DATA siluc<>+216(SB)/4, $0x3c088889
DATA siluc<>+220(SB)/4, $0x3c088889
DATA siluc<>+224(SB)/4, $0x3d2aaaab
DATA siluc<>+228(SB)/4, $0x3d2aaaab
DATA siluc<>+232(SB)/4, $0x3d2aaaab
DATA siluc<>+236(SB)/4, $0x3d2aaaab
DATA siluc<>+240(SB)/4, $0x3d2aaaab
DATA siluc<>+244(SB)/4, $0x3d2aaaab
DATA siluc<>+248(SB)/4, $0x3d2aaaab
DATA siluc<>+252(SB)/4, $0x3d2aaaab
DATA siluc<>+256(SB)/4, $0x3e2aaaab
DATA siluc<>+260(SB)/4, $0x3e2aaaab
DATA siluc<>+264(SB)/4, $0x3e2aaaab
DATA siluc<>+268(SB)/4, $0x3e2aaaab
DATA siluc<>+272(SB)/4, $0x3e2aaaab
DATA siluc<>+276(SB)/4, $0x3e2aaaab
DATA siluc<>+280(SB)/4, $0x3e2aaaab
DATA siluc<>+284(SB)/4, $0x3e2aaaab
DATA siluc<>+288(SB)/4, $0x3f000000
DATA siluc<>+292(SB)/4, $0x3f000000
DATA siluc<>+296(SB)/4, $0x3f000000
DATA siluc<>+300(SB)/4, $0x3f000000
DATA siluc<>+304(SB)/4, $0x3f000000
DATA siluc<>+308(SB)/4, $0x3f000000
DATA siluc<>+312(SB)/4, $0x3f000000
DATA siluc<>+316(SB)/4, $0x3f000000
DATA siluc<>+320(SB)/4, $0x3f800000
DATA siluc<>+324(SB)/4, $0x3f800000
DATA siluc<>+328(SB)/4, $0x3f800000
DATA siluc<>+332(SB)/4, $0x3f800000
DATA siluc<>+336(SB)/4, $0x3f800000
DATA siluc<>+340(SB)/4, $0x3f800000
DATA siluc<>+344(SB)/4, $0x3f800000
DATA siluc<>+348(SB)/4, $0x3f800000
DATA siluc<>+352(SB)/4, $127
DATA siluc<>+356(SB)/4, $127
DATA siluc<>+360(SB)/4, $127
DATA siluc<>+364(SB)/4, $127
DATA siluc<>+368(SB)/4, $127
DATA siluc<>+372(SB)/4, $127
DATA siluc<>+376(SB)/4, $127
DATA siluc<>+380(SB)/4, $127
GLOBL siluc<>(SB), RODATA|NOPTR, $384

// func siluAVX2(z, s, h, b *float32, n int)
// For j < n (a multiple of 8): z[j] += b[j]; s[j] = 1/(1+exp(−z[j])); h[j] = z[j]·s[j],
// with exp as in exp32 (degree-6 polynomial after reduction by ln 2).
TEXT ·siluAVX2(SB), NOSPLIT, $0-40
	MOVQ z+0(FP), SI
	MOVQ s+8(FP), DI
	MOVQ h+16(FP), DX
	MOVQ b+24(FP), BX
	MOVQ n+32(FP), CX
	SHRQ $3, CX
	JEQ done
	VXORPS Y15, Y15, Y15
	VMOVUPS siluc<>+320(SB), Y14
	VMOVUPS siluc<>+0(SB), Y13
	VMOVUPS siluc<>+32(SB), Y12
	VMOVUPS siluc<>+64(SB), Y11
loop:
	VMOVUPS (SI), Y0
	VADDPS (BX), Y0, Y0
	VMOVUPS Y0, (SI)
	VSUBPS Y0, Y15, Y1
	VMINPS Y13, Y1, Y1
	VMAXPS Y12, Y1, Y1
	VMULPS Y11, Y1, Y2
	VROUNDPS $0, Y2, Y2
	VFNMADD231PS siluc<>+96(SB), Y2, Y1
	VFNMADD231PS siluc<>+128(SB), Y2, Y1
	VMOVUPS siluc<>+160(SB), Y3
	VFMADD213PS siluc<>+192(SB), Y1, Y3
	VFMADD213PS siluc<>+224(SB), Y1, Y3
	VFMADD213PS siluc<>+256(SB), Y1, Y3
	VFMADD213PS siluc<>+288(SB), Y1, Y3
	VFMADD213PS Y14, Y1, Y3
	VFMADD213PS Y14, Y1, Y3
	VCVTPS2DQ Y2, Y5
	VPADDD siluc<>+352(SB), Y5, Y5
	VPSLLD $23, Y5, Y5
	VMULPS Y5, Y3, Y3
	VADDPS Y14, Y3, Y3
	VDIVPS Y3, Y14, Y4
	VMOVUPS Y4, (DI)
	VMULPS Y4, Y0, Y5
	VMOVUPS Y5, (DX)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, DX
	ADDQ $32, BX
	DECQ CX
	JNZ loop
done:
	VZEROUPPER
	RET
