package sim

import (
	"fmt"

	"fisherscope/model"
)

// sketchSize returns the Hutch++ sketch size k.
func (p *Params) sketchSize() int {
	if p.Sketch > 0 {
		return p.Sketch
	}
	return (p.Probes + 2) / 3
}

// Validate checks the relations between parameters that Set cannot see
// alone. Every error names the parameter and what is allowed.
func (p *Params) Validate() error {
	// Re-run every setter on the current text form: catches values put into
	// the struct directly.
	for _, k := range keys() {
		q := *p
		if err := k.set(&q, k.get(p)); err != nil {
			return err
		}
	}
	s, err := p.schedule()
	if err != nil {
		return err
	}
	if _, err := s.Grid(p.Steps, p.tEnd(s)); err != nil {
		return fmt.Errorf("steps/t_end: %w", err)
	}
	switch {
	case p.Jacobian == "ddim" && p.Solver != "ddim":
		return fmt.Errorf("jacobian: ddim (the exact DDIM-map Jacobian) needs solver ddim, got %s (allowed with %s: off, euler, script)", p.Solver, p.Solver)
	case p.Jacobian == "rk4" && p.Solver != "rk4":
		return fmt.Errorf("jacobian: rk4 (the RK4 tangent) needs solver rk4, got %s (allowed with %s: off, euler, script)", p.Solver, p.Solver)
	}
	for _, e := range p.Estimators {
		if err := p.validateEstimator(e); err != nil {
			return err
		}
	}
	if p.Jacobian != "off" && p.Dim > 256 {
		return fmt.Errorf("jacobian: %s needs dim ≤ 256 (Φ is D×D per particle), got %d; use jacobian off", p.Jacobian, p.Dim)
	}
	return nil
}

func (p *Params) validateEstimator(e string) error {
	m := p.Probes
	switch e {
	case "hutch++":
		k := p.sketchSize()
		if m-2*k < 1 {
			return fmt.Errorf("probes: hutch++ with sketch k=%d needs probes m ≥ 2k+1 = %d (m = 2k sketch matvecs + residual probes), got %d", k, 2*k+1, m)
		}
	case "na-hutch++":
		if m < 6 {
			return fmt.Errorf("probes: na-hutch++ needs probes ≥ 6, got %d", m)
		}
	case "xtrace":
		if m < 2 {
			return fmt.Errorf("probes: xtrace needs probes ≥ 2, got %d", m)
		}
	}
	return nil
}

// schedule builds the schedule named by the parameters.
func (p *Params) schedule() (model.Schedule, error) {
	if p.SigmaMax > 0 {
		switch p.Schedule {
		case "ve":
			s, err := model.NewVEGeometric(0.01, p.SigmaMax)
			if err != nil {
				return nil, fmt.Errorf("sigma_max: %w", err)
			}
			return s, nil
		case "edm":
			s, err := model.NewEDM(0.002, p.SigmaMax)
			if err != nil {
				return nil, fmt.Errorf("sigma_max: %w", err)
			}
			return s, nil
		}
		// Other schedules have no σ_max: the key is ignored (so that a sweep over
		// schedules can share it).
	}
	s, err := model.ScheduleByName(p.Schedule)
	if err != nil {
		return nil, fmt.Errorf("schedule: %w", err)
	}
	return s, nil
}

// tEnd returns the end time, the schedule's default when unset.
func (p *Params) tEnd(s model.Schedule) float64 {
	if p.TEnd <= 0 {
		return s.DefaultTEnd()
	}
	return p.TEnd
}
