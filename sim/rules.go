package sim

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"fisherscope/model"
)

// The cross-parameter rules: what Set cannot check alone. They live here
// once; the TUI, presets and the command line all go through them.

// Validate checks every value and the relations between parameters. Every
// error names the parameter and what is allowed.
func (p *Params) Validate() error {
	// Re-run every setter on the current text form: catches values put into
	// the struct directly.
	for _, d := range table {
		q := *p
		if err := d.set(&q, d.get(p)); err != nil {
			return fmt.Errorf("%s: %w", d.Key, err)
		}
	}
	s, err := p.schedule()
	if err != nil {
		return err
	}
	if _, err := p.grid(s); err != nil {
		return fmt.Errorf("steps/t_end: %w", err)
	}
	if p.Grid != model.GridDefault && model.IsDiscrete(s) {
		return fmt.Errorf("grid: %s uses the OT script's grid (allowed: auto), got %s", p.Schedule, gridNames[p.Grid])
	}
	if c, err := s.At(p.tEnd(s)); err == nil && c.Sigma <= 0 && stagesOf(p.Solver) > 1 {
		return fmt.Errorf("solver: %s evaluates the velocity at t_end, where σ = 0 for %s (allowed there: ddim, euler)", p.Solver, p.Schedule)
	}
	if !SolverCompatible(p.Solver, p.Jacobian) {
		return fmt.Errorf("jacobian: %s needs solver %s, got %s (allowed with %s: %s)",
			p.Jacobian, p.Jacobian, p.Solver, p.Solver, joinJacobians(Jacobians(p.Solver)))
	}
	for _, e := range p.Estimators {
		if err := p.validateEstimator(e); err != nil {
			return err
		}
	}
	if err := p.validateNet(); err != nil {
		return err
	}
	if p.Guide > 0 {
		if p.Solver != model.DDIM || p.Score != ScoreExact {
			return fmt.Errorf("guide: adjoint guidance runs on the exact DDIM map (allowed: solver ddim, score exact), got solver %s, score %s", p.Solver, p.Score)
		}
		if c, err := s.At(p.tEnd(s)); err == nil && c.Sigma <= 0 {
			return fmt.Errorf("guide: needs σ(t_end) > 0 (the clean endpoint); %s ends at σ = 0", p.Schedule)
		}
	}
	if p.Jacobian != JacobianOff && p.Dim > MaxPhiDim {
		return fmt.Errorf("jacobian: %s needs dim ≤ %d (Φ is D×D per particle), got %d; use jacobian off", p.Jacobian, MaxPhiDim, p.Dim)
	}
	return nil
}

// MaxPhiDim is the largest dimension at which Φ is integrated.
const MaxPhiDim = 256

// Jacobians returns the Jacobian modes that can run with solver s.
func Jacobians(s Solver) []Jacobian {
	var out []Jacobian
	for j := range Jacobian(len(jacobianNames)) {
		if SolverCompatible(s, j) {
			out = append(out, j)
		}
	}
	return out
}

func joinJacobians(js []Jacobian) string {
	s := ""
	for i, j := range js {
		if i > 0 {
			s += ", "
		}
		s += j.String()
	}
	return s
}

// MinProbes returns the smallest matvec budget m at which estimator e runs
// with the sketch size of p.
func (p *Params) MinProbes(e Estimator) int {
	switch e {
	case HutchPP:
		return 2*p.SketchSize() + 1
	case NAHutchPP:
		return 6
	case XTrace:
		return 2
	}
	return 1
}

func (p *Params) validateEstimator(e Estimator) error {
	m, need := p.Probes, p.MinProbes(e)
	if m >= need {
		return nil
	}
	if e == HutchPP {
		k := p.SketchSize()
		return fmt.Errorf("probes: hutch++ with sketch k=%d needs probes m ≥ 2k+1 = %d (m = 2k sketch matvecs + residual probes), got %d", k, need, m)
	}
	return fmt.Errorf("probes: %s needs probes ≥ %d, got %d", e, need, m)
}

