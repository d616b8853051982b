package model

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// testMixtures returns a Dirac mixture in 2-D, the same embedded in D = 5 in
// its plane, a 5-D Dirac mixture with ambient noise, a 2-D GMM and a 3-D GMM.
func testMixtures(t *testing.T) map[string]Mixture {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	pts := make([]float64, 2*50)
	for i := range pts {
		pts[i] = r.NormFloat64()
	}
	d2 := mustDirac(t, pts, 2)
	em, err := NewEmbedding(5, 7)
	if err != nil {
		t.Fatal(err)
	}
	plane, _ := em.Apply(d2, 0, 0)
	noisy, _ := em.Apply(d2, 0.05, 3)
	g2, err := NewGMM([]float64{1, 0, -1, 0.5}, []float64{0.2, 0.05, 0.05, 0.1, 0.05, 0, 0, 0.3}, 2, []float64{0.3, 0.7})
	if err != nil {
		t.Fatal(err)
	}
	g3, err := NewGMM([]float64{0, 0, 0, 1, 1, 1}, []float64{1, 0.2, 0, 0.2, 0.5, 0.1, 0, 0.1, 0.3, 0.1, 0, 0, 0, 0.01, 0, 0, 0, 0}, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]Mixture{"dirac2": d2, "plane5": plane, "noisy5": noisy, "gmm2": g2, "gmm3-singular": g3}
}

func testPoint(d int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 9))
	x := make([]float64, d)
	for i := range x {
		x[i] = 0.7 * r.NormFloat64()
	}
	return x
}

// TestScoreAndFisherFiniteDifferences checks the score against finite
// differences of log q_t and the Fisher against finite differences of the
// score, for every mixture type and several schedules (≤ 1e-6 relative).
func TestScoreAndFisherFiniteDifferences(t *testing.T) {
	for name, m := range testMixtures(t) {
		for _, sn := range []string{"vp", "subvp", "ve", "edm"} {
			s := mustSchedule(t, sn)
			lo, hi := s.Range()
			c := mustAt(t, s, lo+0.3*(hi-lo))
			if sn == "edm" {
				c = mustAt(t, s, 0.7)
			}
			d := m.Dim()
			x := testPoint(d, 4)
			p := NewPosterior(m)
			m.Posterior(p, x, c)
			score := make([]float64, d)
			p.Score(score, x)
			f := mat.NewSymDense(d, nil)
			p.FisherTo(f)
			fscale := math.Sqrt(mat.Norm(f, 2))
			h := 1e-5 * c.Sigma
			xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
			sp, sm := make([]float64, d), make([]float64, d)
			for j := 0; j < d; j++ {
				xp[j], xm[j] = x[j]+h, x[j]-h
				m.Posterior(p, xp, c)
				lp := p.LogDensity
				p.Score(sp, xp)
				m.Posterior(p, xm, c)
				lm := p.LogDensity
				p.Score(sm, xm)
				xp[j], xm[j] = x[j], x[j]
				checkClose(t, name+"/"+sn+" score", score[j], (lp-lm)/(2*h), 1e-6, fscale)
				for i := 0; i < d; i++ {
					checkClose(t, name+"/"+sn+" Fisher", f.At(i, j), -(sp[i]-sm[i])/(2*h), 1e-6, fscale*fscale)
				}
			}
		}
	}
}

// TestMatVecAndTraceAgainstMatrix checks FisherMatVec, CovMatVec and the
// traces against the full matrices.
func TestMatVecAndTraceAgainstMatrix(t *testing.T) {
	for name, m := range testMixtures(t) {
		d := m.Dim()
		c := mustAt(t, mustSchedule(t, "vp"), 0.2)
		p := NewPosterior(m)
		x := testPoint(d, 11)
		m.Posterior(p, x, c)
		f, cv := mat.NewSymDense(d, nil), mat.NewSymDense(d, nil)
		p.FisherTo(f)
		p.CovTo(cv)
		checkClose(t, name+" tr F", p.TraceFisher(), mat.Trace(f), 1e-12, 1)
		checkClose(t, name+" tr C", p.TrCov, mat.Trace(cv), 1e-12, 1e-12)
		checkClose(t, name+" E|x0|²", p.SecondMoment, p.TrCov+dot(p.Mean, p.Mean), 1e-12, 1)
		v := testPoint(d, 12)
		got, want := make([]float64, d), mat.NewVecDense(d, nil)
		p.FisherMatVec(got, v)
		want.MulVec(f, mat.NewVecDense(d, v))
		for i := range got {
			checkClose(t, name+" F v", got[i], want.AtVec(i), 1e-12, 1)
		}
		w := TraceExact(FisherOp{p}, &TraceWork{})
		checkClose(t, name+" exact estimator", w.Value, p.TraceFisher(), 1e-12, 1)
		if w.MatVecs != d {
			t.Errorf("exact estimator spent %d matvecs, want %d", w.MatVecs, d)
		}
		// F and C are symmetric, C is PSD, F ⪯ I/σ².
		var es mat.EigenSym
		es.Factorize(cv, false)
		if ev := es.Values(nil); ev[0] < -1e-12*ev[d-1] {
			t.Errorf("%s: C has eigenvalue %g", name, ev[0])
		}
	}
}

