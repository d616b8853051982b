package model

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// countingOp counts matvecs.
type countingOp struct {
	Operator
	n int
}

func (c *countingOp) MatVec(dst, v []float64) { c.n++; c.Operator.MatVec(dst, v) }

// decayingMatrix returns Q diag(spec) Qᵀ for a seeded orthogonal Q.
func decayingMatrix(spec []float64, seed uint64) *mat.SymDense {
	d := len(spec)
	r := rand.New(rand.NewPCG(seed, 1))
	g := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			g.Set(i, j, r.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q mat.Dense
	qr.QTo(&q)
	a := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			s := 0.0
			for k := 0; k < d; k++ {
				s += q.At(i, k) * spec[k] * q.At(j, k)
			}
			a.SetSym(i, j, s)
		}
	}
	return a
}

// moments returns the mean, the standard error of the mean, the sample
// variance and the standard error of the sample variance.
func moments(xs []float64) (mean, seMean, variance, seVar float64) {
	n := float64(len(xs))
	for _, x := range xs {
		mean += x
	}
	mean /= n
	m4 := 0.0
	for _, x := range xs {
		d := x - mean
		variance += d * d
		m4 += d * d * d * d
	}
	variance /= n - 1
	m4 /= n
	return mean, math.Sqrt(variance / n), variance, math.Sqrt(math.Max(m4-variance*variance, 0) / n)
}

// within fails unless |got − want| ≤ k·se (+ a tiny absolute slack).
func within(t *testing.T, what string, got, want, se, k float64) {
	t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > k*se+1e-12*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %.6g, want %.6g ± %.2g·%.3g (off by %.2f SE)", what, got, want, k, se, math.Abs(got-want)/se)
	}
}

const draws = 4000

// TestEstimatorsUnbiased: mean of thousands of seeded draws within 4 standard
// errors of the exact trace, for every estimator and probe distribution.
func TestEstimatorsUnbiased(t *testing.T) {
	a := decayingMatrix([]float64{10, 5, 2, 1, 0.5, 0.1, -0.3, 0.05}, 3)
	op := DenseOp{a}
	exact := mat.Trace(a)
	type est func(r *rand.Rand, w *TraceWork, s *Sketch) float64
	ests := map[string]est{}
	for _, pr := range []Probe{Rademacher, Gaussian, Sphere} {
		pr := pr
		ests["hutchinson/"+pr.String()] = func(r *rand.Rand, w *TraceWork, _ *Sketch) float64 {
			return Hutchinson(op, 3, pr, r, w).Value
		}
		ests["hutch++/"+pr.String()] = func(r *rand.Rand, w *TraceWork, s *Sketch) float64 {
			e, _ := HutchPP(op, 6, pr, r, s, w)
			return e.Value
		}
		ests["genhutch++/"+pr.String()] = func(r *rand.Rand, w *TraceWork, s *Sketch) float64 {
			return GenHutchPP(op, 1, pr, r, s, w).Value
		}
		ests["na-hutch++/"+pr.String()] = func(r *rand.Rand, _ *TraceWork, _ *Sketch) float64 {
			e, _ := NAHutchPP(op, 12, pr, r)
			return e.Value
		}
	}
	ests["xtrace/gaussian"] = func(r *rand.Rand, _ *TraceWork, _ *Sketch) float64 {
		e, _ := XTrace(op, 6, false, Gaussian, r)
		return e.Value
	}
	ests["xtrace/improved"] = func(r *rand.Rand, _ *TraceWork, _ *Sketch) float64 {
		e, _ := XTrace(op, 6, true, Sphere, r)
		return e.Value
	}
	// A stale sketch: Q built from another matrix, residual probes fresh.
	stale := DenseOp{decayingMatrix([]float64{9, 6, 1, 1, 0.4, 0.2, -0.1, 0}, 4)}
	ests["hutch++/stale-sketch"] = func(r *rand.Rand, w *TraceWork, s *Sketch) float64 {
		s.Refresh(stale, 2, Gaussian, r, w)
		return HutchPPWithSketch(op, s, 2, Rademacher, r, w).Value
	}
	for name, f := range ests {
		r := rand.New(rand.NewPCG(42, 7))
		var w TraceWork
		var s Sketch
		xs := make([]float64, draws)
		for i := range xs {
			xs[i] = f(r, &w, &s)
		}
		mean, se, _, _ := moments(xs)
		within(t, name+" mean", mean, exact, se, 4)
	}
}

