package tui

import (
	"github.com/NimbleMarkets/ntcharts/canvas"
	"github.com/NimbleMarkets/ntcharts/canvas/graph"
	"github.com/charmbracelet/lipgloss"
)

// blankBraille is the empty braille pattern (U+2800).
const blankBraille = '\u2800'

// seriesMarks tell series apart without colour (NO_COLOR, ASCII terminals):
// the first series keeps braille dots, the others fill their cells with a
// glyph of their own. The legend shows the same glyphs.
var seriesMarks = []rune{0, '*', '+', 'o', 'x', '#', '%', '@'}

// markOf returns the glyph of series i without colour (0: braille).
func (s Styles) markOf(i int) rune {
	if !s.ascii {
		return 0
	}
	return seriesMarks[i%len(seriesMarks)]
}

// drawMarks draws braille patterns at p, or, with a glyph, that glyph in
// every non-empty cell.
func drawMarks(m *canvas.Model, p canvas.Point, b [][]rune, s lipgloss.Style, glyph rune) {
	if glyph == 0 {
		graph.DrawBraillePatterns(m, p, b, s)
		return
	}
	for y, row := range b {
		for x, r := range row {
			if r != blankBraille && r != 0 {
				m.SetCell(p.Add(canvas.Point{X: x, Y: y}), canvas.NewCellWithStyle(glyph, s))
			}
		}
	}
}
