package tui

import (
	"context"
	"fisherscope/model"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"fisherscope/sim"
)

// fakeSource serves one fixed frame and records restarts.
type fakeSource struct {
	mu       sync.Mutex
	frame    *sim.Frame
	restarts []sim.Params
	paused   bool
	steps    int
	pace     time.Duration
}

func (f *fakeSource) Restart(_ context.Context, p sim.Params) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.restarts = append(f.restarts, p)
	return nil
}
func (f *fakeSource) Latest() *sim.Frame      { f.mu.Lock(); defer f.mu.Unlock(); return f.frame }
func (f *fakeSource) SetPaused(b bool)        { f.paused = b }
func (f *fakeSource) Paused() bool            { return f.paused }
func (f *fakeSource) StepOnce()               { f.steps++ }
func (f *fakeSource) SetPace(d time.Duration) { f.pace = d }
func (f *fakeSource) Pace() time.Duration     { return f.pace }
func (f *fakeSource) Stop()                   {}
func (f *fakeSource) lastRestart() *sim.Params {
	f.mu.Lock()
	defer f.mu.Unlock()
	return &f.restarts[len(f.restarts)-1]
}
func (f *fakeSource) count() int { f.mu.Lock(); defer f.mu.Unlock(); return len(f.restarts) }

// testParams is a small deterministic scenario.
func testParams() sim.Params {
	p := sim.Defaults()
	p.Particles, p.Steps, p.N, p.Repeats, p.DFEA = 300, 30, 256, 3, 8
	return p
}

// testFrame runs p headless and turns the result into a final frame.
func testFrame(t testing.TB, p sim.Params) *sim.Frame {
	t.Helper()
	res, err := sim.Run(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &sim.Frame{Params: p, Backend: "cpu (2 cores)", Rows: res.Rows, Total: len(res.Rows), Data: res.Data, Done: true}
	for _, r := range res.Rows {
		f.Grid = append(f.Grid, r.T)
	}
	f.T = f.Grid[len(f.Grid)-1]
	for _, q := range res.Particles {
		f.Positions = append(f.Positions, q.End[0], q.End[1])
	}
	f.MatVecs, f.QRs = 123456, 789
	return f
}

func asciiRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	return r
}

func newTestModel(t testing.TB) (*Model, *fakeSource) {
	t.Helper()
	p := testParams()
	src := &fakeSource{frame: testFrame(t, p)}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	m := New(ctx, src, p, Options{Renderer: asciiRenderer(), Now: func() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) }})
	m.Update(src.frame)
	return m, src
}

// TestViewGolden renders the explorer at three sizes with the ASCII profile.
func TestViewGolden(t *testing.T) {
	for _, sz := range [][2]int{{60, 20}, {80, 24}, {120, 40}, {200, 60}} {
		t.Run(itoa(sz[0])+"x"+itoa(sz[1]), func(t *testing.T) {
			m, _ := newTestModel(t)
			m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			v := m.View()
			lines := strings.Split(v, "\n")
			if len(lines) != sz[1] {
				t.Errorf("%dx%d: %d lines", sz[0], sz[1], len(lines))
			}
			for i, l := range lines {
				if w := lipgloss.Width(l); w > sz[0] {
					t.Errorf("%dx%d: line %d is %d wide", sz[0], sz[1], i, w)
				}
			}
			golden.RequireEqual(t, []byte(v))
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestHelpOverlayListsEveryKey opens help and checks every binding is listed.
func TestHelpOverlayListsEveryKey(t *testing.T) {
	m, _ := newTestModel(t)
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("?")})
	v := m.View()
	for _, row := range m.keys.FullHelp() {
		for _, b := range row {
			if !strings.Contains(v, b.Help().Desc) {
				t.Errorf("help lacks %q", b.Help().Desc)
			}
		}
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")})
	if m.helpOn {
		t.Error("a key did not close help")
	}
}

// exportKey presses e and runs the export it starts, as the program would.
func exportKey(m *Model) {
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("e")})
	if cmd != nil {
		if d, ok := cmd().(exportDone); ok {
			m.Update(d)
		}
	}
}

func press(m *Model, k string) {
	switch k {
	case "space":
		m.Update(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune(" ")})
	case "enter":
		m.Update(tea.KeyMsg{Type: tea.KeyEnter})
	case "tab":
		m.Update(tea.KeyMsg{Type: tea.KeyTab})
	case "esc":
		m.Update(tea.KeyMsg{Type: tea.KeyEsc})
	default:
		m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
	}
}

