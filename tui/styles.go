package tui

import (
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Styles are every style of the explorer, made from one renderer so that a
// program served over SSH gets its client's colours.
type Styles struct {
	ascii                                 bool
	Pane, Title, Status, Muted, Err, Help lipgloss.Style
	Data, Particles, Trail, Axis, Label   lipgloss.Style
	Series                                []lipgloss.Style
}

// NewStyles builds the styles for r. With the Ascii profile (NO_COLOR, or a
// terminal without colours) there are no colours and borders are ASCII.
func NewStyles(r *lipgloss.Renderer) Styles {
	ascii := r.ColorProfile() == termenv.Ascii
	border := lipgloss.RoundedBorder()
	if ascii {
		border = lipgloss.Border{Top: "-", Bottom: "-", Left: "|", Right: "|", TopLeft: "+", TopRight: "+", BottomLeft: "+", BottomRight: "+"}
	}
	c := func(s string) lipgloss.Color { return lipgloss.Color(s) }
	st := Styles{
		ascii:     ascii,
		Pane:      r.NewStyle().Border(border).BorderForeground(c("240")),
		Title:     r.NewStyle().Bold(true).Foreground(c("252")),
		Status:    r.NewStyle().Foreground(c("250")),
		Muted:     r.NewStyle().Foreground(c("244")),
		Err:       r.NewStyle().Foreground(c("203")).Bold(true),
		Help:      r.NewStyle().Border(border).BorderForeground(c("69")).Padding(0, 1),
		Data:      r.NewStyle().Foreground(c("67")),
		Particles: r.NewStyle().Foreground(c("214")),
		Trail:     r.NewStyle().Foreground(c("130")),
		Axis:      r.NewStyle().Foreground(c("240")),
		Label:     r.NewStyle().Foreground(c("245")),
	}
	for _, col := range []string{"214", "75", "114", "176", "203", "229"} {
		st.Series = append(st.Series, r.NewStyle().Foreground(c(col)))
	}
	return st
}

// seriesStyle returns the style of series i.
func (s Styles) seriesStyle(i int) lipgloss.Style { return s.Series[i%len(s.Series)] }
