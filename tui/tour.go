package tui

import (
	"fmt"

	"fisherscope/sim"
)

// tourStep is one caption of the guided tour and the scenario it shows.
type tourStep struct {
	caption string
	set     map[string]string // parameters on top of the tour's base scenario
	pin     bool              // pin the run shown before this step
	board   bool              // show the scoreboard
	ghost   bool              // show the previous run as a ghost
	focus   int               // the chart the caption points at (shown alone when the three do not fit)
}

// tourBase is the small, fast scenario every story starts from (a story
// runs in seconds on two cores).
var tourBase = map[string]string{"particles": "400", "steps": "60", "n": "512", "repeats": "8", "dfea": "0", "seed": "1"}

// tourSteps tells the three stories. Each caption says what to look at.
func tourSteps() []tourStep {
	return []tourStep{
		{caption: "1/3 Hutch++ vs Hutchinson: both estimate tr F of 8gaussians in D=16 with m=12 matvecs. Rademacher Hutchinson is exact on the I/σ² part of F; Hutch++ spends 2k of m on its sketch. Watch the trace-error chart.",
			set: map[string]string{"data": "8gaussians", "dim": "16", "estimators": "hutchinson,hutch++", "probes": "12", "sketch": "0", "refresh": "1", "target": "fisher", "jacobian": "off", "solver": "ddim"}, board: true, focus: 1},
		{caption: "1/3 …now the same budget on tr C (target cov: tr F = d/σ² − (α²/σ⁴) tr C exactly): C is low-rank and PSD, Hutch++'s sketch captures it and its error drops below Hutchinson's. #1 is the tr F run.",
			set: map[string]string{"target": "cov"}, pin: true, board: true, focus: 1},
		{caption: "2/3 QR refresh: Hutch++ on tr C with a fresh QR basis at every step (q=1). Note its QRs and variance on the scoreboard.",
			set: map[string]string{"estimators": "hutch++", "refresh": "1"}, board: true, focus: 0},
		{caption: "2/3 …q=10: the basis is reused for 10 steps. QRs fall 10×, the variance rises only a little, and the estimate stays unbiased (residual probes are fresh). #1 is q=1.",
			set: map[string]string{"refresh": "10"}, pin: true, board: true, focus: 0},
		{caption: "3/3 OT test: affine data (a Gaussian image of a Gaussian). Φ = ∂x_t/∂x_T stays symmetric to round-off: consistent with an optimal-transport map.",
			set: map[string]string{"data": "affine", "dim": "2", "estimators": "none", "jacobian": "ddim", "solver": "ddim", "target": "fisher"}, focus: 2},
		{caption: "3/3 …non-affine data: the asymmetry of Φ grows far above round-off (the ghost is the affine run): the PF-ODE map is not an OT map here. Enter ends the tour.",
			set: map[string]string{"data": "nonaffine"}, ghost: true, focus: 2},
	}
}

// tour is the state of a running tour (step −1: none).
type tour struct {
	step  int
	saved sim.Params // the user's scenario before the tour, restored at its end
	board bool       // the user's scoreboard setting
}

// startTour begins the guided tour at its first step.
func (m *Model) startTour() {
	m.tour.step = -1
	m.tour.saved, m.tour.board = m.params, m.board
	m.cmp.pins, m.queue = nil, nil
	m.tourNext()
}

// tourNext moves the tour one step on, or ends it after the last.
func (m *Model) tourNext() {
	steps := tourSteps()
	m.tour.step++
	if m.tour.step >= len(steps) {
		m.endTour("tour done")
		return
	}
	s := steps[m.tour.step]
	p := m.params
	if m.tour.step == 0 {
		p = sim.Defaults()
		if err := setAll(&p, tourBase); err != nil {
			m.endTour(err.Error())
			return
		}
	}
	if s.pin && m.frame != nil && len(m.frame.Rows) > 0 {
		m.cmp.pin(diffLabel(m.frame.Params, p), m.frame)
	}
	if err := setAll(&p, s.set); err != nil {
		m.endTour(err.Error())
		return
	}
	m.board, m.cmp.ghostOn, m.focus = s.board, s.ghost, s.focus
	m.apply(p)
	m.invalidate()
}

// endTour leaves the tour with a message and brings back the scenario the
// user had before it (the tour's pins stay for comparison).
func (m *Model) endTour(msg string) {
	m.tour.step = -1
	m.board, m.cmp.ghostOn = m.tour.board, false
	m.apply(m.tour.saved)
	m.setMsg(msg+" · back to your scenario", false)
	m.invalidate() // the caption's lines go: the panes grow back
}

// touring reports whether a tour is running.
func (m *Model) touring() bool { return m.tour.step >= 0 }

// tourCaption is the current step's caption with how to go on.
func (m *Model) tourCaption() string {
	return fmt.Sprintf("%s  [enter: next · esc: end tour]", tourSteps()[m.tour.step].caption)
}

// setAll sets every key of set on p and validates the result.
func setAll(p *sim.Params, set map[string]string) error {
	for _, k := range sim.KeyNames() { // table order: deterministic
		if v, ok := set[k]; ok {
			if err := p.Set(k, v); err != nil {
				return fmt.Errorf("tour: %w", err)
			}
		}
	}
	return p.Validate()
}
