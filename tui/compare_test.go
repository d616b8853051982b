package tui

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"fisherscope/sim"
)

// finish makes the fake source's frame the finished run of the wanted params.
func finish(m *Model, src *fakeSource, rows []sim.Row) {
	src.mu.Lock()
	src.frame = &sim.Frame{Params: m.params, Done: true, Rows: rows, Grid: src.frame.Grid, Total: len(rows)}
	src.mu.Unlock()
	m.onTick(time.Now())
}

// TestSweepRunsEveryPointAndPins: a sweep preset runs its points in turn and
// pins each finished one under its label.
func TestSweepRunsEveryPointAndPins(t *testing.T) {
	m, src := newTestModel(t)
	rows := src.frame.Rows
	command(m, "preset qr-refresh")
	for i := 0; i < 10 && len(m.queue) > 0; i++ {
		finish(m, src, rows)
	}
	if len(m.queue) != 0 || len(m.cmp.pins) != 4 {
		t.Fatalf("queue %d, pins %d", len(m.queue), len(m.cmp.pins))
	}
	for _, p := range m.cmp.pins {
		if !strings.Contains(p.label, "refresh") {
			t.Errorf("pin label %q does not name the swept value", p.label)
		}
	}
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
	if v := m.View(); !strings.Contains(v, "#1") || !strings.Contains(v, "#4") {
		t.Errorf("pinned runs not in the legends:\n%s", v)
	}
	press(m, "i")
	m.onTick(time.Now())
	if v := m.View(); !strings.Contains(v, "scoreboard") || !strings.Contains(v, "mv/est") {
		t.Errorf("scoreboard not shown:\n%s", v)
	}
}

// TestGhostAndLock: the previous run becomes a ghost after a change; L keeps
// the y range.
func TestGhostAndLock(t *testing.T) {
	m, src := newTestModel(t)
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 50})
	old := src.frame
	press(m, "P")
	finish(m, src, old.Rows[:len(old.Rows)/2])
	if m.cmp.ghost != old {
		t.Fatal("the previous run is not the ghost")
	}
	press(m, "h")
	m.onTick(time.Now()) // pays the owed redraw
	if v := m.View(); !strings.Contains(v, "prev hutchinson") {
		t.Errorf("ghost not in the legend:\n%s", v)
	}
	press(m, "L")
	lo, hi := m.charts[1].lockLo, m.charts[1].lockHi
	finish(m, src, old.Rows)
	m.View()
	if !m.charts[1].locked || m.charts[1].lockLo != lo || m.charts[1].lockHi != hi {
		t.Error("locked axes moved")
	}
	if got := diffLabel(m.frame.Params, sim.Defaults()); got == "same parameters" {
		t.Errorf("diff label %q", got)
	}
}

// BenchmarkRenderWithGhosts renders a full frame at 120×40 with 2,000
// particles, the ghost and one pinned run (issue target: under 5 ms).
func BenchmarkRenderWithGhosts(b *testing.B) {
	p := testParams()
	p.Particles = 2000
	f := testFrame(b, p)
	src := &fakeSource{frame: f}
	m := New(b.Context(), src, p, Options{Renderer: asciiRenderer()})
	m.Update(f)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.cmp.ghost, m.cmp.ghostOn = f, true
	m.cmp.pin("pinned", f)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.render(true)
	}
}