// TestHutchinsonVarianceMatchesAnalytic compares the empirical variance with
// the analytic one (math-spec §6.3) within 5 standard errors of the sample variance.
func TestHutchinsonVarianceMatchesAnalytic(t *testing.T) {
	a := decayingMatrix([]float64{4, 3, 1, 0.5, -1, 0.2}, 8)
	for _, pr := range []Probe{Rademacher, Gaussian, Sphere} {
		r := rand.New(rand.NewPCG(1, uint64(pr)))
		var w TraceWork
		xs := make([]float64, 20000)
		for i := range xs {
			xs[i] = Hutchinson(DenseOp{a}, 2, pr, r, &w).Value
		}
		_, _, v, seV := moments(xs)
		within(t, "Var "+pr.String(), v, HutchinsonVariance(a, 2, pr), seV, 5)
	}
}

// TestHutchPPConditionalVariance fixes a sketch and compares the variance over
// residual probes with the analytic Hutchinson variance of PAP.
func TestHutchPPConditionalVariance(t *testing.T) {
	a := decayingMatrix([]float64{8, 3, 1, 0.5, 0.25, 0.1}, 9)
	r := rand.New(rand.NewPCG(2, 2))
	var w TraceWork
	var s Sketch
	s.Refresh(DenseOp{a}, 2, Gaussian, r, &w)
	for _, pr := range []Probe{Rademacher, Gaussian, Sphere} {
		xs := make([]float64, 20000)
		for i := range xs {
			xs[i] = HutchPPWithSketch(DenseOp{a}, &s, 3, pr, r, &w).Value
		}
		mean, se, v, seV := moments(xs)
		within(t, "Hutch++ mean "+pr.String(), mean, mat.Trace(a), se, 4)
		if pr == Sphere {
			// The residual probe (I−QQᵀ)z of a sphere probe is not a sphere probe
			// of the complement; only unbiasedness is claimed.
			continue
		}
		within(t, "Hutch++ conditional Var "+pr.String(), v, HutchPPConditionalVariance(a, &s, 3, pr), seV, 5)
	}
}

// Test2DExactnessFacts checks the 2-D facts of math-spec §6.4 and §6.7.
func Test2DExactnessFacts(t *testing.T) {
	a := mat.NewSymDense(2, []float64{3, 0.8, 0.8, -0.5})
	op := DenseOp{a}
	r := rand.New(rand.NewPCG(3, 3))
	var w TraceWork
	var s Sketch
	for i := 0; i < 200; i++ {
		if e := GenHutchPP(op, 2, Gaussian, r, &s, &w); math.Abs(e.Value-2.5) > 1e-12 {
			t.Fatalf("Hutch++ with k = 2 in 2-D not exact: %g", e.Value)
		}
		if e, _ := XTrace(op, 4, true, Sphere, r); math.Abs(e.Value-2.5) > 1e-12 {
			t.Fatalf("improved XTrace with m = 4 in 2-D not exact: %g", e.Value)
		}
		diag := DenseOp{mat.NewSymDense(2, []float64{3, 0, 0, -0.5})}
		if e := Hutchinson(diag, 1, Rademacher, r, &w); math.Abs(e.Value-2.5) > 1e-12 {
			t.Fatalf("Rademacher on a diagonal matrix not exact: %g", e.Value)
		}
	}
	// k = 1: single residual probe, conditional variance 2(q⊥ᵀAq⊥)² (Gaussian).
	s.Refresh(op, 1, Gaussian, r, &w)
	q := s.Basis(0)
	qp := []float64{-q[1], q[0]}
	c := qp[0]*qp[0]*a.At(0, 0) + 2*qp[0]*qp[1]*a.At(0, 1) + qp[1]*qp[1]*a.At(1, 1)
	checkClose(t, "k=1 Gaussian conditional variance", HutchPPConditionalVariance(a, &s, 1, Gaussian), 2*c*c, 1e-12, 1)
	checkClose(t, "k=1 Rademacher conditional variance", HutchPPConditionalVariance(a, &s, 1, Rademacher), 4*qp[0]*qp[0]*qp[1]*qp[1]*c*c, 1e-12, 1e-12)
	// Gaussian XTrace with m = 4 on this matrix: unbiased, variance ≈ 1.07.
	xs := make([]float64, 40000)
	for i := range xs {
		e, _ := XTrace(op, 4, false, Gaussian, r)
		xs[i] = e.Value
	}
	mean, se, v, seV := moments(xs)
	within(t, "XTrace Gaussian mean", mean, 2.5, se, 4)
	within(t, "XTrace Gaussian variance", v, 1.07, seV+0.005, 5)
}

