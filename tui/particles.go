package tui

import (
	"fmt"
	"math"

	"github.com/NimbleMarkets/ntcharts/canvas"
	"github.com/NimbleMarkets/ntcharts/canvas/graph"
	"github.com/NimbleMarkets/ntcharts/linechart"
	"github.com/charmbracelet/lipgloss"

	"fisherscope/sim"
)

// particlesPane draws the data and the moving particles in the data plane,
// one braille grid per set (data, trails, particles last).
type particlesPane struct {
	w, h int
	// The last drawing's box: data coordinates x0…x1 × y0…y1 on the graph
	// whose top-left cell is (ox, oy) within the pane's content, gw×gh cells.
	x0, x1, y0, y1 float64
	ox, oy, gw, gh int
}

// planeAt maps a cell (column, row within the pane's content) to data-plane
// coordinates; ok is false outside the graph or before the first drawing.
func (p *particlesPane) planeAt(col, row int) (x, y float64, ok bool) {
	cx, cy := col-p.ox, row-p.oy
	if p.gw <= 0 || p.gh <= 0 || cx < 0 || cy < 0 || cx >= p.gw || cy >= p.gh {
		return 0, 0, false
	}
	x = p.x0 + (float64(cx)+0.5)/float64(p.gw)*(p.x1-p.x0)
	y = p.y1 - (float64(cy)+0.5)/float64(p.gh)*(p.y1-p.y0)
	return x, y, true
}

// SetSize sets the pane's size (title included).
func (p *particlesPane) SetSize(w, h int) { p.w, p.h = w, h }

// render draws frame f; trails holds earlier particle positions (B×2 each).
func (p *particlesPane) render(st Styles, f *sim.Frame, trails [][]float64) string {
	title := "particles"
	if f != nil {
		title = fmt.Sprintf("particles · t=%s · %s · %s (D=%d)", fmtNum(f.T), f.Params.Schedule, f.Params.Data, f.Params.Dim)
	}
	title = st.Title.Render(truncate(title, p.w))
	if f == nil || p.w < 12 || p.h < 5 {
		return title
	}
	x0, x1, y0, y1 := bounds(f.Data)
	x0, x1, y0, y1 = square(x0, x1, y0, y1, p.w-axisLabelWidth, p.h-3)
	gw, gh := max(p.w-axisLabelWidth, 1), max(p.h-3, 1)
	xs, ys := niceStep(x1-x0, max(gw/8, 1)), niceStep(y1-y0, max(gh/4, 1))
	lc := linechart.New(p.w, p.h-1, x0, x1, y0, y1, linechart.WithXYSteps(1, 1),
		linechart.WithStyles(st.Axis, st.Label, st.Label),
		linechart.WithXLabelFormatter(func(_ int, v float64) string { return tickLabel(v, xs, (x1-x0)/float64(gw), fmtNum) }),
		linechart.WithYLabelFormatter(func(_ int, v float64) string { return tickLabel(v, ys, (y1-y0)/float64(gh), fmtNum) }))
	lc.DrawXYAxisAndLabel()
	p.x0, p.x1, p.y0, p.y1 = x0, x1, y0, y1
	p.ox, p.oy, p.gw, p.gh = lc.Origin().X+1, 1, lc.GraphWidth(), lc.GraphHeight() // +1 row: the title
	draw := func(pts []float64, s lipgloss.Style, glyph rune) {
		bg := graph.NewBrailleGrid(lc.GraphWidth(), lc.GraphHeight(), x0, x1, y0, y1)
		for i := 0; i+1 < len(pts); i += 2 {
			x, y := pts[i], pts[i+1]
			if x < x0 || x > x1 || y < y0 || y > y1 || math.IsNaN(x) || math.IsNaN(y) {
				continue
			}
			bg.Set(bg.GridPoint(canvas.Float64Point{X: x, Y: y}))
		}
		drawMarks(&lc.Canvas, canvas.Point{X: lc.Origin().X + 1, Y: 0}, bg.BraillePatterns(), s, glyph)
	}
	// Without colour the data are dots and trails commas, so that the
	// particles (braille, drawn last) stand out.
	dataMark, trailMark := rune(0), rune(0)
	if st.ascii {
		dataMark, trailMark = '.', ','
	}
	draw(f.Data, st.Data, dataMark)
	for _, t := range trails {
		draw(t, st.Trail, trailMark)
	}
	draw(f.Positions, st.Particles, 0)
	return title + "\n" + canvasView(&lc.Canvas)
}

// bounds returns the square-ish display box of the data with a 30 % margin.
func bounds(pts []float64) (x0, x1, y0, y1 float64) {
	x0, x1, y0, y1 = math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i := 0; i+1 < len(pts); i += 2 {
		x0, x1 = math.Min(x0, pts[i]), math.Max(x1, pts[i])
		y0, y1 = math.Min(y0, pts[i+1]), math.Max(y1, pts[i+1])
	}
	if x0 > x1 {
		return -4, 4, -4, 4
	}
	span := math.Max(math.Max(x1-x0, y1-y0), 1)
	cx, cy := (x0+x1)/2, (y0+y1)/2
	h := 0.65 * span
	return cx - h, cx + h, cy - h, cy + h
}

// axisLabelWidth is about the width ntcharts gives the y labels and axis.
const axisLabelWidth = 8

// square widens the box x0..x1 × y0..y1 so that one data unit is as long
// across as up on a gw×gh-cell plot (a terminal cell is about twice as tall
// as it is wide).
func square(x0, x1, y0, y1 float64, gw, gh int) (float64, float64, float64, float64) {
	if gw < 1 || gh < 1 {
		return x0, x1, y0, y1
	}
	want := float64(gw) / (2 * float64(gh)) // x span / y span
	xs, ys := x1-x0, y1-y0
	if xs/ys < want {
		c, h := (x0+x1)/2, ys*want/2
		return c - h, c + h, y0, y1
	}
	c, h := (y0+y1)/2, xs/want/2
	return x0, x1, c - h, c + h
}
