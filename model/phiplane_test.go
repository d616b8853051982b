package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestPlanePhiMatchesDense runs the same random affine updates on a dense Φ
// (column by column, PhiAffine) and on the compact PlanePhi for data in a
// plane of R^D, and compares Φ itself and its three measures.
func TestPlanePhiMatchesDense(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 2))
	base, err := NewDataset("checkerboard", 300, 1)
	if err != nil {
		t.Fatal(err)
	}
	s := mustSchedule(t, "vp")
	for _, d := range []int{3, 8, 33} {
		em, _ := NewEmbedding(d, 5)
		m, _ := em.Apply(base, 0, 1)
		e0, e1, ok := PlaneOf(m)
		if !ok {
			t.Fatalf("d=%d: no plane", d)
		}
		p := NewPosterior(m)
		dense := make([]float64, d*d)
		for i := 0; i < d; i++ {
			dense[i*d+i] = 1
		}
		f := IdentityPlanePhi()
		col, out, got := make([]float64, d), make([]float64, d), make([]float64, d*d)
		x := make([]float64, d)
		for step := 0; step < 12; step++ {
			for j := range x {
				x[j] = r.NormFloat64()
			}
			m.Posterior(p, x, mustAt(t, s, 0.05+0.9*r.Float64()))
			a, k := 0.5+r.Float64(), 2*r.NormFloat64()
			PhiAffine(dense, p, a, k, col, out)
			f.Affine(p, a, k)
			f.Dense(got, e0, e1)
			// Two float64 evaluations of 12 amplifying updates: compare
			// against the scale of Φ (a measure near 0 is rounding-sized in
			// the dense form, exactly 0 in the compact one).
			scale := 0.0
			for i := range got {
				scale = max(scale, math.Abs(dense[i]))
			}
			for i := range got {
				checkClose(t, "Φ", got[i], dense[i], 1e-10, scale)
			}
			full, off, lo := f.Measures(e0, e1)
			checkClose(t, "asymmetry", full, AsymmetryFull(dense, d), 1e-8, 1e-6)
			checkClose(t, "off-diagonal asymmetry", off, AsymmetryOffDiag(dense, d), 1e-8, 1e-6)
			checkClose(t, "min eig", lo, MinEigSym(dense, d), 1e-10, scale)
		}
	}
}

// TestPlanePhiIdentity: Φ = I is symmetric with smallest eigenvalue 1.
func TestPlanePhiIdentity(t *testing.T) {
	f := IdentityPlanePhi()
	e0, e1 := []float64{1, 0, 0}, []float64{0, 1, 0}
	full, off, lo := f.Measures(e0, e1)
	if full != 0 || off != 0 || lo != 1 {
		t.Fatalf("identity: %g %g %g", full, off, lo)
	}
}
