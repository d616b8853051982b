package tui

import (
	"fmt"
	"math"
	"strings"

	"github.com/NimbleMarkets/ntcharts/canvas"
	"github.com/NimbleMarkets/ntcharts/canvas/graph"
	"github.com/NimbleMarkets/ntcharts/linechart"
	"github.com/charmbracelet/lipgloss"
)

// series is one line of a chart: y[i] at x = i (the row index), or at x[i]
// (a fractional row index) for an overlay from another run.
type series struct {
	name    string
	y       []float64
	x       []float64       // nil: the row index
	style   *lipgloss.Style // nil: the chart's palette
	glyph   rune            // overlays without colour: their own glyph
	overlay bool            // an earlier run: drawn first, listed last
}

// seriesChart draws several series against the row index with braille
// lines, a log10 or linear y axis with readable labels, and a legend line.
type seriesChart struct {
	title  string
	w, h   int
	log    bool
	footer string
	empty  string  // what the body says without data ("" : "no data yet")
	floor  float64 // > 0: values below are round-off, drawn at floor on a log axis
	// locked keeps the y range (lo, hi in plotted units, for the scale
	// lockLog) so that runs can be compared at a glance.
	locked         bool
	lockLog        bool
	lockLo, lockHi float64
}

// lock fixes the y range at what ss needs now (unlock: free again).
func (c *seriesChart) lock(on bool, ss []series) {
	c.locked = false
	if on {
		c.lockLo, c.lockHi, c.locked = c.yRange(ss)
		c.lockLog = c.log
	}
}

// SetSize sets the outer size (title and legend included).
func (c *seriesChart) SetSize(w, h int) { c.w, c.h = w, h }

// render returns the chart; grid holds the time of every row (x labels).
func (c *seriesChart) render(st Styles, ss []series, grid []float64) string {
	title := st.Title.Render(truncate(c.title, c.w))
	legend := c.legend(st, ss)
	ch := c.h - 2
	if c.footer != "" {
		ch--
	}
	if c.w < 12 || ch < 4 {
		return title
	}
	lo, hi, ok := c.yRange(ss)
	if c.locked && c.lockLog == c.log {
		lo, hi, ok = c.lockLo, c.lockHi, true
	}
	total := max(len(grid), 2)
	var body string
	if !ok {
		empty := c.empty
		if empty == "" {
			empty = "no data yet"
		}
		body = lipgloss.Place(c.w, ch, lipgloss.Center, lipgloss.Center, st.Muted.Render(truncate(empty, c.w)))
	} else {
		body = c.plot(st, ss, grid, total, lo, hi, ch)
	}
	parts := []string{title, body, legend}
	if c.footer != "" {
		parts = append(parts, truncate(c.footer, c.w))
	}
	return strings.Join(parts, "\n")
}

func (c *seriesChart) plot(st Styles, ss []series, grid []float64, total int, lo, hi float64, ch int) string {
	gh := max(ch-2, 1) // graph rows (the x axis and its labels take two)
	ystep := niceStep(hi-lo, max(gh/3, 1))
	if c.log {
		ystep = math.Max(1, math.Ceil((hi-lo)/float64(max(gh/2, 1)))) // whole decades, evenly spaced
	}
	yfmt := func(_ int, v float64) string {
		return tickLabel(v, ystep, (hi-lo)/float64(gh), func(x float64) string { return fmtAxis(x, c.log) })
	}
	tstep := 1.0
	if len(grid) > 1 {
		tstep = niceStep(math.Abs(grid[0]-grid[len(grid)-1]), max((c.w-8)/10, 1))
	}
	gw := 0 // the graph's width, known once the chart exists
	xfmt := func(col int, v float64) string { return timeLabel(col, gw, v, grid, tstep) }
	lc := linechart.New(c.w, ch, 0, float64(total-1), lo, hi,
		linechart.WithXYSteps(1, 1), linechart.WithStyles(st.Axis, st.Label, st.Label),
		linechart.WithXLabelFormatter(xfmt), linechart.WithYLabelFormatter(yfmt))
	gw = lc.GraphWidth()
	lc.DrawXYAxisAndLabel()
	for _, s := range drawOrder(ss) {
		bg := graph.NewBrailleGrid(lc.GraphWidth(), lc.GraphHeight(), lc.MinX(), lc.MaxX(), lc.MinY(), lc.MaxY())
		prev, have := canvas.Float64Point{}, false
		for j, y := range s.y {
			v, fine := c.value(y)
			if !fine {
				have = false
				continue
			}
			x := float64(j)
			if s.x != nil {
				x = s.x[j]
			}
			p := canvas.Float64Point{X: x, Y: clamp(v, lo, hi)}
			if have {
				for _, q := range graph.GetLinePoints(bg.GridPoint(prev), bg.GridPoint(p)) {
					bg.Set(q)
				}
			} else {
				bg.Set(bg.GridPoint(p))
			}
			prev, have = p, true
		}
		style, glyph := s.look(st)
		drawMarks(&lc.Canvas, canvas.Point{X: lc.Origin().X + 1, Y: 0}, bg.BraillePatterns(), style, glyph)
	}
	return canvasView(&lc.Canvas)
}

