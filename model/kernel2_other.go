//go:build !amd64

package model

const haveAVX2 = false

func distMax2AVX2(l, y0, y1 *float64, n int, x0, x1, alpha, negInv float64) float64 {
	panic("unreachable")
}

func expSum2AVX2(w, y0, y1 *float64, n int, m float64) (s0, s1, s2 float64) { panic("unreachable") }

func ctrace2AVX2(w, y0, y1 *float64, n int, mx, my, scale float64) (c00, c01, c11 float64) {
	panic("unreachable")
}

func expRowAVX2(l, y2 *float64, n int, m float64) (s0, s1 float64) { panic("unreachable") }

func gemm4x8AVX2(a, b *float64, k int, c *float64, ldc int, add bool) { panic("unreachable") }

func biasMaxAVX2(l, logPi, y2 *float64, n int, q float64) float64 { panic("unreachable") }

const haveAVX512 = false

func gemm4x16AVX512(a, b0, b1 *float64, k int, c *float64, ldc int, add bool) { panic("unreachable") }

func distMax2AVX512(l, y0, y1 *float64, n int, x0, x1, alpha, negInv float64) float64 {
	panic("unreachable")
}

func expSum2AVX512(w, y0, y1 *float64, n int, m float64) (s0, s1, s2 float64) { panic("unreachable") }

func ctrace2AVX512(w, y0, y1 *float64, n int, mx, my, scale float64) (c00, c01, c11 float64) {
	panic("unreachable")
}

func dotAVX2(a, b *float64, n int) float64 { panic("unreachable") }

func dot2AVX2(a, b, v *float64, n int) (sa, sb float64) { panic("unreachable") }

func axpyAVX2(y, x *float64, n int, s float64) { panic("unreachable") }

func comb3AVX2(dst, v, a, b *float64, n int, cv, ca, cb float64) { panic("unreachable") }

func dot4AVX2(q *float64, stride int, v *float64, n int) (s0, s1, s2, s3 float64) {
	panic("unreachable")
}

func axpy4AVX2(v, q *float64, stride, n int, c0, c1, c2, c3 float64) { panic("unreachable") }

func dot4AVX512(q *float64, stride int, v *float64, n int) (s0, s1, s2, s3 float64) {
	panic("unreachable")
}

func axpy4AVX512(v, q *float64, stride, n int, c0, c1, c2, c3 float64) { panic("unreachable") }

func expRowAVX512(l, y2 *float64, n int, m float64) (s0, s1 float64) { panic("unreachable") }

func dot3AVX2(a, b, v *float64, n int) (sa, sb, vv float64) { panic("unreachable") }

func signsAVX512(dst *float64, bits uint64, n int) { panic("unreachable") }

func gemm4x16rowsAVX512(a *[4]*float64, b0, b1 *float64, k int, c *float64, ldc int, add bool) {
	panic("unreachable")
}

func gemm4x8rowsAVX2(a *[4]*float64, b *float64, k int, c *float64, ldc int, add bool) {
	panic("unreachable")
}