// TestZoom: f zooms the focused chart to the full width; a click on a chart
// zooms it, another click returns.
func TestZoom(t *testing.T) {
	m, _ := newTestModel(t)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	press(m, "f")
	m.onTick(time.Now())
	v := m.View()
	if strings.Contains(v, "particles ·") || !strings.Contains(v, "estimator variance") || len(strings.Split(v, "\n")) != 40 {
		t.Errorf("zoomed view:\n%s", v)
	}
	press(m, "f")
	m.Update(tea.MouseMsg{X: 100, Y: 30, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	m.onTick(time.Now())
	if !m.zoom || m.focus != 2 || !strings.Contains(m.View(), "Fisher asymmetry") {
		t.Errorf("click on the third chart: zoom %v focus %d", m.zoom, m.focus)
	}
	m.Update(tea.MouseMsg{X: 1, Y: 1, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	if m.zoom {
		t.Error("a second click did not unzoom")
	}
}

// TestTour: every step's scenario is valid; enter walks the three stories,
// pinning and showing what each caption points at; esc ends it.
func TestTour(t *testing.T) {
	m, src := newTestModel(t)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	before := m.params
	command(m, "tour")
	for i, s := range tourSteps() {
		if !m.touring() || m.tour.step != i {
			t.Fatalf("step %d: touring %v at %d", i, m.touring(), m.tour.step)
		}
		if err := m.params.Validate(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		finish(m, src, src.frame.Rows)
		v := m.View()
		if len(strings.Split(v, "\n")) != 40 || !strings.Contains(v, "[enter: next") {
			t.Fatalf("step %d: view without caption or wrong height", i)
		}
		if s.board && !strings.Contains(v, "scoreboard") {
			t.Errorf("step %d: no scoreboard", i)
		}
		press(m, "enter")
	}
	if m.touring() || len(m.cmp.pins) != 2 {
		t.Errorf("after the tour: touring %v, pins %d", m.touring(), len(m.cmp.pins))
	}
	if m.params.Data != before.Data || m.params.Dim != before.Dim || m.board {
		t.Errorf("after the tour: data %q dim %d board %v, want the scenario from before the tour", m.params.Data, m.params.Dim, m.board)
	}
	command(m, "tour")
	press(m, "esc")
	if m.touring() {
		t.Error("esc did not end the tour")
	}
	// At 100×30 the caption leaves no room for three charts that plot: the
	// chart the caption points at is shown alone, with its plot.
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	command(m, "tour")
	finish(m, src, src.frame.Rows)
	v := m.View()
	if m.large() || m.focus != 1 || !strings.Contains(v, "trace error vs t") || strings.Contains(v, "estimator variance vs t") || !strings.Contains(v, "t=1") {
		t.Errorf("tour at 100×30: large %v focus %d\n%s", m.large(), m.focus, v)
	}
}

// TestTrainingShown: before the first row, a network's training shows in the
// status line and its loss in the first chart; E switches to the learned
// score with what it needs.
func TestTrainingShown(t *testing.T) {
	m, src := newTestModel(t)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	press(m, "E")
	if m.params.Score != sim.ScoreLearned || m.params.Net != "auto" || m.params.Jacobian != sim.JacobianOff {
		t.Fatalf("E: score %v net %q jacobian %v", m.params.Score, m.params.Net, m.params.Jacobian)
	}
	src.mu.Lock()
	src.frame = &sim.Frame{Params: m.params, Grid: src.frame.Grid, Total: 31,
		Train: &sim.Training{Net: "score", Step: 300, Steps: 1000, Loss: []float64{1, 0.8, 0.6, 0.5}, Elapsed: 3 * time.Second}}
	src.mu.Unlock()
	m.onTick(time.Now())
	v := m.View()
	for _, want := range []string{"training score net 300/1000 · loss 0.5 · ETA 7s", "training loss: score net"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
}

// TestWheelMovesTime: on the real engine a finished run keeps its particles'
// history; the wheel shows them at earlier times and back to live.
func TestWheelMovesTime(t *testing.T) {
	m, eng := newServedModel(t, Options{})
	waitFor(t, func() bool { f := eng.Latest(); m.onTick(time.Now()); return f != nil && f.Done && m.frame == f })
	h := m.frame.History
	if len(h) != len(m.frame.Grid) || h[0].T != m.frame.Grid[0] || h[len(h)-1].T != m.frame.T {
		t.Fatalf("history: %d snapshots for %d rows", len(h), len(m.frame.Grid))
	}
	wheel := func(b tea.MouseButton) {
		m.Update(tea.MouseMsg{X: 5, Y: 5, Button: b, Action: tea.MouseActionPress})
		m.onTick(time.Now())
	}
	wheel(tea.MouseButtonWheelUp)
	wheel(tea.MouseButtonWheelUp)
	want := "particles · t=" + fmtNum(h[len(h)-2].T)
	if v := m.View(); !strings.Contains(v, want) {
		t.Errorf("after two wheel-ups the view lacks %q", want)
	}
	wheel(tea.MouseButtonWheelDown)
	wheel(tea.MouseButtonWheelDown)
	if m.scrub != -1 {
		t.Errorf("scrub %d, want live", m.scrub)
	}
}

// TestNLLChart: K switches the second chart to the likelihood's error in
// nats, per estimator.
func TestNLLChart(t *testing.T) {
	m, _ := newTestModel(t)
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 50})
	press(m, "K")
	m.onTick(time.Now())
	v := m.View()
	for _, want := range []string{"NLL error vs t (nats", "|ΔNLL| exact trace", "|ΔNLL| hutchinson"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q", want)
		}
	}
}

// TestSweepSkipsFailedPoints: a sweep point that fails is skipped, not
// pinned with the previous point's data, and the sweep goes on.
func TestSweepSkipsFailedPoints(t *testing.T) {
	m, src := newTestModel(t)
	rows := src.frame.Rows
	command(m, "preset qr-refresh")
	src.mu.Lock()
	src.frame = &sim.Frame{Params: m.params, Done: true, Err: "boom", Grid: src.frame.Grid}
	src.mu.Unlock()
	m.onTick(time.Now())
	if len(m.cmp.pins) != 0 || !strings.Contains(m.msg, "skipped: boom") || len(m.queue) != 3 {
		t.Fatalf("after a failed point: pins %d, queue %d, msg %q", len(m.cmp.pins), len(m.queue), m.msg)
	}
	for i := 0; i < 10 && m.sweeping; i++ {
		finish(m, src, rows)
	}
	if len(m.cmp.pins) != 3 {
		t.Errorf("pins %d, want the 3 points that ran before the last", len(m.cmp.pins))
	}
}

// TestPasteIsNotKeys: pasted text outside the command line changes nothing.
func TestPasteIsNotKeys(t *testing.T) {
	m, _ := newTestModel(t)
	before := m.params.Fingerprint()
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("data moons quit"), Paste: true})
	if m.params.Fingerprint() != before || !strings.Contains(m.msg, "paste ignored") {
		t.Errorf("paste acted as keys: %q", m.msg)
	}
}

// TestClickSetsGoal: a click on the particles sets the guidance goal at the
// clicked data-plane point and turns guidance on; G steps its strength.
func TestClickSetsGoal(t *testing.T) {
	m, _ := newTestModel(t)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.View()
	p := &m.part
	col, row := p.ox+p.gw/2, p.oy+p.gh/2
	wx, wy, ok := p.planeAt(col, row)
	if !ok {
		t.Fatal("the middle of the graph is not on the plane")
	}
	m.Update(tea.MouseMsg{X: col + 1, Y: row + 1, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	if m.params.Guide != 0.5 || !strings.HasPrefix(m.msg, "goal (") {
		t.Fatalf("click: guide %g goal %q msg %q", m.params.Guide, m.params.Goal, m.msg)
	}
	var gx, gy float64
	fmt.Sscanf(m.params.Goal, "%g,%g", &gx, &gy)
	if math.Abs(gx-wx) > 1e-3*math.Max(1, math.Abs(wx)) || math.Abs(gy-wy) > 1e-3*math.Max(1, math.Abs(wy)) {
		t.Errorf("goal %q, clicked at (%g, %g)", m.params.Goal, wx, wy)
	}
	press(m, "G")
	if m.params.Guide != 1 {
		t.Errorf("G: guide %g, want 1", m.params.Guide)
	}
}
