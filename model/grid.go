package model

import (
	"fmt"
	"math"
)

// GridKind says how a continuous schedule's time grid is spaced.
type GridKind int

// The grid kinds.
const (
	GridDefault GridKind = iota // the schedule's own: uniform in t (EDM: Karras ρ = 7; sd-*: the OT script's)
	GridUniform                 // uniform in t
	GridLogSNR                  // uniform in λ = log(σ/α)
	GridKarras                  // Karras et al.: (σ/α)^{1/ρ} uniform
)

// MakeGrid returns steps+1 decreasing times from the schedule's T down to
// tEnd, spaced as kind says (rho: the Karras exponent). The discrete sd-*
// schedules have only their own grid (kind is ignored). For logsnr and
// karras the times are found by bisection on λ(t) = log(σ_t/α_t), which
// increases with t for every schedule here.
func MakeGrid(s Schedule, kind GridKind, steps int, tEnd, rho float64) ([]float64, error) {
	g, err := s.Grid(steps, tEnd) // validates steps and tEnd, gives the ends
	if err != nil || kind == GridDefault || IsDiscrete(s) {
		return g, err
	}
	if kind == GridKarras && !(rho > 0) {
		return nil, fmt.Errorf("karras grid: rho %g must be > 0", rho)
	}
	hi, lo := g[0], g[steps]
	l0, l1 := logSNR(s, hi), logSNR(s, lo)
	if math.IsInf(l1, 0) || math.IsNaN(l1) {
		return nil, fmt.Errorf("grid: σ/α at t_end=%g is not positive", lo)
	}
	for i := 1; i < steps; i++ {
		f := float64(i) / float64(steps)
		switch kind {
		case GridUniform:
			g[i] = hi + f*(lo-hi)
		case GridLogSNR:
			g[i] = invertLogSNR(s, l0+f*(l1-l0), lo, hi)
		case GridKarras:
			a, b := math.Exp(l0/rho), math.Exp(l1/rho)
			g[i] = invertLogSNR(s, rho*math.Log(a+f*(b-a)), lo, hi)
		}
	}
	return g, nil
}

// logSNR returns λ(t) = log(σ_t/α_t) (the negative half log-SNR).
func logSNR(s Schedule, t float64) float64 {
	c, err := s.At(t)
	if err != nil {
		return math.NaN()
	}
	return math.Log(c.Sigma / c.Alpha)
}

// invertLogSNR finds t in [lo, hi] with λ(t) = target by bisection (λ is
// increasing; 100 halvings reach the float64 resolution of t).
func invertLogSNR(s Schedule, target, lo, hi float64) float64 {
	for k := 0; k < 100 && hi-lo > 1e-15*math.Max(1, hi); k++ {
		mid := (lo + hi) / 2
		if logSNR(s, mid) < target {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}