// schedule builds the schedule named by the parameters.
func (p *Params) schedule() (model.Schedule, error) {
	if p.SigmaMax > 0 {
		if s, ok, err := model.ScheduleWithSigmaMax(p.Schedule, p.SigmaMax); ok {
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

// The repairs a change of one parameter makes to the others, the way a user
// would expect (Param.adapt): a new solver keeps Φ integrated with a mode it
// supports, a larger sketch raises the probes, fewer probes shrink the
// sketch, a schedule brings its own time range.

func adaptSolver(p *Params) {
	if SolverCompatible(p.Solver, p.Jacobian) {
		return
	}
	p.Jacobian = JacobianEuler
	if SolverCompatible(p.Solver, JacobianDDIM) {
		p.Jacobian = JacobianDDIM
	} else if SolverCompatible(p.Solver, JacobianRK4) {
		p.Jacobian = JacobianRK4
	}
}

// adaptScore makes the learned score runnable: a network, Φ off, a solver
// that steps with the denoiser.
func adaptScore(p *Params) {
	if p.Score != ScoreLearned {
		return
	}
	if p.Net == "off" {
		p.Net = "auto"
	}
	p.Jacobian = JacobianOff
	if p.Solver != model.DDIM && p.Solver != model.Euler {
		p.Solver = model.DDIM
	}
}

func adaptSketch(p *Params) { p.Probes = max(p.Probes, 2*p.SketchSize()+1) }

func adaptProbes(p *Params) {
	if p.Probes < 2*p.SketchSize()+1 {
		p.Sketch = max(1, (p.Probes-1)/2)
	}
}

func adaptSchedule(p *Params) {
	s, err := p.schedule()
	if err != nil {
		return
	}
	if model.IsDiscrete(s) {
		p.Grid = model.GridDefault
	}
	if _, err := p.grid(s); err != nil {
		p.TEnd = 0
		if _, err := p.grid(s); err != nil {
			p.Steps = model.MaxGridSteps(s, p.Steps)
		}
	}
}

// ErrNoChange is matched (errors.Is) by Step's errors when no allowed value
// lies in that direction: a limit, or every candidate refused by the rules.
var ErrNoChange = errors.New("no change")

// noChange is Step's error: its text says why, errors.Is matches ErrNoChange.
type noChange struct{ msg string }

func (e *noChange) Error() string        { return e.msg }
func (e *noChange) Is(target error) bool { return target == ErrNoChange }

// Step returns p with the parameter key moved one step in direction dir
// (+1 up or next, −1 down or previous), the way the explorer's keys move it:
// choices and lists cycle, numbers move along their ladder, factor or delta.
// Values that the rules refuse are skipped; the related parameters are
// adapted (see the rules above). At a limit, or when every candidate is
// refused, the error wraps ErrNoChange and says why.
func (p Params) Step(key string, dir int) (Params, error) {
	d, err := lookup(key)
	if err != nil {
		return p, err
	}
	cands := d.candidates(&p, dir)
	if len(cands) == 0 {
		what := "maximum"
		if dir < 0 {
			what = "minimum"
		}
		return p, &noChange{fmt.Sprintf("%s: already at the %s, %s", key, what, d.get(&p))}
	}
	was := p.Fingerprint()
	var first error
	for _, v := range cands {
		q := p
		if err := d.set(&q, v); err != nil {
			first = cmpErr(first, fmt.Errorf("%s: %w", key, err))
			continue
		}
		if d.adapt != nil {
			d.adapt(&q)
		}
		if err := q.Validate(); err != nil {
			first = cmpErr(first, err)
			continue
		}
		if q.Fingerprint() != was {
			return q, nil
		}
	}
	if first == nil {
		first = fmt.Errorf("%s: no other value allowed", key)
	}
	return p, &noChange{first.Error()}
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// maxCandidates bounds how far one step searches for an allowed value.
const maxCandidates = 64

// candidates lists, in order, the text values one step in direction dir
// would try.
func (d *Param) candidates(p *Params, dir int) []string {
	switch {
	case d.Cycle != nil:
		return cycleFrom(d.Cycle, d.get(p), dir)
	case d.Kind == KindChoice || d.Kind == KindText && d.Choices != nil && d.Wrap:
		return cycleFrom(d.Choices, d.get(p), dir)
	case d.Ladder != nil:
		return d.ladderFrom(d.num(p), dir)
	case d.next != nil:
		return d.next(p, dir)
	case d.Factor > 0:
		return d.numbers(d.num(p), dir, func(v float64) float64 {
			if dir > 0 {
				return v * d.Factor
			}
			return math.Floor(v / d.Factor)
		})
	case d.Delta > 0:
		return d.numbers(d.num(p), dir, func(v float64) float64 { return v + float64(dir)*d.Delta })
	}
	return nil
}

// cycleFrom returns every other element of list, starting after (dir > 0)
// or before cur and wrapping around.
func cycleFrom(list []string, cur string, dir int) []string {
	i := -1
	for j, v := range list {
		if v == cur {
			i = j
		}
	}
	count := len(list) - 1 // every other element
	if i < 0 {             // a value not in the list (e.g. file:PATH): every element
		count = len(list)
		if dir < 0 {
			i = len(list) // so that the first candidate is the last element
		}
	}
	var out []string
	for n := 1; n <= count; n++ {
		out = append(out, list[((i+dir*n)%len(list)+len(list))%len(list)])
	}
	return out
}

// ladderFrom returns the rungs beyond cur in direction dir (then, when the
// ladder wraps, the rest from the other end).
func (d *Param) ladderFrom(cur float64, dir int) []string {
	var out []string
	add := func(v float64) { out = append(out, strconv.FormatFloat(v, 'g', -1, 64)) }
	if dir > 0 {
		for _, v := range d.Ladder {
			if v > cur {
				add(v)
			}
		}
		if d.Wrap {
			for _, v := range d.Ladder {
				if v < cur {
					add(v)
				}
			}
		}
		return out
	}
	for i := len(d.Ladder) - 1; i >= 0; i-- {
		if d.Ladder[i] < cur {
			add(d.Ladder[i])
		}
	}
	return out
}

// numbers returns up to maxCandidates values from repeated next(cur),
// clamped to [max(Min, 1), Max] (a step never goes below 1: 0 means "auto"
// where it is allowed).
func (d *Param) numbers(cur float64, dir int, next func(float64) float64) []string {
	lo := max(d.Min, 1)
	var out []string
	for len(out) < maxCandidates {
		v := min(max(next(cur), lo), d.Max)
		if v == cur || (dir > 0) != (v > cur) {
			break
		}
		out = append(out, strconv.FormatFloat(v, 'f', -1, 64))
		cur = v
	}
	return out
}

// NeedsNet reports whether the scenario uses the learned networks.
func (p *Params) NeedsNet() bool {
	if p.Score == ScoreLearned || p.Guide > 0 && p.Net != "off" { // guidance compares the learned adjoints when a net is asked for
		return true
	}
	for _, e := range p.Estimators {
		if e.Learned() {
			return true
		}
	}
	return false
}

// validateNet checks the rules of the learned half.
func (p *Params) validateNet() error {
	if !p.NeedsNet() {
		return nil
	}
	what := "score learned"
	for _, e := range p.Estimators {
		if e.Learned() {
			what = "estimator " + e.String()
		}
	}
	switch {
	case p.Net == "off":
		return fmt.Errorf("net: %s needs a learned network (allowed: net auto, or net file:PATH)", what)
	case p.Score == ScoreLearned && p.Solver != model.DDIM && p.Solver != model.Euler:
		return fmt.Errorf("solver: score learned runs with ddim or euler, got %s", p.Solver)
	case p.Score == ScoreLearned && p.Jacobian != JacobianOff:
		return fmt.Errorf("jacobian: score learned needs jacobian off (Φ is the exact map's), got %s", p.Jacobian)
	case p.TrainData == TrainSampler && strings.HasPrefix(p.Data, "file:"):
		return fmt.Errorf("train_data: sampler needs a built-in data set, got %s (allowed with files: dirac)", p.Data)
	}
	return nil
}

// grid builds the scenario's time grid.
func (p *Params) grid(s model.Schedule) ([]float64, error) {
	return model.MakeGrid(s, p.Grid, p.Steps, p.tEnd(s), p.Rho)
}