// TestKeysChangeParameters sends every parameter key through Update.
func TestKeysChangeParameters(t *testing.T) {
	cases := []struct {
		key   string
		check func(a, b sim.Params) bool
	}{
		{"n", func(a, b sim.Params) bool { return b.Schedule != a.Schedule }},
		{"N", func(a, b sim.Params) bool { return b.Schedule != a.Schedule }},
		{"d", func(a, b sim.Params) bool { return b.Data != a.Data }},
		{"D", func(a, b sim.Params) bool { return b.Data != a.Data }},
		{"S", func(a, b sim.Params) bool {
			return b.SketchSize() == a.SketchSize()+1 && b.Probes >= 2*b.SketchSize()+1
		}},
		{"s", func(a, b sim.Params) bool { return b.SketchSize() == a.SketchSize()-1 }},
		{"P", func(a, b sim.Params) bool { return b.Probes == a.Probes+1 }},
		{"p", func(a, b sim.Params) bool { return b.Probes == a.Probes-1 }},
		{"R", func(a, b sim.Params) bool { return b.Refresh == 2 }},
		{"r", func(a, b sim.Params) bool { return b.Refresh == 1 }},
		{"M", func(a, b sim.Params) bool { return b.Dim == 3 }},
		{"m", func(a, b sim.Params) bool { return b.Dim == 2 }},
		{"B", func(a, b sim.Params) bool { return b.Particles == 2*a.Particles }},
		{"b", func(a, b sim.Params) bool { return b.Particles == a.Particles/2 }},
		{"T", func(a, b sim.Params) bool { return b.Steps == 50 }},
		{"t", func(a, b sim.Params) bool { return b.Steps == 20 }},
		{"o", func(a, b sim.Params) bool { return b.Solver == model.Euler && b.Jacobian == sim.JacobianEuler }},
		{"g", func(a, b sim.Params) bool { return b.Probe == model.Gaussian }},
		{"x", func(a, b sim.Params) bool { return len(b.Estimators) == 1 && b.Estimators[0] == sim.Hutchinson }},
		{"j", func(a, b sim.Params) bool { return b.Jacobian != a.Jacobian }},
		{"c", func(a, b sim.Params) bool { return b.Target == sim.TargetCov }},
		{"a", func(a, b sim.Params) bool { return b.AmbientNoise == 0.01 }},
		{"z", func(a, b sim.Params) bool { return b.Seed == a.Seed+1 }},
		{"k", func(a, b sim.Params) bool { return b.Backend == sim.BackendCPU }},
		{"v", func(a, b sim.Params) bool { return b.Particles != a.Particles || b.Data != a.Data }},
	}
	for _, c := range cases {
		m, src := newTestModel(t)
		before := m.params
		press(m, c.key)
		if !c.check(before, m.params) {
			t.Errorf("key %q: params %+v", c.key, m.params)
			continue
		}
		// Requests coalesce (the initial one may be replaced by the key's):
		// what matters is that the last restart applied carries the new params.
		waitFor(t, func() bool { return src.count() >= 1 && fingerprint(*src.lastRestart()) == fingerprint(m.params) })
	}
}

