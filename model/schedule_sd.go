package model

import (
	"fmt"
	"math"
)

// SD is the discrete Stable-Diffusion "scaled linear" schedule
// (β from 0.00085 to 0.012 over 1000 training steps) mapped to continuous
// time s = k/1000 in the four ways of the DiffusionFisher OT script
// (math-spec §1.3): Option is "vp", "subvp", "ve" or "edm".
//
// Only the integer timesteps k are used by the script; between them α² (or σ)
// is interpolated linearly in k so that At is defined on all of [0, 0.999].
// For "ve" and "edm", σ = 0 at t = 0: the grid's last point is a valid DDIM
// target but not a valid point at which to evaluate a posterior.
type SD struct {
	Option string
	abar   [1000]float64 // cumulative product ᾱ_k
	beta   [1000]float64 // β_k
}

// NewSD returns the SD schedule with the given option.
func NewSD(option string) (*SD, error) {
	if option == "sub-vp" {
		option = "subvp"
	}
	switch option {
	case "vp", "subvp", "ve", "edm":
	default:
		return nil, fmt.Errorf("schedule sd: unknown option %q (allowed: vp, subvp, ve, edm)", option)
	}
	s := &SD{Option: option}
	a, b := math.Sqrt(0.00085), math.Sqrt(0.012)
	prod := 1.0
	for k := range s.beta {
		r := a + float64(k)/999*(b-a)
		s.beta[k] = r * r
		prod *= 1 - s.beta[k]
		s.abar[k] = prod
	}
	return s, nil
}

// Name implements Schedule.
func (s *SD) Name() string { return "sd-" + s.Option }

// Range implements Schedule: [0, 0.999].
func (s *SD) Range() (float64, float64) { return 0, 0.999 }

// DefaultTEnd implements Schedule: 0, the script's last timestep.
func (s *SD) DefaultTEnd() float64 { return 0 }

// At implements Schedule.
func (s *SD) At(t float64) (Coeffs, error) {
	if err := checkTime(s.Name(), t, 0, 0.999); err != nil {
		return Coeffs{}, err
	}
	return s.at(t), nil
}

func (s *SD) at(t float64) Coeffs {
	kf := t * 1000
	k0 := int(math.Floor(kf))
	if k0 >= 999 {
		k0 = 998
	}
	fr := kf - float64(k0)
	abar := s.abar[k0] + fr*(s.abar[k0+1]-s.abar[k0])
	beta := 1000 * (s.beta[k0] + fr*(s.beta[k0+1]-s.beta[k0]))
	switch s.Option {
	case "ve":
		return Coeffs{T: t, Alpha: 1, Sigma: math.Sqrt(t), F: 0, G2: 1}
	case "edm":
		return Coeffs{T: t, Alpha: 1, Sigma: t, F: 0, G2: 2 * t}
	}
	c := Coeffs{T: t, Alpha: math.Sqrt(abar), Sigma: math.Sqrt(1 - abar), F: -0.5 * beta, G2: beta}
	if s.Option == "subvp" {
		b0, b1 := 1000*s.beta[999], 1000*s.beta[0]
		c.G2 *= -math.Expm1(-2*b0*t - (b1-b0)*t*t)
	}
	return c
}

// Grid implements Schedule: the script's timesteps round(linspace(0, 999, steps+1))
// reversed, divided by 1000 (numpy rounds halves to even). tEnd must be 0.
func (s *SD) Grid(steps int, tEnd float64) ([]float64, error) {
	if steps < 1 || steps > sdMaxSteps {
		return nil, fmt.Errorf("schedule %s: steps=%d outside [1, %d]", s.Name(), steps, sdMaxSteps)
	}
	if tEnd != 0 {
		return nil, fmt.Errorf("schedule %s: t_end=%g not allowed (the discrete grid ends at 0)", s.Name(), tEnd)
	}
	// NumPy: step = 999/(n−1); y_i = i·step; y[-1] = 999 exactly; round half to even.
	g := make([]float64, steps+1)
	step := 999 / float64(steps)
	for i := range g {
		y := float64(i) * step
		if i == steps {
			y = 999
		}
		g[steps-i] = math.RoundToEven(y) / 1000
	}
	return g, nil
}
