package model

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestDFTMWithExactRegressorIsExact: with t_θ = E[‖x_0‖²|x_t] and x_θ = D,
// DF-TM equals the exact trace; perturbed inputs stay within the Prop. 7 bound.
func TestDFTMWithExactRegressorIsExact(t *testing.T) {
	for name, m := range testMixtures(t) {
		p := NewPosterior(m)
		c := mustAt(t, mustSchedule(t, "vp"), 0.2)
		m.Posterior(p, testPoint(m.Dim(), 2), c)
		checkClose(t, name+" DF-TM exact", TraceDFTM(c, p.SecondMoment, p.Mean), p.TraceFisher(), 1e-10, 1)
		dT, dx := 0.01, 0.02
		xt := append([]float64(nil), p.Mean...)
		xt[0] += dx
		got := TraceDFTM(c, p.SecondMoment+dT, xt)
		radius := 0.0
		if dm, ok := m.(*Dirac); ok {
			for i := 0; i < dm.Len(); i++ {
				radius = math.Max(radius, math.Sqrt(dot(dm.Point(i), dm.Point(i))))
			}
			if err := math.Abs(got - p.TraceFisher()); err > DFTMBound(c, dT, dx, radius) {
				t.Errorf("%s: DF-TM error %g exceeds bound %g", name, err, DFTMBound(c, dT, dx, radius))
			}
		}
	}
	c := Coeffs{Alpha: 1, Sigma: 0.5}
	if got := TraceDFTM(c, 0.1, []float64{1, 0}); got != 2/0.25 {
		t.Errorf("clamp: got %g, want d/σ² = 8", got)
	}
}

// TestDFEA checks the DF-EA matvec against its matrix, its error against a
// brute-force Frobenius norm, and that the error vanishes as the posterior
// becomes one-hot on the endpoint (Prop. 8).
func TestDFEA(t *testing.T) {
	m := mustDirac(t, []float64{0.5, 0, 0, -0.5, 0, 0}, 2)
	p := NewPosterior(m)
	s := mustSchedule(t, "vp")
	c := mustAt(t, s, 0.3)
	x := []float64{0.2, -0.1}
	m.Posterior(p, x, c)
	xhat := []float64{0, -0.5}
	a, got := []float64{0.3, 0.7}, make([]float64, 2)
	DFEAMatVec(got, a, xhat, p.Mean, c)
	k := p.FisherScale()
	fea := mat.NewDense(2, 2, nil)
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			v := -k * (xhat[i]*xhat[j] - p.Mean[i]*p.Mean[j])
			if i == j {
				v += 1 / (c.Sigma * c.Sigma)
			}
			fea.Set(i, j, v)
		}
	}
	checkClose(t, "F_EA a", got[0], fea.At(0, 0)*a[0]+fea.At(0, 1)*a[1], 1e-12, 1)
	f := mat.NewSymDense(2, nil)
	p.FisherTo(f)
	var diff mat.Dense
	diff.Sub(f, fea)
	hs, rel := DFEAError(p, xhat, p.Mean, mat.NewSymDense(2, nil))
	checkClose(t, "HS error", hs, mat.Norm(&diff, 2), 1e-12, 1)
	checkClose(t, "relative HS error", rel, mat.Norm(&diff, 2)/mat.Norm(f, 2), 1e-12, 1)
	// Near t → 0 on the trajectory ending at y_j the error vanishes.
	c0 := mustAt(t, s, 0.002)
	m.Posterior(p, []float64{0.01, -0.49}, c0)
	hs0, rel0 := DFEAError(p, xhat, p.Mean, mat.NewSymDense(2, nil))
	if rel0 > 1e-8 {
		t.Errorf("DF-EA relative error near the endpoint = %g (hs %g), want ≈ 0", rel0, hs0)
	}
}
