package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"fisherscope/sim"
)

// Run opens the explorer on the terminal for p and returns when the user
// quits or ctx is cancelled. The terminal is restored on exit, also after a
// panic (bubbletea catches it and Run returns it as an error).
func Run(ctx context.Context, p sim.Params, in io.Reader, out io.Writer, fps int, lim sim.Limits) error {
	r := lipgloss.NewRenderer(out)
	if os.Getenv("NO_COLOR") != "" {
		r.SetColorProfile(termenv.Ascii)
	}
	eng := sim.NewEngine()
	defer eng.Stop()
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m := New(rctx, eng, p, Options{FPS: fps, Renderer: r, Limits: lim})
	prog := tea.NewProgram(m, tea.WithContext(rctx), tea.WithInput(in), tea.WithOutput(out), tea.WithAltScreen(), tea.WithMouseCellMotion())
	if _, err := prog.Run(); err != nil && (!errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, tea.ErrProgramPanic)) {
		return fmt.Errorf("tui: %w", err)
	}
	return nil
}
