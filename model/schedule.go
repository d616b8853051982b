package model

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Coeffs are the coefficients of a noise schedule at one time t:
// the perturbation kernel q(x_t|x_0) = N(α x_0, σ² I) and the forward SDE
// dx = F·x dt + √G2 dw (math-spec §1.1).
type Coeffs struct {
	T     float64 // time
	Alpha float64 // signal scale α_t
	Sigma float64 // noise level σ_t (≥ 0)
	F     float64 // drift coefficient f(t) = d log α/dt
	G2    float64 // squared diffusion g(t)² = dσ²/dt − 2fσ²
}

// Schedule is a noise schedule. Implementations are immutable and safe for
// concurrent use.
type Schedule interface {
	// Name is the schedule's name as accepted by ScheduleByName.
	Name() string
	// Range is the closed interval of valid times [tmin, tmax]; tmax is the
	// start of sampling (T) and tmin the smallest time at which σ > 0.
	Range() (tmin, tmax float64)
	// DefaultTEnd is the recommended end time of sampling.
	DefaultTEnd() float64
	// At returns the coefficients at t, or an error if t is NaN or outside Range.
	At(t float64) (Coeffs, error)
	// Grid returns steps+1 decreasing times from tmax down to tEnd, spaced the
	// way the schedule is usually discretised.
	Grid(steps int, tEnd float64) ([]float64, error)
}

// ScheduleNames lists the names accepted by ScheduleByName, sorted.
func ScheduleNames() []string {
	names := []string{"vp", "subvp", "ve", "edm", "ve-brownian", "sd-vp", "sd-subvp", "sd-ve", "sd-edm"}
	sort.Strings(names)
	return names
}

// ScheduleByName returns the named schedule with its default constants:
// vp and subvp (β 0.1→20), ve (geometric, σ 0.01→50), edm (σ = t ∈ [0.002, 80]),
// ve-brownian (σ² = t) and the discrete Stable-Diffusion family sd-vp,
// sd-subvp, sd-ve, sd-edm used by the DiffusionFisher OT script.
func ScheduleByName(name string) (Schedule, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "vp":
		return NewVP(0.1, 20)
	case "subvp", "sub-vp":
		return NewSubVP(0.1, 20)
	case "ve", "ve-geometric":
		return NewVEGeometric(0.01, 50)
	case "edm":
		return NewEDM(0.002, 80)
	case "ve-brownian":
		return VEBrownian{}, nil
	case "sd-vp", "sd-subvp", "sd-sub-vp", "sd-ve", "sd-edm":
		return NewSD(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(name)), "sd-"))
	}
	return nil, fmt.Errorf("unknown schedule %q (allowed: %s)", name, strings.Join(ScheduleNames(), ", "))
}

// checkTime reports whether t lies in [lo, hi].
func checkTime(name string, t, lo, hi float64) error {
	if math.IsNaN(t) || t < lo || t > hi {
		return fmt.Errorf("schedule %s: time t=%g outside [%g, %g]", name, t, lo, hi)
	}
	return nil
}

// uniformGrid returns steps+1 equally spaced times from hi down to lo.
func uniformGrid(name string, steps int, lo, hi, tEnd float64) ([]float64, error) {
	if steps < 1 || steps > maxUniformSteps {
		return nil, fmt.Errorf("schedule %s: steps=%d outside [1, %d]", name, steps, maxUniformSteps)
	}
	if err := checkTime(name, tEnd, lo, hi); err != nil {
		return nil, fmt.Errorf("end time: %w", err)
	}
	if tEnd >= hi {
		return nil, fmt.Errorf("schedule %s: t_end=%g must be below T=%g", name, tEnd, hi)
	}
	g := make([]float64, steps+1)
	for i := range g {
		g[i] = hi + float64(i)/float64(steps)*(tEnd-hi)
	}
	g[steps] = tEnd
	return g, nil
}

// ScheduleWithSigmaMax returns the named schedule with σ_max set, for the
// schedules that have one (ve: geometric from σ_min = 0.01, edm: σ_min =
// 0.002); ok is false for the others, which have no σ_max.
func ScheduleWithSigmaMax(name string, sigmaMax float64) (s Schedule, ok bool, err error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "ve", "ve-geometric":
		s, err = NewVEGeometric(0.01, sigmaMax)
		return s, true, err
	case "edm":
		s, err = NewEDM(0.002, sigmaMax)
		return s, true, err
	}
	return nil, false, nil
}

// MaxGridSteps returns the largest step count s.Grid accepts, at most want.
func MaxGridSteps(s Schedule, want int) int {
	if _, ok := s.(*SD); ok {
		return min(want, sdMaxSteps)
	}
	return min(want, maxUniformSteps)
}

// IsDiscrete reports whether s is one of the discrete sd-* schedules of the
// OT script (which draw x_T from N(0, I) whatever σ_T).
func IsDiscrete(s Schedule) bool {
	_, ok := s.(*SD)
	return ok
}

const (
	sdMaxSteps      = 999
	maxUniformSteps = 1_000_000
)
