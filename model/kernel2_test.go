package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestVectorKernelMatchesScalar compares the AVX2 kernel with the
// straightforward scalar formula (≤ 1e-12 relative) on random data of every
// length mod 4, near and far points, large and tiny σ.
func TestVectorKernelMatchesScalar(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2+FMA on this CPU: the scalar kernel is the only one")
	}
	r := rand.New(rand.NewPCG(8, 8))
	for _, n := range []int{1, 3, 4, 5, 7, 64, 1001, 2048} {
		z := make([]float64, 2*n)
		for i := range z {
			z[i] = 4 * (2*r.Float64() - 1)
		}
		lp := make([]float64, n)
		for i := range lp {
			lp[i] = -math.Log(float64(n))
		}
		s := newSOA2(z, lp)
		wv, ws := make([]float64, n), make([]float64, n)
		mv, ms := make([]float64, 2), make([]float64, 2)
		for trial := 0; trial < 200; trial++ {
			sigma := math.Pow(10, -3+4*r.Float64())
			alpha := r.Float64()
			x0, x1 := 5*r.NormFloat64(), 5*r.NormFloat64()
			if trial%10 == 0 {
				x0, x1 = 1e3, -700
			}
			lv, tv := s.kernel(wv, mv, x0, x1, alpha, sigma)
			ls, tsc := diracKernel2(ws, ms, z, lp, x0, x1, alpha, sigma)
			c := Coeffs{Alpha: alpha, Sigma: sigma}
			checkClose(t, "logZ", lv, ls, 1e-12, 1)
			checkClose(t, "tr F", FisherTraceFromCov(2, c, tv), FisherTraceFromCov(2, c, tsc), 1e-12, 1/(sigma*sigma))
			for j := range mv {
				checkClose(t, "mean", mv[j], ms[j], 1e-12, 1)
			}
			for i := range wv {
				// Weights sum to 1: compare absolutely (a weight e^−135 carries the
				// conditioning of its exponent, in both kernels alike).
				if math.Abs(wv[i]-ws[i]) > 1e-12 {
					t.Fatalf("n=%d weight %d: %g vs %g", n, i, wv[i], ws[i])
				}
			}
		}
	}
}