// TestMatVecCounts checks that each estimator reports exactly the matvecs it spent.
func TestMatVecCounts(t *testing.T) {
	a := decayingMatrix([]float64{5, 4, 3, 2, 1, 0.5, 0.25, 0.1, 0.05, 0.01}, 10)
	r := rand.New(rand.NewPCG(4, 4))
	var w TraceWork
	var s Sketch
	check := func(name string, f func(op Operator) Estimate) {
		op := &countingOp{Operator: DenseOp{a}}
		e := f(op)
		if e.MatVecs != op.n {
			t.Errorf("%s: reported %d matvecs, spent %d", name, e.MatVecs, op.n)
		}
	}
	check("exact", func(op Operator) Estimate { return TraceExact(op, &w) })
	check("hutchinson", func(op Operator) Estimate { return Hutchinson(op, 7, Gaussian, r, &w) })
	check("hutch++", func(op Operator) Estimate { e, _ := HutchPP(op, 9, Gaussian, r, &s, &w); return e })
	check("genhutch++", func(op Operator) Estimate { return GenHutchPP(op, 3, Rademacher, r, &s, &w) })
	check("na-hutch++", func(op Operator) Estimate { e, _ := NAHutchPP(op, 12, Gaussian, r); return e })
	check("xtrace", func(op Operator) Estimate { e, _ := XTrace(op, 8, true, Sphere, r); return e })
	check("stale", func(op Operator) Estimate { return HutchPPWithSketch(op, &s, 4, Gaussian, r, &w) })
	if e, _ := HutchPP(DenseOp{a}, 9, Gaussian, r, &s, &w); e.MatVecs != 9 {
		t.Errorf("Hutch++ m=9 spent %d, want 9", e.MatVecs)
	}
	if _, err := HutchPP(DenseOp{a}, 2, Gaussian, r, &s, &w); err == nil {
		t.Error("Hutch++ m=2 accepted")
	}
	if _, err := NAHutchPP(DenseOp{a}, 5, Gaussian, r); err == nil {
		t.Error("NA-Hutch++ m=5 accepted")
	}
}

// TestCovTargetEqualsFisherTarget: estimating tr C and adding d/σ²
// analytically estimates the same tr F (math-spec §6.3).
func TestCovTargetEqualsFisherTarget(t *testing.T) {
	m := testMixtures(t)["noisy5"]
	p := NewPosterior(m)
	c := mustAt(t, mustSchedule(t, "vp"), 0.1)
	m.Posterior(p, testPoint(5, 3), c)
	var w TraceWork
	exC := TraceExact(CovOp{p}, &w)
	checkClose(t, "cov target", FisherTraceFromCov(5, c, exC.Value), p.TraceFisher(), 1e-12, 1)
}

// TestEstimatorsDoNotAllocate: repeated Hutchinson and Hutch++ estimates on a
// posterior operator reuse their workspaces.
func TestEstimatorsDoNotAllocate(t *testing.T) {
	m := testMixtures(t)["plane5"]
	p := NewPosterior(m)
	m.Posterior(p, testPoint(5, 1), mustAt(t, mustSchedule(t, "vp"), 0.2))
	r := rand.New(rand.NewPCG(1, 1))
	var w TraceWork
	var s Sketch
	op := Operator(FisherOp{p})
	allocs := testing.AllocsPerRun(100, func() {
		Hutchinson(op, 4, Rademacher, r, &w)
		s.Refresh(op, 2, Gaussian, r, &w)
		HutchPPWithSketch(op, &s, 2, Rademacher, r, &w)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per estimate", allocs)
	}
}
