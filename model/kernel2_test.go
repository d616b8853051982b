package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestVectorKernelMatchesScalar compares the AVX2 and (odd trials, where
// the CPU has it) AVX-512 kernels with the
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
			lv, cv := s.run(passes256(), wv, mv, x0, x1, alpha, sigma)
			if haveAVX512 && n >= 8 && trial%2 == 1 {
				lv, cv = s.run(passes512(), wv, mv, x0, x1, alpha, sigma)
			}
			tv := cv[0] + cv[2]
			ls, tsc := diracKernel2(ws, ms, z, lp, x0, x1, alpha, sigma)
			c := Coeffs{Alpha: alpha, Sigma: sigma}
			// Adversarial inputs (σ down to 1e-3, |x| = 1e3) are ill-conditioned:
			// log-weight differences of order 1e5 carry 1e-11 of rounding in any
			// float64 evaluation, so two correct kernels differ by that much.
			checkClose(t, "logZ", lv, ls, 1e-12, 1)
			checkClose(t, "tr F", FisherTraceFromCov(2, c, tv), FisherTraceFromCov(2, c, tsc), 1e-9, 1/(sigma*sigma))
			for j := range mv {
				checkClose(t, "mean", mv[j], ms[j], 1e-9, 1)
			}
			c00, c01, c11 := planeCov(ws, z, ms)
			for j, want := range []float64{c00, c01, c11} {
				// Covariance entries enter F scaled by α²/σ⁴, beside I/σ².
				checkClose(t, "2×2 covariance", cv[j], want, 1e-9, sigma*sigma/(alpha*alpha+1e-300))
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

// TestVectorKernelOnTrajectories runs the benchmark workload's trajectories
// (checkerboard, N = 2048, VP, 100 DDIM steps) once with the vectorised
// kernel and once with the straightforward one: every tr C, log q and tr F
// (relative to d/σ², the size of its terms) and the final states agree to
// 1e-12 relative.
func TestVectorKernelOnTrajectories(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2+FMA on this CPU")
	}
	m, _ := NewDataset("checkerboard", 2048, 1)
	fast := m.(*Dirac)
	plain := *fast
	plain.soa = nil
	s := mustSchedule(t, "vp")
	grid, _ := s.Grid(100, 1e-3)
	pf, pp := NewPosterior(fast), NewPosterior(&plain)
	r := rand.New(rand.NewPCG(3, 1))
	worst := 0.0
	for k := 0; k < 64; k++ {
		xf := []float64{r.NormFloat64(), r.NormFloat64()}
		xp := append([]float64(nil), xf...)
		for i := 0; i+1 < len(grid); i++ {
			c, to := mustAt(t, s, grid[i]), mustAt(t, s, grid[i+1])
			fast.Posterior(pf, xf, c)
			plain.Posterior(pp, xp, c)
			// tr F = d/σ² − (α²/σ⁴) tr C cancels where F is indefinite: measure it
			// against the size of its terms, d/σ², and tr C on its own.
			worst = math.Max(worst, relErr(pf.TraceFisher(), pp.TraceFisher(), 2/(c.Sigma*c.Sigma)))
			worst = math.Max(worst, relErr(pf.TrCov, pp.TrCov, 1e-300))
			worst = math.Max(worst, relErr(pf.LogDensity, pp.LogDensity, 1))
			DDIMStep(xf, xf, pf, to)
			DDIMStep(xp, xp, pp, to)
		}
		for j := range xf {
			worst = math.Max(worst, relErr(xf[j], xp[j], 1))
		}
	}
	if worst > 1e-12 {
		t.Errorf("largest relative difference %g > 1e-12", worst)
	}
	t.Logf("largest relative difference along 64 trajectories: %.3g", worst)
}
