package tui

import (
	"math"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// TestNiceTicks: steps are 1, 2 or 5 × 10^k; each nice value is labelled at
// exactly one sample; t_end is labelled to end at the last column.
func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		span float64
		n    int
		want float64
	}{{10, 4, 5}, {10, 5, 2}, {1.3, 4, 0.5}, {0.007, 3, 0.005}, {14.2, 4, 5}} {
		if got := niceStep(c.span, c.n); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("niceStep(%g, %d) = %g, want %g", c.span, c.n, got, c.want)
		}
	}
	lo, hi, cells := -5.16, 5.9, 37
	cell := (hi - lo) / float64(cells)
	seen := map[string]int{}
	for i := 0; i < cells; i++ {
		if l := tickLabel(lo+cell*float64(i), 5, cell, fmtNum); l != "" {
			seen[l]++
		}
	}
	if len(seen) != 3 || seen["-5"] != 1 || seen["0"] != 1 || seen["5"] != 1 {
		t.Errorf("ticks %v, want -5, 0 and 5 once each", seen)
	}
	grid := make([]float64, 31)
	for i := range grid {
		grid[i] = 1 - float64(i)*(1-0.001)/30
	}
	width, labels := 40, map[int]string{}
	for col := 0; col < width; col++ {
		if l := timeLabel(col, width, float64(col)*30/float64(width-1), grid, 0.5); l != "" {
			labels[col] = l
		}
	}
	if labels[0] != "t=1" || labels[width-len("t=0.001")] != "t=0.001" {
		t.Errorf("time labels %v", labels)
	}
}

// TestTimeLabelShortGrid: a chart wider than its grid has rows (steps=1)
// labels without reading past the grid.
func TestTimeLabelShortGrid(t *testing.T) {
	grid := []float64{1, 0.001}
	for col := 0; col < 120; col++ {
		timeLabel(col, 120, float64(col)/119, grid, 0.2)
	}
	m, src := newTestModel(t)
	p := testParams()
	p.Steps = 1
	src.frame = testFrame(t, p)
	m.Update(src.frame)
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
	_ = m.View()
}
