package tui

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"fisherscope/export"
	"fisherscope/sim"
)

// maxPins is how many runs can be pinned beside the current one.
const maxPins = 8

// pinned is an earlier run kept on the charts: pinned by the user, by a
// sweep, or the previous run (the ghost).
type pinned struct {
	label string
	frame *sim.Frame
}

// compare holds the runs shown beside the current one.
type compare struct {
	ghost   *sim.Frame // the previous run
	ghostOn bool
	pins    []pinned
}

// remember makes old the ghost when a new run replaces it.
func (c *compare) remember(old, cur *sim.Frame) {
	if old != nil && cur != nil && len(old.Rows) > 1 && old.Params.Fingerprint() != cur.Params.Fingerprint() {
		c.ghost = old
	}
}

// pin keeps f with label; the oldest pin goes when there are maxPins.
func (c *compare) pin(label string, f *sim.Frame) {
	if len(c.pins) == maxPins {
		c.pins = c.pins[1:]
	}
	c.pins = append(c.pins, pinned{label, f})
}

// diffLabel names a run by the parameters where it differs from cur
// (e.g. "refresh=10 seed=2"); "same parameters" when none differ.
func diffLabel(p, cur sim.Params) string {
	a, b := p.Map(), cur.Map()
	var d []string
	for _, k := range sim.KeyNames() {
		if a[k] != b[k] {
			d = append(d, k+"="+a[k])
		}
	}
	if len(d) == 0 {
		return "same parameters"
	}
	sort.Strings(d)
	return strings.Join(d, " ")
}

// overlaySeries returns f's series mapped onto grid, labelled and styled as
// an overlay (every series of one overlay shares a style and a glyph).
func overlaySeries(f *sim.Frame, grid []float64, label string, st lipgloss.Style, glyph rune, nll bool) [3][]series {
	out := seriesOf(f, nll)
	x := onGrid(f, grid)
	for c := range out {
		for i := range out[c] {
			s := &out[c][i]
			s.name = label + " " + strings.Fields(s.name)[0] // the scoreboard names the run
			s.x, s.style, s.glyph, s.overlay = x, &st, glyph, true
		}
	}
	return out
}

// onGrid maps each row time of f to its fractional row index on grid (a
// decreasing time grid), so runs with other steps or schedules line up by t.
func onGrid(f *sim.Frame, grid []float64) []float64 {
	x := make([]float64, len(f.Rows))
	for i, r := range f.Rows {
		x[i] = fracIndex(grid, r.T)
	}
	return x
}

// fracIndex returns where t falls on the decreasing grid (clamped to its ends).
func fracIndex(grid []float64, t float64) float64 {
	n := len(grid)
	if n < 2 {
		return 0
	}
	j := sort.Search(n, func(i int) bool { return grid[i] <= t })
	switch {
	case j == 0:
		return 0
	case j == n:
		return float64(n - 1)
	}
	lo, hi := grid[j-1], grid[j]
	return float64(j-1) + (lo-t)/(lo-hi)
}

// scoreboard is the table a person tuning m, k and q reads: per estimator,
// the mean relative error and relative variance over the steps, matvecs per
// estimate, QR factorisations and time per step, for the current run and
// every pinned one.
func scoreboard(cur *sim.Frame, pins []pinned, w int) string {
	type runRow struct {
		label string
		f     *sim.Frame
	}
	runs := []runRow{{"current", cur}}
	for i, p := range pins {
		runs = append(runs, runRow{fmt.Sprintf("#%d %s", i+1, p.label), p.frame})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-10s %8s %8s %6s %6s %7s\n", "estimator", "rel err", "rel var", "mv/est", "QRs", "ms/step")
	for _, r := range runs {
		if r.f == nil || len(r.f.Rows) == 0 {
			continue
		}
		b.WriteString(truncate(r.label, w) + "\n")
		res := &sim.Result{Params: r.f.Params, Rows: r.f.Rows}
		ms := math.NaN()
		if n := len(r.f.Rows); n > 0 && r.f.Elapsed > 0 {
			ms = float64(r.f.Elapsed.Microseconds()) / 1e3 / float64(n)
		}
		if len(r.f.Params.Estimators) == 0 {
			fmt.Fprintf(&b, "  (no estimators) %33s\n", fmtNum(ms))
		}
		for e, est := range r.f.Params.Estimators {
			a := export.Averages(res, e)
			fmt.Fprintf(&b, "  %-8s %8s %8s %6.2f %6s %7s\n", truncate(est.String(), 8), fmtNum(a.RelErr), fmtNum(a.RelVariance),
				a.MatVecsPerEstimate, export.Human(a.QRs), fmtNum(ms))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
