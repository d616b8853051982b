package tui

import (
	"io"
	"testing"

	"github.com/NimbleMarkets/ntcharts/canvas"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

// TestCanvasViewMatches: the run-grouped rendering shows the same text as
// ntcharts' per-cell View, with colours on.
func TestCanvasViewMatches(t *testing.T) {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	st := NewStyles(r)
	c := canvas.New(30, 6)
	c.SetStringWithStyle(canvas.Point{X: 0, Y: 0}, "axis │", st.Axis)
	c.SetStringWithStyle(canvas.Point{X: 8, Y: 1}, "⠿⠿ab", st.seriesStyle(1))
	c.SetStringWithStyle(canvas.Point{X: 12, Y: 1}, "cd", st.seriesStyle(2))
	c.SetRuneWithStyle(canvas.Point{X: 29, Y: 5}, '*', st.Particles)
	got, want := canvasView(&c), c.View()
	if ansi.Strip(got) != ansi.Strip(want) {
		t.Errorf("text differs:\n%q\n%q", ansi.Strip(got), ansi.Strip(want))
	}
	if got == ansi.Strip(got) {
		t.Error("no colour in the grouped rendering")
	}
	if len(got) >= len(want) {
		t.Errorf("grouping saved nothing: %d vs %d bytes", len(got), len(want))
	}
}
