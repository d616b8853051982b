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

// siluAVX2 computes, for j < n (a multiple of 8), z[j] += b[j],
// s[j] = 1/(1 + exp32(−z[j])) and h[j] = z[j]·s[j].
//
//go:noescape
func siluAVX2(z, s, h, b *float32, n int)

// siluRow32 is the fused bias and SiLU of one float32 row (see biasAct).
func siluRow32(z, s, h, b []float32) {
	n := len(z)
	n8 := 0
	if haveAsmKernel {
		n8 = n &^ 7
		if n8 > 0 {
			_, _, _ = s[n-1], h[n-1], b[n-1]
			siluAVX2(&z[0], &s[0], &h[0], &b[0], n8)
		}
	}
	siluRowGo(z[n8:], s[n8:n], h[n8:n], b[n8:n])
}