// TestGlobalKeys: pause, step, trails, log, tab, pace, loop, restart, export.
func TestGlobalKeys(t *testing.T) {
	m, src := newTestModel(t)
	press(m, "space")
	if !src.paused || !strings.Contains(m.View(), "paused") && !strings.Contains(m.View(), "done") {
		t.Error("space did not pause")
	}
	press(m, ".")
	if src.steps != 1 {
		t.Error(". did not step")
	}
	press(m, "l")
	if m.logY {
		t.Error("l did not switch to linear")
	}
	press(m, "w")
	if m.trails {
		t.Error("w did not turn trails off")
	}
	press(m, "tab")
	if m.focus != 1 {
		t.Error("tab did not move the focus")
	}
	pace := src.pace
	press(m, "]")
	if src.pace <= pace {
		t.Error("] did not slow down")
	}
	press(m, "[")
	press(m, "y")
	if !m.loop {
		t.Error("y did not turn looping on")
	}
	n := src.count()
	press(m, "0")
	waitFor(t, func() bool { return src.count() > n })
	dir := t.TempDir()
	m.opt.ExportDir = dir
	exportKey(m)
	if !strings.Contains(m.msg, "exported") || m.msgErr {
		t.Fatalf("export: %q", m.msg)
	}
	for _, suffix := range []string{".json", ".csv", "-particles.png", "-series.png"} {
		if _, err := os.Stat(filepath.Join(dir, "fisherscope-20261123-100000"+suffix)); err != nil {
			t.Errorf("export missing %s: %v", suffix, err)
		}
	}
}

// TestCommandLine types `probes 12`, a bad key, a bad value and a preset.
func TestCommandLine(t *testing.T) {
	m, _ := newTestModel(t)
	typeLine := func(s string) {
		press(m, ":")
		for _, r := range s {
			m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		}
		press(m, "enter")
	}
	typeLine("probes 12")
	if m.params.Probes != 12 || m.msgErr {
		t.Fatalf("probes 12: %d %q", m.params.Probes, m.msg)
	}
	typeLine("warp 9")
	if !m.msgErr || !strings.Contains(m.msg, "unknown parameter") {
		t.Errorf("bad key: %q", m.msg)
	}
	typeLine("particles -4")
	if !m.msgErr || !strings.Contains(m.msg, "particles") || m.params.Particles != testParams().Particles {
		t.Errorf("bad value: %q", m.msg)
	}
	typeLine("preset table3")
	if m.params.Jacobian != sim.JacobianScript {
		t.Errorf("preset table3 not applied: %+v", m.params)
	}
	// An invalid combination from a key is refused with the validation message.
	m.params.Solver, m.params.Jacobian = model.RK4, sim.JacobianRK4
	press(m, "j") // cycles to off: valid
	press(m, "p")
	press(m, ":")
	press(m, "esc")
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 5 s")
		}
		time.Sleep(time.Millisecond)
	}
}

// BenchmarkRender120x40 renders a full frame with 2,000 particles.
func BenchmarkRender120x40(b *testing.B) {
	p := testParams()
	p.Particles = 2000
	src := &fakeSource{frame: testFrame(b, p)}
	m := New(context.Background(), src, p, Options{Renderer: asciiRenderer()})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.render(true)
		_ = m.View()
	}
}

// TestIdlePausesThenQuits: a session without keys pauses after Idle and
// asks to quit after twice Idle; a key wakes it.
func TestIdlePausesThenQuits(t *testing.T) {
	m, src := newTestModel(t)
	m.opt.Idle = time.Minute
	t0 := time.Now()
	m.input0 = t0
	if m.idleCheck(t0.Add(30*time.Second)) || src.paused {
		t.Fatal("paused too early")
	}
	if m.idleCheck(t0.Add(61*time.Second)) || !src.paused || !strings.Contains(m.msg, "idle") {
		t.Fatalf("not paused after Idle: %q", m.msg)
	}
	press(m, "x")
	if src.paused || m.idle {
		t.Fatal("a key did not wake the session")
	}
	m.input0 = t0
	if !m.idleCheck(t0.Add(121 * time.Second)) {
		t.Fatal("no quit after 2×Idle")
	}
}

// TestBatchedKeysEachCount sends three key presses as one message, as a fast
// typist, auto-repeat or an SSH packet delivers them.
func TestBatchedKeysEachCount(t *testing.T) {
	m, _ := newTestModel(t)
	before := m.params
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("PPP")})
	if m.params.Probes != before.Probes+3 {
		t.Errorf("PPP: probes %d, want %d", m.params.Probes, before.Probes+3)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("zz")})
	if m.params.Seed != before.Seed+2 {
		t.Errorf("zz: seed %d, want %d", m.params.Seed, before.Seed+2)
	}
}

