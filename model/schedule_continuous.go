package model

import (
	"fmt"
	"math"
)

// VP is the variance-preserving schedule with linear β(t) = βmin + t(βmax−βmin):
// α = exp(−B/2), σ = √(1−e^{−B}), B(t) = βmin t + ½(βmax−βmin)t², t ∈ [1e-5, 1].
type VP struct{ BetaMin, BetaMax float64 }

// NewVP returns a VP schedule; it fails unless 0 < βmin ≤ βmax are finite.
func NewVP(betaMin, betaMax float64) (VP, error) {
	if !(betaMin > 0) || !(betaMax >= betaMin) || math.IsInf(betaMax, 0) {
		return VP{}, fmt.Errorf("vp: need 0 < beta_min ≤ beta_max < ∞, got %g, %g", betaMin, betaMax)
	}
	return VP{betaMin, betaMax}, nil
}

func (s VP) bigB(t float64) float64 { return s.BetaMin*t + 0.5*(s.BetaMax-s.BetaMin)*t*t }
func (s VP) beta(t float64) float64 { return s.BetaMin + t*(s.BetaMax-s.BetaMin) }

// Name implements Schedule.
func (VP) Name() string { return "vp" }

// Range implements Schedule.
func (VP) Range() (float64, float64) { return 1e-5, 1 }

// DefaultTEnd implements Schedule.
func (VP) DefaultTEnd() float64 { return 1e-3 }

// At implements Schedule.
func (s VP) At(t float64) (Coeffs, error) {
	if err := checkTime("vp", t, 1e-5, 1); err != nil {
		return Coeffs{}, err
	}
	return s.at(t), nil
}

func (s VP) at(t float64) Coeffs {
	b := s.bigB(t)
	return Coeffs{T: t, Alpha: math.Exp(-0.5 * b), Sigma: math.Sqrt(-math.Expm1(-b)), F: -0.5 * s.beta(t), G2: s.beta(t)}
}

// Grid implements Schedule: uniform in t.
func (s VP) Grid(steps int, tEnd float64) ([]float64, error) {
	return uniformGrid("vp", steps, 1e-5, 1, tEnd)
}

// SubVP is the sub-variance-preserving schedule: α as VP, σ = 1 − e^{−B(t)},
// g² = β(t)(1 − e^{−2B(t)}), t ∈ [1e-5, 1].
type SubVP struct{ VP }

// NewSubVP returns a sub-VP schedule with the given β range.
func NewSubVP(betaMin, betaMax float64) (SubVP, error) {
	vp, err := NewVP(betaMin, betaMax)
	if err != nil {
		return SubVP{}, fmt.Errorf("sub%w", err)
	}
	return SubVP{vp}, nil
}

// Name implements Schedule.
func (SubVP) Name() string { return "subvp" }

// At implements Schedule.
func (s SubVP) At(t float64) (Coeffs, error) {
	if err := checkTime("subvp", t, 1e-5, 1); err != nil {
		return Coeffs{}, err
	}
	return s.at(t), nil
}

func (s SubVP) at(t float64) Coeffs {
	b := s.bigB(t)
	return Coeffs{T: t, Alpha: math.Exp(-0.5 * b), Sigma: -math.Expm1(-b), F: -0.5 * s.beta(t), G2: s.beta(t) * -math.Expm1(-2*b)}
}

// Grid implements Schedule: uniform in t.
func (s SubVP) Grid(steps int, tEnd float64) ([]float64, error) {
	return uniformGrid("subvp", steps, 1e-5, 1, tEnd)
}

// VEGeometric is the variance-exploding schedule σ = σmin(σmax/σmin)^t, α = 1,
// t ∈ [1e-5, 1]. σ² is used as the kernel variance (math-spec §1.2 note).
// The defaults σmin = 0.01, σmax = 50 are those of the 2-D toy code of Lu et al.;
// σmax exceeds the largest pairwise distance of every built-in data set.
type VEGeometric struct{ SigmaMin, SigmaMax float64 }

// NewVEGeometric returns a VE schedule; it fails unless 0 < σmin < σmax < ∞.
func NewVEGeometric(sigmaMin, sigmaMax float64) (VEGeometric, error) {
	if !(sigmaMin > 0) || !(sigmaMax > sigmaMin) || math.IsInf(sigmaMax, 0) {
		return VEGeometric{}, fmt.Errorf("ve: need 0 < sigma_min < sigma_max < ∞, got %g, %g", sigmaMin, sigmaMax)
	}
	return VEGeometric{sigmaMin, sigmaMax}, nil
}

