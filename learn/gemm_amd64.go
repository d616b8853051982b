//go:build amd64 && !purego

package learn

import "golang.org/x/sys/cpu"

// haveAsmKernel reports whether the AVX2/FMA micro-kernel runs on this CPU.
var haveAsmKernel = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// sgemmKernel6x16 computes C[0:6, 0:16] += Ã·B̃ for packed panels a (k×6)
// and b (k×16); ldc is C's row stride in elements. k ≥ 1.
//
//go:noescape
func sgemmKernel6x16(k int, a, b, c *float32, ldc int)

// microKernel is the 6×16 micro-kernel: the assembly one when the CPU has
// AVX2 and FMA, else the portable one.
func microKernel(kb int, a, b, c []float32, ldc int) {
	if !haveAsmKernel || kb == 0 {
		microKernelGo(kb, a, b, c, ldc)
		return
	}
	_ = a[kb*gemmMR-1]
	_ = b[kb*gemmNR-1]
	_ = c[(gemmMR-1)*ldc+gemmNR-1]
	sgemmKernel6x16(kb, &a[0], &b[0], &c[0], ldc)
}