// TestRebindingChangesBehaviour rebinds probes+ and checks the old key no
// longer acts: parameter keys go through the key map, not raw strings.
func TestRebindingChangesBehaviour(t *testing.T) {
	m, _ := newTestModel(t)
	m.keys.ProbesUp = key.NewBinding(key.WithKeys("9"), key.WithHelp("9", "probes +"))
	before := m.params.Probes
	press(m, "P")
	if m.params.Probes != before {
		t.Errorf("P still changes probes after rebinding")
	}
	press(m, "9")
	if m.params.Probes != before+1 {
		t.Errorf("9: probes %d, want %d", m.params.Probes, before+1)
	}
}

// TestRefusedStepExplained checks a key at a limit changes nothing, restarts
// nothing and says why.
func TestRefusedStepExplained(t *testing.T) {
	m, src := newTestModel(t)
	waitFor(t, func() bool { return src.count() >= 1 })
	n := src.count()
	m.params.Dim = 2
	press(m, "m")
	if m.params.Dim != 2 || !m.msgErr || !strings.Contains(m.msg, "dim: already at the minimum") {
		t.Errorf("m at D=2: dim %d msg %q", m.params.Dim, m.msg)
	}
	time.Sleep(50 * time.Millisecond)
	if src.count() != n {
		t.Errorf("a refused key restarted the run")
	}
}

// TestTooSmall shows a clear note instead of a broken layout.
func TestTooSmall(t *testing.T) {
	for _, sz := range [][2]int{{39, 30}, {100, 11}, {20, 8}, {1, 1}} {
		m, _ := newTestModel(t)
		m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		v := m.View()
		lines := strings.Split(v, "\n")
		if len(lines) > sz[1] || !strings.HasPrefix(v, "terminal too small"[:min(sz[0], 18)]) {
			t.Errorf("%dx%d: %q", sz[0], sz[1], v)
		}
		for _, l := range lines {
			if lipgloss.Width(l) > sz[0] {
				t.Errorf("%dx%d: line %q too wide", sz[0], sz[1], l)
			}
		}
	}
}

// TestStatusLineKeepsHelpHint: the last line ends with "? help · q quit" at
// every width that lays out, and whole hints only.
func TestStatusLineKeepsHelpHint(t *testing.T) {
	for _, w := range []int{40, 60, 80, 120, 200} {
		m, _ := newTestModel(t)
		m.Update(tea.WindowSizeMsg{Width: w, Height: 30})
		lines := strings.Split(m.View(), "\n")
		last := lines[len(lines)-1]
		if !strings.HasSuffix(strings.TrimRight(last, " "), "? help · q quit") || lipgloss.Width(last) > w {
			t.Errorf("w=%d: last line %q", w, last)
		}
		if strings.Contains(last, "−/") && !strings.Contains(last, "−/+") {
			t.Errorf("w=%d: a hint cut mid-word: %q", w, last)
		}
	}
}

// TestMessagesExpireAndPresetsExplain: a status message clears itself; a
// sweep preset says it shows its first point.
func TestMessagesExpireAndPresetsExplain(t *testing.T) {
	m, _ := newTestModel(t)
	command(m, "preset qr-refresh")
	if !strings.Contains(m.msg, "preset qr-refresh") || !strings.Contains(m.msg, "each is pinned when done") {
		t.Errorf("sweep preset message: %q", m.msg)
	}
	m.expireMsg(time.Now().Add(msgLife + time.Second))
	if m.msg != "" {
		t.Errorf("message did not expire: %q", m.msg)
	}
	m.setMsg("boom", true)
	m.expireMsg(time.Now().Add(msgLife + time.Second))
	if m.msg == "" {
		t.Error("an error went away as fast as a note")
	}
}

// TestHelpFits: the help overlay fits every size the explorer lays out.
func TestHelpFits(t *testing.T) {
	for _, sz := range [][2]int{{60, 20}, {80, 24}, {120, 40}} {
		m, _ := newTestModel(t)
		m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		press(m, "?")
		lines := strings.Split(m.View(), "\n")
		if len(lines) != sz[1] {
			t.Errorf("%dx%d: %d lines", sz[0], sz[1], len(lines))
		}
		for _, l := range lines {
			if lipgloss.Width(l) > sz[0] {
				t.Errorf("%dx%d: line %q too wide", sz[0], sz[1], l)
				break
			}
		}
	}
}
