package tui

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"fisherscope/sim"
)

// newServedModel is the explorer as a served session sees it, on the real
// engine.
func newServedModel(t *testing.T, opt Options) (*Model, *sim.Engine) {
	t.Helper()
	eng := sim.NewEngine()
	t.Cleanup(eng.Stop)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	opt.Renderer, opt.Served = asciiRenderer(), true
	if opt.ExportDir == "" {
		opt.ExportDir = t.TempDir()
	}
	m := New(ctx, eng, testParams(), opt)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	return m, eng
}

func command(m *Model, line string) {
	press(m, ":")
	m.input.SetValue(line)
	press(m, "enter")
}

// TestServedSessionConfined: presets by path, files outside the data
// directory, and their contents never reach a served user.
func TestServedSessionConfined(t *testing.T) {
	files := fstest.MapFS{"pts.csv": {Data: []byte("0,0\n1,0\n0,1\n")}}
	m, _ := newServedModel(t, Options{Limits: sim.Limits{Files: files, MaxParticles: 4096}})
	waitFor(t, func() bool { m.onTick(time.Now()); return m.frame != nil })
	command(m, "preset /etc/os-release")
	if !m.msgErr || !strings.Contains(m.msg, "built-in presets only") {
		t.Errorf("preset by path: %q", m.msg)
	}
	command(m, "files")
	if !strings.Contains(m.msg, "pts.csv") {
		t.Errorf(":files: %q", m.msg)
	}
	command(m, "data file:/etc/passwd")
	waitFor(t, func() bool { m.onTick(time.Now()); return m.msgErr && strings.Contains(m.msg, "data directory") })
	if strings.Contains(m.msg, "root") || m.params.Data != "checkerboard" {
		t.Errorf("after a refused file: msg %q, data %q (want the previous run's)", m.msg, m.params.Data)
	}
	command(m, "particles 5000")
	waitFor(t, func() bool { m.onTick(time.Now()); return m.msgErr && strings.Contains(m.msg, "limit 4096") })
	if m.params.Particles == 5000 {
		t.Errorf("refused particles kept in the parameters")
	}
}

// TestExportQuota: exports stop at the quota and leave nothing behind.
func TestExportQuota(t *testing.T) {
	dir := t.TempDir()
	m, _ := newServedModel(t, Options{ExportDir: dir, ExportQuota: 1})
	waitFor(t, func() bool { m.onTick(time.Now()); return m.frame != nil })
	exportKey(m)
	if m.msgErr || strings.Contains(m.msg, dir) {
		t.Fatalf("first export: %q (must not show the server's directory)", m.msg)
	}
	n := countFiles(t, dir)
	for i := 0; i < 3; i++ {
		m.opt.Now = func() time.Time { return time.Unix(int64(1000+i), 0) }
		exportKey(m)
	}
	if !m.msgErr || !strings.Contains(m.msg, "quota") || countFiles(t, dir) != n {
		// the first export filled the 1-byte quota: nothing more is written
		t.Errorf("over quota: %q, %d files (was %d)", m.msg, countFiles(t, dir), n)
	}
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	e, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return len(e)
}

// TestKeyStorm sends 10,000 random keys, batched runes, resizes up to
// 5000×5000 and exports through the real engine: the explorer stays alive,
// its window stays clamped and the engine keeps producing frames.
func TestKeyStorm(t *testing.T) {
	dir := t.TempDir()
	m, eng := newServedModel(t, Options{ExportDir: dir, ExportQuota: 64 << 10,
		Limits: sim.Limits{MaxParticles: 512, MaxDim: 16, MaxProbes: 32, MaxRepeats: 8, MaxSteps: 200, MaxN: 2048}})
	var keys []string
	for _, b := range m.keys.paramKeys() {
		keys = append(keys, b.binding.Keys()...)
	}
	keys = append(keys, " ", ".", "0", "l", "w", "tab", "e", "v", "[", "]", "y", "?")
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 10000; i++ {
		switch x := r.IntN(100); {
		case x < 2:
			m.Update(tea.WindowSizeMsg{Width: r.IntN(5001), Height: r.IntN(5001)})
		case x < 10:
			m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(keys[r.IntN(len(keys))] + keys[r.IntN(len(keys))])})
		default:
			k := keys[r.IntN(len(keys))]
			if k == "e" {
				exportKey(m)
			} else if k == "tab" || k == " " {
				press(m, map[string]string{"tab": "tab", " ": "space"}[k])
			} else {
				m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
			}
		}
		if i%400 == 0 { // a tick now and then: frames and owed redraws
			m.onTick(time.Now())
			_ = m.View()
		}
		if m.w > maxWidth || m.h > maxHeight {
			t.Fatalf("window %dx%d not clamped", m.w, m.h)
		}
	}
	m.helpOn = false
	eng.SetPaused(false)
	m.apply(testParams())
	waitFor(t, func() bool {
		f := eng.Latest()
		return f != nil && f.Done && f.Err == "" && fingerprint(f.Params) == m.want
	})
	if _, err := os.Stat(filepath.Join(dir)); err != nil {
		t.Fatal(err)
	}
}

// TestBackendKeySkipsMissingGPU: without a GPU the k cycle goes auto → cpu
// → auto and says why gpu was skipped.
func TestBackendKeySkipsMissingGPU(t *testing.T) {
	m, eng := newServedModel(t, Options{})
	if eng.GPUUnavailable() == "" {
		t.Skip("a GPU is present")
	}
	seen := map[sim.Backend]bool{}
	for i := 0; i < 4; i++ {
		press(m, "k")
		seen[m.params.Backend] = true
	}
	if seen[sim.BackendGPU] || !seen[sim.BackendCPU] || !seen[sim.BackendAuto] {
		t.Errorf("backends offered: %v", seen)
	}
}
