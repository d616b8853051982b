package model

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestVelocityAndDDIMJacobians checks J = ∂v/∂x and the DDIM map's Jacobian M
// against central finite differences (≤ 1e-6 relative).
func TestVelocityAndDDIMJacobians(t *testing.T) {
	for name, m := range testMixtures(t) {
		d := m.Dim()
		s := mustSchedule(t, "vp")
		c, to := mustAt(t, s, 0.3), mustAt(t, s, 0.25)
		x := testPoint(d, 21)
		p := NewPosterior(m)
		m.Posterior(p, x, c)
		jac, ddim := mat.NewSymDense(d, nil), mat.NewSymDense(d, nil)
		VelocityJacobianTo(jac, p)
		DDIMJacobianTo(ddim, p, to)
		scale := mat.Norm(jac, 2)
		h := 1e-5 * c.Sigma
		vp, vm, xp, xm := make([]float64, d), make([]float64, d), make([]float64, d), make([]float64, d)
		for j := 0; j < d; j++ {
			copy(xp, x)
			copy(xm, x)
			xp[j] += h
			xm[j] -= h
			m.Posterior(p, xp, c)
			Velocity(vp, xp, p)
			m.Posterior(p, xm, c)
			Velocity(vm, xm, p)
			for i := 0; i < d; i++ {
				checkClose(t, name+" J", jac.At(i, j), (vp[i]-vm[i])/(2*h), 1e-6, scale)
			}
			m.Posterior(p, xp, c)
			DDIMStep(vp, xp, p, to)
			m.Posterior(p, xm, c)
			DDIMStep(vm, xm, p, to)
			for i := 0; i < d; i++ {
				checkClose(t, name+" M", ddim.At(i, j), (vp[i]-vm[i])/(2*h), 1e-6, 1)
			}
		}
	}
}

// TestVelocityForms checks the score form f x − ½g² s against the denoiser form.
func TestVelocityForms(t *testing.T) {
	m := testMixtures(t)["dirac2"]
	c := mustAt(t, mustSchedule(t, "subvp"), 0.4)
	x := []float64{0.3, -0.2}
	p := NewPosterior(m)
	m.Posterior(p, x, c)
	v, s := make([]float64, 2), make([]float64, 2)
	Velocity(v, x, p)
	p.Score(s, x)
	for j := range v {
		checkClose(t, "v", v[j], c.F*x[j]-0.5*c.G2*s[j], 1e-13, 1)
	}
}

// TestLikelihoodODEMatchesClosedForm integrates the state and the log-density
// with RK4 from T down to t0 and compares log q_T(x_T) + Δ with the closed
// form log q_{t0}(x_{t0}) (math-spec §5.1; ≤ 1e-6 relative).
func TestLikelihoodODEMatchesClosedForm(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	pts := make([]float64, 100)
	for i := range pts {
		pts[i] = 2*r.Float64() - 1
	}
	m := mustDirac(t, pts, 2)
	cases := []struct {
		sched  string
		t0     float64
		steps  int
		solver Solver
		tol    float64
	}{
		{"vp", 0.05, 2000, RK4, 1e-6},
		{"subvp", 0.05, 2000, RK4, 1e-6},
		{"ve", 0.2, 2000, RK4, 1e-6},
		{"edm", 0.3, 2000, RK4, 1e-6},
		{"vp", 0.05, 4000, Heun, 1e-4},
	}
	for _, c := range cases {
		s := mustSchedule(t, c.sched)
		_, hi := s.Range()
		ode := NewODE(m, s)
		x := []float64{0.4, -0.3}
		cT := mustAt(t, s, hi)
		m.Posterior(ode.Post, x, cT)
		logq := ode.Post.LogDensity
		for i := 0; i < c.steps; i++ {
			t1 := hi + float64(i)/float64(c.steps)*(c.t0-hi)
			t2 := hi + float64(i+1)/float64(c.steps)*(c.t0-hi)
			dl, err := ode.Step(x, x, t1, t2, c.solver, nil)
			if err != nil {
				t.Fatal(err)
			}
			logq += dl
		}
		m.Posterior(ode.Post, x, mustAt(t, s, c.t0))
		checkClose(t, c.sched+" "+c.solver.String()+" log q", logq, ode.Post.LogDensity, c.tol, 1)
	}
}

// TestTangentMatchesFlowMapFD checks the RK4 fundamental matrix against finite
// differences of the RK4 flow map, and its symmetry for collinear data.
func TestTangentMatchesFlowMapFD(t *testing.T) {
	m := mustDirac(t, []float64{0.5, 0, 0, -0.5, 0, 0}, 2)
	s := mustSchedule(t, "vp")
	flow := func(x0 []float64, phi []float64) []float64 {
		ode := NewODE(m, s)
		x := append([]float64(nil), x0...)
		const n = 200
		for i := 0; i < n; i++ {
			t1, t2 := 1-float64(i)/n*0.9, 1-float64(i+1)/n*0.9
			if phi != nil {
				if _, err := ode.StepTangent(x, phi, x, phi, t1, t2); err != nil {
					t.Fatal(err)
				}
			} else if _, err := ode.Step(x, x, t1, t2, RK4, nil); err != nil {
				t.Fatal(err)
			}
		}
		return x
	}
	x0 := []float64{0.3, -0.7}
	phi := []float64{1, 0, 0, 1}
	flow(x0, phi)
	h := 1e-6
	for j := 0; j < 2; j++ {
		xp, xm := append([]float64(nil), x0...), append([]float64(nil), x0...)
		xp[j] += h
		xm[j] -= h
		fp, fm := flow(xp, nil), flow(xm, nil)
		for i := 0; i < 2; i++ {
			checkClose(t, "Φ", phi[i*2+j], (fp[i]-fm[i])/(2*h), 1e-6, 1)
		}
	}
	if AsymmetryFull(phi, 2) < 1e-4 {
		t.Errorf("non-affine Φ unexpectedly symmetric: %v", phi)
	}
}