// TestPlaneMatchesGeneric checks that the plane shortcut gives the
// straightforward formula's numbers (≤ 1e-12 relative).
func TestPlaneMatchesGeneric(t *testing.T) {
	ms := testMixtures(t)
	plane := ms["plane5"].(*Dirac)
	generic := mustDirac(t, plane.Points(), 5)
	pp, pg := NewPosterior(plane), NewPosterior(generic)
	for _, tt := range []float64{0.01, 0.1, 0.5, 1} {
		c := mustAt(t, mustSchedule(t, "vp"), tt)
		x := testPoint(5, uint64(tt*100))
		plane.Posterior(pp, x, c)
		generic.Posterior(pg, x, c)
		checkClose(t, "log q", pp.LogDensity, pg.LogDensity, 1e-12, 1)
		checkClose(t, "tr C", pp.TrCov, pg.TrCov, 1e-10, 1e-12)
		for j := range pp.Mean {
			checkClose(t, "mean", pp.Mean[j], pg.Mean[j], 1e-12, 1)
		}
		v, a, b := testPoint(5, 99), make([]float64, 5), make([]float64, 5)
		pp.FisherMatVec(a, v)
		pg.FisherMatVec(b, v)
		for j := range a {
			checkClose(t, "F v", a[j], b[j], 1e-10, 1/(c.Sigma*c.Sigma))
		}
	}
}