// indexed is a series with its palette index among the current run's series.
type indexed struct {
	series
	i int
}

// look returns the series' style and glyph.
func (s indexed) look(st Styles) (lipgloss.Style, rune) {
	if s.style != nil {
		return *s.style, s.glyph
	}
	return st.seriesStyle(s.i), st.markOf(s.i)
}

// drawOrder lists overlays first (under) and the current run's series last,
// each with its palette index.
func drawOrder(ss []series) []indexed {
	var over, cur []indexed
	for _, s := range ss {
		if s.overlay {
			over = append(over, indexed{s, 0})
		} else {
			cur = append(cur, indexed{s, len(cur)})
		}
	}
	return append(over, cur...)
}

// value maps y to the plotted value (log10 on a log axis); ok is false for
// values that cannot be drawn.
func (c *seriesChart) value(y float64) (float64, bool) {
	if math.IsNaN(y) || math.IsInf(y, 0) {
		return 0, false
	}
	if c.log {
		if c.floor > 0 && y < c.floor {
			y = c.floor // zero to round-off: drawn on the band, not left out
		}
		if y <= 0 {
			return 0, false
		}
		return math.Log10(y), true
	}
	return y, true
}

// yRange returns the plotted range of all drawable values, padded.
func (c *seriesChart) yRange(ss []series) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range ss {
		for _, y := range s.y {
			if v, fine := c.value(y); fine {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if lo > hi {
		return 0, 0, false
	}
	if c.log {
		// Whole decades, at least one, clamped to a readable span.
		lo, hi = math.Floor(lo), math.Ceil(hi)
		if hi-lo < 1 {
			hi = lo + 1
		}
		lo = math.Max(lo, hi-30)
		return lo, hi, true
	}
	pad := 0.05 * (hi - lo)
	if pad == 0 {
		pad = math.Max(0.5, 0.05*math.Abs(hi))
	}
	if lo >= 0 { // a non-negative quantity never shows negative values
		return math.Max(lo-pad, 0), hi + pad, true
	}
	return lo - pad, hi + pad, true
}

func (c *seriesChart) legend(st Styles, ss []series) string {
	parts := make([]string, 0, len(ss))
	order := drawOrder(ss)
	order = append(order[len(order)-countCurrent(ss):], order[:len(order)-countCurrent(ss)]...) // current first
	for _, s := range order {
		style, g := s.look(st)
		mark := "━"
		if g != 0 {
			mark = string(g)
		} else if st.ascii {
			mark = "⠿"
		}
		parts = append(parts, style.Render(mark+" "+s.name))
	}
	scale := "lin"
	if c.log {
		scale = "log"
		if c.floor > 0 {
			scale += fmt.Sprintf("; ≤%.0e: round-off", c.floor)
		}
	}
	return truncate(strings.Join(parts, "  ")+st.Muted.Render("  ["+scale+"]"), c.w)
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// fmtAxis formats an axis value: 10^v on a log axis.
func fmtAxis(v float64, log bool) string {
	if log {
		return fmt.Sprintf("1e%d", int(math.Round(v)))
	}
	return fmtNum(v)
}

// fmtNum formats a number in at most 7 characters.
func fmtNum(v float64) string {
	a := math.Abs(v)
	switch {
	case math.IsNaN(v):
		return "–"
	case v == 0:
		return "0"
	case a >= 1e4 || a < 1e-3:
		return fmt.Sprintf("%.1e", v)
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	default:
		return fmt.Sprintf("%.3g", v)
	}
}

// truncate cuts s to width w cells, ending a cut string with an ellipsis.
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if lipgloss.Width(s) <= w {
		return s
	}
	// Cut one cell short and say so: a cut that looks whole misleads
	// ("[1, 10000" for "[1, 100000]").
	if w == 1 {
		return "…"
	}
	return lipgloss.NewStyle().MaxWidth(w-1).Render(s) + "…"
}

// countCurrent counts the current run's series.
func countCurrent(ss []series) int {
	n := 0
	for _, s := range ss {
		if !s.overlay {
			n++
		}
	}
	return n
}
