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
	// Adaptive colours: the first of each pair is for light backgrounds, the
	// second for dark ones (the renderer knows which; a served session's
	// renderer is told rather than asking the client).
	c := func(light, dark string) lipgloss.AdaptiveColor {
		return lipgloss.AdaptiveColor{Light: light, Dark: dark}
	}
	st := Styles{
		ascii:     ascii,
		Pane:      r.NewStyle().Border(border).BorderForeground(c("250", "240")),
		Title:     r.NewStyle().Bold(true).Foreground(c("235", "252")),
		Status:    r.NewStyle().Foreground(c("238", "250")),
		Muted:     r.NewStyle().Foreground(c("243", "244")),
		Err:       r.NewStyle().Foreground(c("160", "203")).Bold(true),
		Help:      r.NewStyle().Border(border).BorderForeground(c("25", "69")).Padding(0, 1),
		Data:      r.NewStyle().Foreground(c("67", "67")),
		Particles: r.NewStyle().Foreground(c("166", "214")),
		Trail:     r.NewStyle().Foreground(c("180", "130")),
		Axis:      r.NewStyle().Foreground(c("248", "240")),
		Label:     r.NewStyle().Foreground(c("241", "245")),
	}
	for _, col := range [][2]string{{"166", "214"}, {"25", "75"}, {"28", "114"}, {"91", "176"}, {"160", "203"}, {"94", "229"}} {
		st.Series = append(st.Series, r.NewStyle().Foreground(c(col[0], col[1])))
	}
	return st
}

// seriesStyle returns the style of series i.
func (s Styles) seriesStyle(i int) lipgloss.Style { return s.Series[i%len(s.Series)] }