// Name implements Schedule.
func (VEGeometric) Name() string { return "ve" }

// Range implements Schedule.
func (VEGeometric) Range() (float64, float64) { return 1e-5, 1 }

// DefaultTEnd implements Schedule.
func (VEGeometric) DefaultTEnd() float64 { return 1e-3 }

// At implements Schedule.
func (s VEGeometric) At(t float64) (Coeffs, error) {
	if err := checkTime("ve", t, 1e-5, 1); err != nil {
		return Coeffs{}, err
	}
	return s.at(t), nil
}

func (s VEGeometric) at(t float64) Coeffs {
	l := math.Log(s.SigmaMax / s.SigmaMin)
	sig := s.SigmaMin * math.Exp(t*l)
	return Coeffs{T: t, Alpha: 1, Sigma: sig, F: 0, G2: 2 * l * sig * sig}
}

// Grid implements Schedule: uniform in t (geometric in σ).
func (s VEGeometric) Grid(steps int, tEnd float64) ([]float64, error) {
	return uniformGrid("ve", steps, 1e-5, 1, tEnd)
}

// EDM is the schedule of Karras et al.: α = 1, σ = t, t ∈ [σmin, σmax],
// discretised on the ρ = 7 grid.
type EDM struct{ SigmaMin, SigmaMax float64 }

// NewEDM returns an EDM schedule; it fails unless 0 < σmin < σmax < ∞.
func NewEDM(sigmaMin, sigmaMax float64) (EDM, error) {
	if !(sigmaMin > 0) || !(sigmaMax > sigmaMin) || math.IsInf(sigmaMax, 0) {
		return EDM{}, fmt.Errorf("edm: need 0 < sigma_min < sigma_max < ∞, got %g, %g", sigmaMin, sigmaMax)
	}
	return EDM{sigmaMin, sigmaMax}, nil
}

// Name implements Schedule.
func (EDM) Name() string { return "edm" }

// Range implements Schedule.
func (s EDM) Range() (float64, float64) { return s.SigmaMin, s.SigmaMax }

// DefaultTEnd implements Schedule.
func (s EDM) DefaultTEnd() float64 { return s.SigmaMin }

// At implements Schedule.
func (s EDM) At(t float64) (Coeffs, error) {
	if err := checkTime("edm", t, s.SigmaMin, s.SigmaMax); err != nil {
		return Coeffs{}, err
	}
	return Coeffs{T: t, Alpha: 1, Sigma: t, F: 0, G2: 2 * t}, nil
}

// Grid implements Schedule: the ρ = 7 grid σ_i = (σmax^{1/ρ} + i/n (tEnd^{1/ρ} − σmax^{1/ρ}))^ρ.
func (s EDM) Grid(steps int, tEnd float64) ([]float64, error) {
	g, err := uniformGrid("edm", steps, s.SigmaMin, s.SigmaMax, tEnd)
	if err != nil {
		return nil, err
	}
	const rho = 7.0
	a, b := math.Pow(s.SigmaMax, 1/rho), math.Pow(tEnd, 1/rho)
	for i := range g {
		g[i] = math.Pow(a+float64(i)/float64(steps)*(b-a), rho)
	}
	g[0], g[steps] = s.SigmaMax, tEnd
	return g, nil
}

// VEBrownian is the schedule α = 1, σ² = t (g² = 1), t ∈ [1e-5, 1]; it is what
// the DiffusionFisher OT script calls "ve".
type VEBrownian struct{}

// Name implements Schedule.
func (VEBrownian) Name() string { return "ve-brownian" }

// Range implements Schedule.
func (VEBrownian) Range() (float64, float64) { return 1e-5, 1 }

// DefaultTEnd implements Schedule.
func (VEBrownian) DefaultTEnd() float64 { return 1e-3 }

// At implements Schedule.
func (VEBrownian) At(t float64) (Coeffs, error) {
	if err := checkTime("ve-brownian", t, 1e-5, 1); err != nil {
		return Coeffs{}, err
	}
	return Coeffs{T: t, Alpha: 1, Sigma: math.Sqrt(t), F: 0, G2: 1}, nil
}

// Grid implements Schedule: uniform in t.
func (VEBrownian) Grid(steps int, tEnd float64) ([]float64, error) {
	return uniformGrid("ve-brownian", steps, 1e-5, 1, tEnd)
}
