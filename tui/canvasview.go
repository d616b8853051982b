package tui

import (
	"strings"

	"github.com/NimbleMarkets/ntcharts/canvas"
	"github.com/charmbracelet/lipgloss"
)

// canvasView renders a canvas like canvas.Model.View, but styles runs of
// cells that look alike with one Render call instead of one per cell (the
// canvas's own View spends most of a frame in per-cell Render). Cells look
// alike when foreground, bold and faint agree: the only attributes the
// explorer's styles set.
func canvasView(c *canvas.Model) string {
	w, h := c.Width(), c.Height()
	var sb strings.Builder
	sb.Grow(w * h * 4)
	run := make([]rune, 0, w)
	for y := 0; y < h; y++ {
		if y > 0 {
			sb.WriteByte('\n')
		}
		var style lipgloss.Style
		run = run[:0]
		flush := func() {
			if len(run) > 0 {
				sb.WriteString(style.Render(string(run)))
				run = run[:0]
			}
		}
		for x := 0; x < w; x++ {
			cell := c.Cell(canvas.Point{X: x, Y: y})
			r := cell.Rune
			if r == 0 {
				r = ' '
			}
			if len(run) > 0 && !alike(style, cell.Style) {
				flush()
			}
			if len(run) == 0 {
				style = cell.Style
			}
			run = append(run, r)
		}
		flush()
	}
	return sb.String()
}

// alike reports whether two cell styles render the same.
func alike(a, b lipgloss.Style) bool {
	return a.GetForeground() == b.GetForeground() && a.GetBold() == b.GetBold() && a.GetFaint() == b.GetFaint() &&
		a.GetBackground() == b.GetBackground()
}
