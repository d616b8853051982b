package model

import (
	"fmt"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Velocity writes the PF-ODE velocity v = f x − ½ g² s = (f + g²/(2σ²)) x − (g²α/(2σ²)) D
// (math-spec §3.1) into dst, given the posterior p evaluated at x.
func Velocity(dst, x []float64, p *Posterior) {
	c := p.C
	s2 := c.Sigma * c.Sigma
	a := c.F + c.G2/(2*s2)
	b := c.G2 * c.Alpha / (2 * s2)
	for j := range dst {
		dst[j] = a*x[j] - b*p.Mean[j]
	}
}

// VelocityJacobianTo writes J = ∂v/∂x = f I + ½ g² F (math-spec §3.2) into dst (Dim×Dim).
func VelocityJacobianTo(dst *mat.SymDense, p *Posterior) {
	p.FisherTo(dst)
	d := dst.SymmetricDim()
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			v := 0.5 * p.C.G2 * dst.At(i, j)
			if i == j {
				v += p.C.F
			}
			dst.SetSym(i, j, v)
		}
	}
}

// LikelihoodIntegrand returns tr J = d·f + ½ g² tr F, the rate at which
// log q_t(x_t) decreases along a PF-ODE trajectory (math-spec §5.1).
func LikelihoodIntegrand(c Coeffs, d int, trF float64) float64 {
	return float64(d)*c.F + 0.5*c.G2*trF
}

// DDIMCoeffs returns the DDIM map's coefficients x_s = a x_t + b D(x_t)
// (math-spec §3.3): a = σ_s/σ_t, b = α_s − α_t σ_s/σ_t.
func DDIMCoeffs(from, to Coeffs) (a, b float64) {
	a = to.Sigma / from.Sigma
	return a, to.Alpha - from.Alpha*a
}

// DDIMAdjointStep moves an adjoint a = ∂L/∂x_s of the DDIM map from t to s
// back to ∂L/∂x_t in place: a ← Mᵀa = (σ_s/σ_t) a + b (α_t/σ_t²) C a, with
// ca = C(x_t)·a (exact, or a stand-in such as DFEACovMatVec or a learned
// Fisher's); M is the map's Jacobian (DDIMJacobianTo), symmetric.
func DDIMAdjointStep(a, ca []float64, from, to Coeffs) {
	A, b := DDIMCoeffs(from, to)
	k := b * from.Alpha / (from.Sigma * from.Sigma)
	for j := range a {
		a[j] = A*a[j] + k*ca[j]
	}
}

// CovFromFisher writes C·a = (σ⁴/α²)(a/σ² − F·a) into dst, from fa = F·a
// (F = I/σ² − (α²/σ⁴) C, math-spec §2.1): a covariance product from any
// Fisher product, e.g. a learned one. dst may alias a or fa.
func CovFromFisher(dst, a, fa []float64, c Coeffs) {
	s2 := c.Sigma * c.Sigma
	k := s2 * s2 / (c.Alpha * c.Alpha)
	for j := range dst {
		dst[j] = k * (a[j]/s2 - fa[j])
	}
}

// DDIMStep writes the exact DDIM (first-order exponential integrator) step
// x_s = (σ_s/σ_t) x_t + (α_s − α_t σ_s/σ_t) D(x_t, t) into dst, given the
// posterior p at (x_t, t); to holds the coefficients at s (σ_s may be 0).
// dst may alias x.
func DDIMStep(dst, x []float64, p *Posterior, to Coeffs) {
	a, b := DDIMCoeffs(p.C, to)
	for j := range dst {
		dst[j] = a*x[j] + b*p.Mean[j]
	}
}

// DDIMJacobianTo writes the exact Jacobian of the DDIM map,
// M = (σ_s/σ_t) I + (α_s − α_t σ_s/σ_t)(α_t/σ_t²) C(x_t, t) (symmetric), into dst.
func DDIMJacobianTo(dst *mat.SymDense, p *Posterior, to Coeffs) {
	p.CovTo(dst)
	a, b := DDIMCoeffs(p.C, to)
	k := b * p.C.Alpha / (p.C.Sigma * p.C.Sigma)
	d := dst.SymmetricDim()
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			v := k * dst.At(i, j)
			if i == j {
				v += a
			}
			dst.SetSym(i, j, v)
		}
	}
}

// Solver names a PF-ODE integrator.
type Solver int

// The PF-ODE solvers.
const (
	DDIM  Solver = iota // exact first-order exponential integrator (math-spec §3.3)
	Euler               // explicit Euler on the velocity
	Heun                // Heun's second-order method (trapezoidal predictor–corrector)
	RK4                 // classical fourth-order Runge–Kutta
	RK45                // Dormand–Prince 5(4) with step-size control (ODE.Adaptive)
)

var solverNames = []string{"ddim", "euler", "heun", "rk4", "rk45"}

// String returns the solver's name.
func (s Solver) String() string {
	if s < 0 || int(s) >= len(solverNames) {
		return fmt.Sprintf("Solver(%d)", int(s))
	}
	return solverNames[s]
}

// ParseSolver returns the solver with the given name.
func ParseSolver(name string) (Solver, error) {
	for i, n := range solverNames {
		if strings.EqualFold(strings.TrimSpace(name), n) {
			return Solver(i), nil
		}
	}
	return 0, fmt.Errorf("unknown solver %q (allowed: %s)", name, strings.Join(solverNames, ", "))
}
