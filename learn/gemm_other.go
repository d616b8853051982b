//go:build !amd64 || purego

package learn

// haveAsmKernel is false: this build has only the portable micro-kernel.
const haveAsmKernel = false

// microKernel is the portable 6×16 micro-kernel.
func microKernel(kb int, a, b, c []float32, ldc int) { microKernelGo(kb, a, b, c, ldc) }

// siluRow32 is the fused bias and SiLU of one float32 row (see biasAct).
func siluRow32(z, s, h, b []float32) { siluRowGo(z, s, h, b) }