// TestAsymmetryIndices checks the indices' closed forms, the guard, and their
// invariance under A → c·A⁻ᵀ in 2-D (math-spec §9.3).
func TestAsymmetryIndices(t *testing.T) {
	a := []float64{3, 0.8, -0.3, 2}
	checkClose(t, "offdiag", AsymmetryOffDiag(a, 2), math.Abs(0.8+0.3)/math.Hypot(0.8, 0.3), 1e-14, 1)
	checkClose(t, "full", AsymmetryFull(a, 2), math.Sqrt(2*1.1*1.1/(9+0.64+0.09+4)), 1e-14, 1)
	det := a[0]*a[3] - a[1]*a[2]
	inv := []float64{a[3] / det, -a[2] / det, -a[1] / det, a[0] / det} // A⁻ᵀ
	for i := range inv {
		inv[i] *= -2.5
	}
	checkClose(t, "offdiag invariance", AsymmetryOffDiag(inv, 2), AsymmetryOffDiag(a, 2), 1e-12, 1)
	checkClose(t, "full invariance", AsymmetryFull(inv, 2), AsymmetryFull(a, 2), 1e-12, 1)
	if AsymmetryOffDiag([]float64{1, 1e-15, -1e-15, 1}, 2) != 0 {
		t.Error("guard did not zero a rounding-noise off-diagonal")
	}
	if AsymmetryOffDiag([]float64{0, 1, -1, 0}, 2) != math.Sqrt2 {
		t.Error("antisymmetric index is not √2")
	}
	checkClose(t, "min eig", MinEigSym([]float64{2, 1, 1, 2}, 2), 1, 1e-14, 1)
	m3 := []float64{2, 1, 0, 1, 2, 0, 0, 0, 5}
	checkClose(t, "min eig 3", MinEigSym(m3, 3), 1, 1e-12, 1)
}

// TestAffineDataGivesSymmetricPhi checks the 0.00 % rows of Table 3: collinear
// data and a single Gaussian give a symmetric Φ (all three Φ modes).
func TestAffineDataGivesSymmetricPhi(t *testing.T) {
	for _, dn := range []string{"affine", "ot-affine", "gaussian"} {
		m, err := NewDataset(dn, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		s := mustSchedule(t, "vp")
		grid, _ := s.Grid(50, 1e-3)
		p := NewPosterior(m)
		x := []float64{0.3, -0.7}
		phiD, phiS := []float64{1, 0, 0, 1}, []float64{1, 0, 0, 1}
		col, out := make([]float64, 2), make([]float64, 2)
		for i := 0; i+1 < len(grid); i++ {
			c, to := mustAt(t, s, grid[i]), mustAt(t, s, grid[i+1])
			m.Posterior(p, x, c)
			PhiDDIMUpdate(phiD, p, to, col, out)
			PhiScriptUpdate(phiS, p, grid[i+1]-grid[i], col, out)
			DDIMStep(x, x, p, to)
		}
		if a := AsymmetryFull(phiD, 2); a > 1e-12 {
			t.Errorf("%s: DDIM Φ asymmetry %g", dn, a)
		}
		if a := AsymmetryFull(phiS, 2); a > 1e-12 {
			t.Errorf("%s: script Φ asymmetry %g", dn, a)
		}
	}
}

func TestEDMGrid(t *testing.T) {
	s := mustSchedule(t, "edm")
	g, err := s.Grid(2, 0.002)
	if err != nil {
		t.Fatal(err)
	}
	mid := math.Pow((math.Pow(80, 1.0/7)+math.Pow(0.002, 1.0/7))/2, 7)
	checkClose(t, "edm grid mid", g[1], mid, 1e-14, 1)
}

func TestParseNames(t *testing.T) {
	for _, n := range []string{"ddim", "euler", "heun", "rk4"} {
		s, err := ParseSolver(n)
		if err != nil || s.String() != n {
			t.Errorf("solver %q: %v %v", n, s, err)
		}
	}
	if _, err := ParseSolver("midpoint"); err == nil {
		t.Error("unknown solver accepted")
	}
	for _, n := range []string{"rademacher", "gaussian", "sphere"} {
		p, err := ParseProbe(n)
		if err != nil || p.String() != n {
			t.Errorf("probe %q: %v %v", n, p, err)
		}
	}
	if _, err := ParseProbe("cauchy"); err == nil {
		t.Error("unknown probe accepted")
	}
}