// TestDiracIsGMMLimit compares a Dirac mixture with a GMM of tiny covariances.
func TestDiracIsGMMLimit(t *testing.T) {
	pts := []float64{0.5, 0, 0, -0.5, 0, 0, 1, 1}
	eps := 1e-10
	covs := make([]float64, 4*4)
	for k := 0; k < 4; k++ {
		covs[4*k], covs[4*k+3] = eps, eps
	}
	g, err := NewGMM(pts, covs, 2, []float64{1, 2, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	dm, err := NewDirac(pts, 2, []float64{1, 2, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	pg, pd := NewPosterior(g), NewPosterior(dm)
	for _, tt := range []float64{0.05, 0.3, 0.9} {
		c := mustAt(t, mustSchedule(t, "vp"), tt)
		x := []float64{0.2, -0.1}
		g.Posterior(pg, x, c)
		dm.Posterior(pd, x, c)
		checkClose(t, "log q", pg.LogDensity, pd.LogDensity, 1e-6, 1)
		checkClose(t, "tr F", pg.TraceFisher(), pd.TraceFisher(), 1e-6, 1)
		checkClose(t, "mean", pg.Mean[1], pd.Mean[1], 1e-6, 1)
	}
}

// TestSingleGaussianFisherIsConstant checks F = (α²Σ + σ²I)⁻¹ for one Gaussian.
func TestSingleGaussianFisherIsConstant(t *testing.T) {
	m, err := NewDataset("gaussian", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	p := NewPosterior(m)
	c := mustAt(t, mustSchedule(t, "vp"), 0.4)
	want := 1 / (c.Alpha*c.Alpha*GaussianVariance + c.Sigma*c.Sigma)
	f := mat.NewSymDense(2, nil)
	for _, x := range [][]float64{{0, 0}, {3, -2}, {100, 7}} {
		m.Posterior(p, x, c)
		p.FisherTo(f)
		checkClose(t, "F00", f.At(0, 0), want, 1e-10, 1)
		checkClose(t, "F01", f.At(0, 1), 0, 1e-10, 1)
	}
}

// TestNoNaNAnywhere evaluates every built-in data set under every schedule on
// its whole time range, at points near and far (|x| = 1e3) from the data.
func TestNoNaNAnywhere(t *testing.T) {
	for _, dn := range DatasetNames() {
		m, err := NewDataset(dn, 300, 1)
		if err != nil {
			t.Fatal(err)
		}
		p := NewPosterior(m)
		pts := [][]float64{{0, 0}, {1e3, 0}, {-707.1, 707.1}, {0.5, 0}, {3.9, -3.9}}
		for _, sn := range ScheduleNames() {
			s := mustSchedule(t, sn)
			grid, err := s.Grid(60, s.DefaultTEnd())
			if err != nil {
				t.Fatal(err)
			}
			lo, _ := s.Range()
			grid = append(grid, lo)
			for _, tt := range grid {
				c := mustAt(t, s, tt)
				if c.Sigma == 0 {
					continue
				}
				for _, x := range pts {
					m.Posterior(p, x, c)
					vals := []float64{p.LogDensity, p.TrCov, p.TraceFisher(), p.Mean[0], p.Mean[1], p.SecondMoment}
					for _, v := range vals {
						if math.IsNaN(v) || math.IsInf(v, 0) {
							t.Fatalf("%s/%s t=%g x=%v: non-finite %v", dn, sn, tt, x, vals)
						}
					}
					if p.TrCov < 0 {
						t.Fatalf("%s/%s: tr C = %g < 0", dn, sn, p.TrCov)
					}
				}
			}
		}
	}
}

func TestBadArguments(t *testing.T) {
	if _, err := NewDirac(nil, 2, nil); err == nil {
		t.Error("empty data accepted")
	}
	if _, err := NewDirac([]float64{1, 2, 3}, 2, nil); err == nil {
		t.Error("ragged data accepted")
	}
	if _, err := NewDirac([]float64{1, math.NaN()}, 2, nil); err == nil {
		t.Error("NaN data accepted")
	}
	if _, err := NewDirac([]float64{1, 2}, 2, []float64{-1}); err == nil {
		t.Error("negative weight accepted")
	}
	if _, err := NewDirac([]float64{1, 2}, 0, nil); err == nil {
		t.Error("d=0 accepted")
	}
	if _, err := NewGMM([]float64{0, 0}, []float64{1, 2, 0, 1}, 2, nil); err == nil {
		t.Error("asymmetric covariance accepted")
	}
	if _, err := NewGMM([]float64{0, 0}, []float64{-1, 0, 0, 1}, 2, nil); err == nil {
		t.Error("indefinite covariance accepted")
	}
	if _, err := NewEmbedding(1, 0); err == nil {
		t.Error("D=1 accepted")
	}
	if _, err := NewDataset("nope", 10, 0); err == nil {
		t.Error("unknown data set accepted")
	}
	if _, err := NewDataset("moons", 0, 0); err == nil {
		t.Error("n=0 accepted")
	}
	m := mustDirac(t, []float64{0, 0}, 2)
	p := NewPosterior(m)
	mustPanic(t, "length mismatch", func() { m.Posterior(p, []float64{1}, Coeffs{Alpha: 1, Sigma: 1}) })
	mustPanic(t, "σ = 0", func() { m.Posterior(p, []float64{1, 1}, Coeffs{Alpha: 1, Sigma: 0}) })
	mustPanic(t, "σ = NaN", func() { m.Posterior(p, []float64{1, 1}, Coeffs{Alpha: 1, Sigma: math.NaN()}) })
	other := mustDirac(t, []float64{1, 1}, 2)
	mustPanic(t, "foreign workspace", func() { other.Posterior(p, []float64{1, 1}, Coeffs{Alpha: 1, Sigma: 1}) })
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", what)
		}
	}()
	f()
}

// TestSetPlaneSummary: a posterior rebuilt from (mean, log q, C_z) gives the
// same matvecs, matrices and traces as the full evaluation.
func TestSetPlaneSummary(t *testing.T) {
	ms := testMixtures(t)
	for _, name := range []string{"plane5", "dirac2"} {
		m := ms[name].(*Dirac)
		e, z, ok := m.Plane()
		if !ok {
			t.Fatal("no plane")
		}
		d := m.Dim()
		c := mustAt(t, mustSchedule(t, "vp"), 0.2)
		x := testPoint(d, 5)
		full := NewPosterior(m)
		m.Posterior(full, x, c)
		// C_z by brute force from the weights.
		var zb [2]float64
		for i, w := range full.W {
			zb[0] += w * z[2*i]
			zb[1] += w * z[2*i+1]
		}
		var cz [3]float64
		for i, w := range full.W {
			a, b := z[2*i]-zb[0], z[2*i+1]-zb[1]
			cz[0] += w * a * a
			cz[1] += w * a * b
			cz[2] += w * b * b
		}
		_ = e
		sum := NewPosterior(m)
		sum.SetPlaneSummary(c, full.Mean, full.LogDensity, cz)
		checkClose(t, name+" tr F", sum.TraceFisher(), full.TraceFisher(), 1e-12, 1)
		v, a, b := testPoint(d, 9), make([]float64, d), make([]float64, d)
		sum.FisherMatVec(a, v)
		full.FisherMatVec(b, v)
		for j := range a {
			checkClose(t, name+" F v", a[j], b[j], 1e-10, 1/(c.Sigma*c.Sigma))
		}
		fa, fb := mat.NewSymDense(d, nil), mat.NewSymDense(d, nil)
		sum.FisherTo(fa)
		full.FisherTo(fb)
		checkClose(t, name+" F00", fa.At(0, 0), fb.At(0, 0), 1e-10, 1/(c.Sigma*c.Sigma))
		checkClose(t, name+" F01", fa.At(0, 1), fb.At(0, 1), 1e-10, 1/(c.Sigma*c.Sigma))
	}
}
