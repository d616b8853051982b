package tui

import (
	"bytes"
	"context"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"fisherscope/sim"
)

// TestFlowStartChangePauseQuit drives the explorer with the real engine:
// the first frame appears, n changes the schedule, space pauses, q quits.
func TestFlowStartChangePauseQuit(t *testing.T) {
	eng := sim.NewEngine()
	defer eng.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := testParams()
	p.Steps = 400
	m := New(ctx, eng, p, Options{Renderer: asciiRenderer(), FPS: 30, Pace: 5 * time.Millisecond})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	has := func(s string) func([]byte) bool { return func(b []byte) bool { return bytes.Contains(b, []byte(s)) } }
	teatest.WaitFor(t, tm.Output(), has("particles · t="), teatest.WithDuration(10*time.Second))
	teatest.WaitFor(t, tm.Output(), has("running"), teatest.WithDuration(10*time.Second))
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("n")})
	teatest.WaitFor(t, tm.Output(), has(" · edm · checkerboard"), teatest.WithDuration(10*time.Second))
	tm.Send(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune(" ")})
	teatest.WaitFor(t, tm.Output(), has("paused"), teatest.WithDuration(10*time.Second))
	if !eng.Paused() {
		t.Error("engine not paused")
	}
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}
