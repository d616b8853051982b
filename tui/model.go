package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"fisherscope/export"
	"fisherscope/presets"
	"fisherscope/sim"
)

// Options configure a Model.
type Options struct {
	FPS       int                // redraws per second (default 30)
	Renderer  *lipgloss.Renderer // the output's renderer (a served session has its own)
	ExportDir string             // where `e` writes files (default ".")
	Now       func() time.Time   // clock for export names (default time.Now)
	Pace      time.Duration      // minimum time per engine step (default 30 ms; negative: none)
	Idle      time.Duration      // without a key for this long the run pauses, after twice this the program quits (0: never)
	Loop      bool               // restart with the next seed 2 s after a run ends
	// Limits are what the engine accepts (sizes, memory, where files are
	// read from); the source gets them if it has SetLimits.
	Limits sim.Limits
	// Served confines the session: only built-in presets, exports only to
	// ExportDir within ExportQuota bytes, `:files` lists Limits.Files.
	Served      bool
	ExportQuota int64  // bytes in ExportDir (0: no quota)
	ExportShown string // how a served session is shown ExportDir (e.g. exports/alice-1a2b…)
}

// Largest window the explorer lays out; a bigger terminal gets blank margins.
const (
	maxWidth  = 400
	maxHeight = 150
)

// tickMsg drives redraws.
type tickMsg time.Time

// Model is the explorer's root bubbletea model.
type Model struct {
	ctx              context.Context
	src              Source
	rs               *restarter
	opt              Options
	st               Styles
	keys             keyMap
	help             help.Model
	input            textinput.Model
	params           sim.Params // what the user asked for
	want             string     // fingerprint of params
	frame            *sim.Frame
	w, h             int
	msg              string
	msgErr           bool
	msgAt            time.Time // when msg was posted (messages clear themselves)
	appliedAt        time.Time // when the wanted parameters were last applied
	helpOn           bool
	typing           bool
	logY             bool
	trails           bool
	loop             bool
	doneAt           time.Time
	input0           time.Time // last key press (idle detection)
	idle             bool      // paused for idleness
	focus            int
	trail            [][]float64
	fps              float64
	drawn            int
	fpsFrom          time.Time
	presets          []string
	preset           int
	cmp              compare       // ghost and pinned runs
	board            bool          // the scoreboard replaces the particles
	zoom             bool          // the focused chart fills the screen
	nll              bool          // the second chart shows the NLL error (nats) instead of the trace error
	tour             tour          // the guided tour (step −1: not touring)
	scrub            int           // particles shown at History[scrub] (−1: live)
	exporting        bool          // an export is being written
	pausedBeforeIdle bool          // the run's state when idleness paused it
	sweeping         bool          // a sweep preset's points are running
	idleClosed       atomic.Bool   // the program quit because of idleness (read by serve after Run)
	queue            []presets.Run // sweep points still to run (each is pinned when done)
	queued           string        // label of the sweep point running now

	part          particlesPane
	charts        [3]seriesChart
	vPart, vStat  string
	vCharts       [3]string
	lastRendered  *sim.Frame
	renderedFlags string
	dirty         bool      // a redraw is owed (done by View or the next tick)
	drawnAt       time.Time // last redraw
	drawnW        int       // width and height of the last redraw
	drawnH        int
}

// invalidate owes a redraw. View pays it at once after a resize and at most
// once per frame interval otherwise (the next tick pays the rest), so that a
// storm of keys costs no more redraws than the frame rate.
func (m *Model) invalidate() { m.dirty = true }

// drawDue reports whether View should redraw now.
func (m *Model) drawDue(now time.Time) bool {
	return m.dirty && (m.w != m.drawnW || m.h != m.drawnH || now.Sub(m.drawnAt) >= time.Second/time.Duration(m.opt.FPS))
}

// New returns a model that runs p on src (which it restarts at once).
func New(ctx context.Context, src Source, p sim.Params, opt Options) *Model {
	if opt.FPS <= 0 {
		opt.FPS = 30
	}
	if opt.Renderer == nil {
		opt.Renderer = lipgloss.DefaultRenderer()
	}
	if opt.ExportDir == "" {
		opt.ExportDir = "."
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Pace == 0 {
		opt.Pace = 30 * time.Millisecond
	}
	src.SetPace(max(opt.Pace, 0))
	if l, ok := src.(interface{ SetLimits(sim.Limits) }); ok {
		l.SetLimits(opt.Limits)
	}
	in := textinput.New()
	in.Prompt = ":"
	in.Placeholder = "key value   (e.g. probes 12, schedule edm, preset table3; tab completes)"
	in.ShowSuggestions = true
	m := &Model{ctx: ctx, src: src, opt: opt, st: NewStyles(opt.Renderer), keys: defaultKeys(), help: help.New(),
		input: in, logY: true, trails: true, loop: opt.Loop, w: 120, h: 40}
	m.charts[0].title = "estimator variance vs t"
	m.charts[1].title = "trace error vs t (relative)"
	m.charts[2].title = "Fisher asymmetry of Φ vs t"
	m.charts[2].floor = asymRoundOff
	if list, err := presets.List(); err == nil {
		for _, i := range list {
			m.presets = append(m.presets, i.Name)
		}
	}
	m.input.SetSuggestions(commandSuggestions(m.presets))
	m.tour.step, m.scrub = -1, -1
	m.rs = newRestarter(ctx, src)
	m.apply(p)
	return m
}

// apply records p as wanted and asks for a restart.
func (m *Model) apply(p sim.Params) {
	m.params = p
	m.want = fingerprint(p)
	m.appliedAt = time.Now()
	m.scrub = -1
	m.trail = nil
	m.rs.request(p)
}

func fingerprint(p sim.Params) string { return p.Fingerprint() }

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd { return m.tick() }

func (m *Model) tick() tea.Cmd {
	return tea.Tick(time.Second/time.Duration(m.opt.FPS), func(t time.Time) tea.Msg { return tickMsg(t) })
}

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = min(max(msg.Width, 1), maxWidth), min(max(msg.Height, 1), maxHeight)
		m.invalidate()
		return m, nil
	case tickMsg:
		if m.idleCheck(time.Time(msg)) {
			return m, tea.Quit
		}
		m.onTick(time.Time(msg))
		return m, m.tick()
	case *sim.Frame:
		m.frame = msg
		m.invalidate()
		return m, nil
	case tea.KeyMsg:
		return m.onKey(msg)
	case tea.MouseMsg:
		m.onMouse(msg)
	case exportDone:
		m.onExportDone(msg)
	}
	return m, nil
}

// onTick reads the newest frame and redraws only if it changed.
func (m *Model) onTick(now time.Time) {
	if err, good := m.rs.err(); err != nil {
		// The engine refused the request and the previous run goes on: show
		// its parameters again, not the refused ones.
		if good == nil && m.frame != nil {
			good = &m.frame.Params
		}
		if good != nil {
			m.params, m.want = *good, fingerprint(*good)
		}
		m.setMsg(err.Error()+" (the previous run goes on)", true)
		if m.sweeping {
			m.skipSweepPoint(err.Error())
		}
	}
	f := m.src.Latest()
	if f != m.frame {
		if m.frame != nil && f != nil && m.trails && fingerprint(f.Params) == fingerprint(m.frame.Params) && len(f.Rows) != len(m.frame.Rows) {
			m.trail = append(m.trail, m.frame.Positions)
			if len(m.trail) > 4 {
				m.trail = m.trail[1:]
			}
		}
		m.cmp.remember(m.frame, f)
		m.frame = f
		m.render(false)
		m.drawn++
	} else if m.dirty {
		m.render(true)
	}
	m.maybeLoop(now)
	m.advanceSweep()
	m.expireMsg(now)
	if m.fpsFrom.IsZero() {
		m.fpsFrom = now
	}
	if d := now.Sub(m.fpsFrom); d >= time.Second {
		m.fps = float64(m.drawn) / d.Seconds()
		m.drawn, m.fpsFrom = 0, now
		m.vStat = m.status()
	}
}

// maybeLoop restarts with the next seed 2 s after a run ends, when looping.
func (m *Model) maybeLoop(now time.Time) {
	f := m.frame
	if !m.loop || f == nil || !f.Done || f.Err != "" || fingerprint(f.Params) != m.want {
		m.doneAt = time.Time{}
		return
	}
	if m.doneAt.IsZero() {
		m.doneAt = now
	}
	if now.Sub(m.doneAt) >= 2*time.Second {
		p := m.params
		p.Seed++
		m.apply(p)
		m.doneAt = time.Time{}
	}
}

func (m *Model) setMsg(s string, isErr bool) {
	m.msg, m.msgErr, m.msgAt = s, isErr, time.Now()
	m.vStat = m.status()
}

// idleCheck pauses an idle session and reports when it should close.
func (m *Model) idleCheck(now time.Time) bool {
	if m.opt.Idle <= 0 {
		return false
	}
	if m.input0.IsZero() {
		m.input0 = now
	}
	quiet := now.Sub(m.input0)
	if quiet >= 2*m.opt.Idle {
		m.idleClosed.Store(true)
		return true
	}
	if quiet >= m.opt.Idle && !m.idle {
		m.idle, m.pausedBeforeIdle = true, m.src.Paused()
		m.src.SetPaused(true)
		m.setMsg(fmt.Sprintf("idle for %v: paused; press any key within %v or the session closes", m.opt.Idle, m.opt.Idle), true)
	}
	return false
}

// onKey handles a key: command line, global keys, then parameter keys. Keys
// that arrive together (auto-repeat, fast typing, SSH packets) come as one
// message with several runes: outside the command line each counts.
func (m *Model) onKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	if k.Paste && !m.typing { // pasted text is not a storm of keys
		m.setMsg("paste ignored: press : to type a command", true)
		return m, nil
	}
	if k.Type == tea.KeyRunes && len(k.Runes) > 1 && !m.typing {
		var cmds []tea.Cmd
		for _, r := range k.Runes {
			one := k
			one.Runes, one.Paste = []rune{r}, false
			_, cmd := m.onKey(one)
			cmds = append(cmds, cmd)
		}
		return m, tea.Batch(cmds...)
	}
	m.input0 = time.Now()
	if m.idle {
		m.idle = false
		m.src.SetPaused(m.pausedBeforeIdle)
		m.setMsg("welcome back", false)
		return m, nil
	}
	if m.typing {
		return m.onCommandKey(k)
	}
	if m.helpOn && !key.Matches(k, m.keys.Quit) {
		m.helpOn = false
		return m, nil
	}
	if m.touring() {
		switch k.Type {
		case tea.KeyEnter:
			m.tourNext()
			return m, nil
		case tea.KeyEsc:
			m.endTour("tour ended")
			m.invalidate()
			return m, nil
		}
	}
	switch {
	case key.Matches(k, m.keys.Quit):
		return m, tea.Quit
	case key.Matches(k, m.keys.Help):
		m.helpOn = true
	case key.Matches(k, m.keys.Pause):
		m.src.SetPaused(!m.src.Paused())
		m.vStat = m.status()
	case key.Matches(k, m.keys.Step):
		m.src.SetPaused(true)
		m.src.StepOnce()
	case key.Matches(k, m.keys.Restart):
		m.apply(m.params)
		m.setMsg("restarted", false)
	case key.Matches(k, m.keys.Command):
		m.typing = true
		m.input.SetValue("")
		return m, m.input.Focus()
	case key.Matches(k, m.keys.Export):
		return m, m.export()
	case key.Matches(k, m.keys.Log):
		m.logY = !m.logY
		m.setMsg(map[bool]string{true: "y axes: log", false: "y axes: linear"}[m.logY], false)
		m.invalidate()
	case key.Matches(k, m.keys.Trails):
		m.trails, m.trail = !m.trails, nil
		m.setMsg("trails: "+onOff(m.trails), false)
		m.invalidate()
	case key.Matches(k, m.keys.Tab):
		m.focus = (m.focus + 1) % 3
		m.setMsg("focus: "+m.charts[m.focus].title, false)
		m.invalidate()
	case key.Matches(k, m.keys.Preset):
		m.loadPreset("")
	case key.Matches(k, m.keys.Faster), key.Matches(k, m.keys.Slower):
		d := m.src.Pace()
		if key.Matches(k, m.keys.Faster) {
			d /= 2
			if d < time.Millisecond {
				d = 0
			}
		} else {
			d = min(max(2*d, 5*time.Millisecond), time.Second)
		}
		m.src.SetPace(d)
		m.setMsg(fmt.Sprintf("pace %v per step", d), false)
	case key.Matches(k, m.keys.Loop):
		m.loop = !m.loop
		m.setMsg(fmt.Sprintf("loop %v", m.loop), false)
	case key.Matches(k, m.keys.NLL):
		m.nll = !m.nll
		m.charts[1].title = map[bool]string{false: "trace error vs t (relative)", true: "NLL error vs t (nats, |ℓ − log q|)"}[m.nll]
		m.setMsg("second chart: "+m.charts[1].title, false)
		m.invalidate()
	case key.Matches(k, m.keys.Zoom):
		m.zoom = !m.zoom
		m.setMsg("zoom: "+onOff(m.zoom)+" (tab: next chart)", false)
		m.invalidate()
	case key.Matches(k, m.keys.Ghost, m.keys.Pin, m.keys.Unpin, m.keys.Lock, m.keys.Board):
		m.compareKey(k)
	default:
		if pk, ok := m.keys.matchParam(k); ok {
			m.changeParam(pk)
		}
	}
	return m, nil
}

// changeParam moves one parameter a step as the table says; a step the rules
// refuse (or a limit) changes nothing and says why in the status line.
func (m *Model) changeParam(pk paramKey) {
	p, err := m.params.Step(pk.param, pk.dir)
	note := ""
	if err == nil && p.Backend == sim.BackendGPU && m.params.Backend != sim.BackendGPU {
		if why := m.gpuUnavailable(); why != "" { // the machine, not the rules, refuses it
			note = " (gpu skipped: " + why + ")"
			p, err = p.Step(pk.param, pk.dir)
		}
	}
	if err != nil {
		m.setMsg(err.Error(), true)
		return
	}
	m.apply(p)
	v, _ := p.Get(pk.param)
	m.setMsg(pk.param+" = "+v+note, false)
}

// gpuUnavailable says why the source cannot run backend=gpu ("" if it can,
// or if the source cannot tell).
func (m *Model) gpuUnavailable() string {
	if g, ok := m.src.(interface{ GPUUnavailable() string }); ok {
		return g.GPUUnavailable()
	}
	return ""
}

func (m *Model) onCommandKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch k.Type {
	case tea.KeyEsc:
		m.typing = false
		m.input.Blur()
		return m, nil
	case tea.KeyEnter:
		m.typing = false
		m.input.Blur()
		m.runCommand(m.input.Value())
		return m, nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(k)
	return m, cmd
}

// runCommand executes "key value" (or "files") from the command line.
func (m *Model) runCommand(line string) {
	switch strings.TrimSpace(line) {
	case "files":
		m.listFiles()
		return
	case "tour":
		m.startTour()
		return
	}
	k, v, ok := parseCommand(line)
	if !ok {
		m.setMsg(fmt.Sprintf("command %q: want `key value` (keys: %s, preset; or files, tour)", strings.TrimSpace(line), strings.Join(sim.KeyNames(), ", ")), true)
		return
	}
	if k == "preset" {
		m.loadPreset(v)
		return
	}
	p := m.params
	if err := p.Set(k, v); err != nil {
		m.setMsg(err.Error(), true)
		return
	}
	if err := p.Validate(); err != nil {
		m.setMsg(err.Error(), true)
		return
	}
	m.apply(p)
	m.setMsg(k+" = "+v, false)
}

// loadPreset switches to the named preset (the next one when name is "").
func (m *Model) loadPreset(name string) {
	if name == "" && len(m.presets) > 0 {
		m.preset = (m.preset + 1) % len(m.presets)
		name = m.presets[m.preset]
	}
	if m.opt.Served && presets.IsPath(name) {
		m.setMsg("preset: a served session loads built-in presets only (allowed: "+strings.Join(m.presets, ", ")+")", true)
		return
	}
	pr, err := presets.Load(name)
	if err != nil {
		m.setMsg(err.Error(), true)
		return
	}
	runs := pr.Runs()
	m.queue, m.queued, m.sweeping = nil, runs[0].Label, len(runs) > 1
	if m.sweeping { // every point runs in turn and is pinned
		m.cmp.pins = nil
		m.queue = runs[1:min(len(runs), maxPins+1)]
	}
	m.apply(runs[0].Params)
	m.setMsg(presetNote(pr, len(runs)), false)
}

// export starts writing the current frame into the export directory (one
// export at a time, within the quota); exportDone reports the outcome.
func (m *Model) export() tea.Cmd {
	switch {
	case m.frame == nil:
		m.setMsg("export: no frame yet", true)
		return nil
	case m.exporting:
		m.setMsg("export: one is already being written", true)
		return nil
	}
	if err := m.checkQuota(); err != nil {
		m.setMsg(err.Error(), true)
		return nil
	}
	m.exporting = true
	m.setMsg("exporting…", false)
	f, opt, base := m.frame, m.opt, uniqueBase(m.opt.ExportDir, "fisherscope-"+m.opt.Now().Format("20060102-150405"))
	return func() tea.Msg { return writeExport(f, opt, base) }
}

// exportDone reports a finished export.
type exportDone struct {
	paths []string
	err   error
}

// writeExport writes frame f under opt.ExportDir (off the event loop: a
// large frame's PNGs take a while) and says what was written.
func writeExport(f *sim.Frame, opt Options, name string) exportDone {
	if err := os.MkdirAll(opt.ExportDir, 0o700); err != nil {
		return exportDone{err: errors.New("export: cannot create the export directory")}
	}
	paths, err := export.Frame(filepath.Join(opt.ExportDir, name), f)
	if err != nil {
		if opt.Served { // the server's own directories are not the client's business
			return exportDone{err: errors.New(strings.ReplaceAll(err.Error(), opt.ExportDir, opt.ExportShown))}
		}
		return exportDone{err: err}
	}
	if opt.Served {
		for i, p := range paths { // the server's own directories are not the client's business
			paths[i] = filepath.Join(opt.ExportShown, filepath.Base(p))
		}
	}
	return exportDone{paths: paths}
}

// onExportDone shows an export's outcome.
func (m *Model) onExportDone(d exportDone) {
	m.exporting = false
	if d.err != nil {
		m.setMsg(d.err.Error(), true)
		return
	}
	m.setMsg("exported "+strings.Join(d.paths, ", "), false)
}

// checkQuota refuses an export when the export directory holds ExportQuota
// bytes or more.
func (m *Model) checkQuota() error {
	if m.opt.ExportQuota <= 0 {
		return nil
	}
	var used int64
	entries, err := os.ReadDir(m.opt.ExportDir)
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("export: cannot read the export directory")
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() {
			used += info.Size()
		}
	}
	if used >= m.opt.ExportQuota {
		return fmt.Errorf("export: quota reached (%s of %s used)", sim.FormatBytes(used), sim.FormatBytes(m.opt.ExportQuota))
	}
	return nil
}

// listFiles shows the data files a served session may name with file:.
func (m *Model) listFiles() {
	if m.opt.Limits.Files == nil {
		m.setMsg("files: data=file:PATH reads any local file", false)
		return
	}
	l, err := sim.DataFiles(m.opt.Limits.Files)
	if err != nil || len(l) == 0 {
		m.setMsg("files: the data directory is empty", false)
		return
	}
	m.setMsg("files (use data file:NAME): "+strings.Join(l, ", "), false)
}

// How long a status message stays: errors longer, so they can be read.
const (
	msgLife    = 4 * time.Second
	errMsgLife = 10 * time.Second
)

// expireMsg clears a status message that has been shown long enough.
func (m *Model) expireMsg(now time.Time) {
	life := msgLife
	if m.msgErr {
		life = errMsgLife
	}
	if m.msg != "" && !m.idle && now.Sub(m.msgAt) >= life {
		m.setMsg("", false)
	}
}

// presetNote describes a loaded preset in one line: its name, the first
// sentence of its description, and for a sweep what the explorer shows.
func presetNote(pr *presets.Preset, runs int) string {
	desc, _, _ := strings.Cut(strings.Join(strings.Fields(pr.Description), " "), ". ")
	note := "preset " + pr.Name
	if desc != "" {
		note += ": " + strings.TrimSuffix(desc, ".")
	}
	if runs > 1 {
		var keys []string
		for _, ax := range pr.Sweep {
			keys = append(keys, ax.Key)
		}
		note += fmt.Sprintf(" · a sweep of %d runs over %s: each is pinned when done", runs, strings.Join(keys, "×"))
		if runs > maxPins+1 {
			note += fmt.Sprintf(" (the first %d here; `fisherscope run --preset %s` runs all)", maxPins+1, pr.Name)
		}
	}
	return note
}

// asymRoundOff is the asymmetry that float64 round-off alone produces in Φ
// over a run (about 1e3 ulps): below it "asymmetric" means nothing.
const asymRoundOff = 1e-13

// compareKey handles the keys that compare runs.
func (m *Model) compareKey(k tea.KeyMsg) {
	switch {
	case key.Matches(k, m.keys.Ghost):
		m.cmp.ghostOn = !m.cmp.ghostOn
		m.setMsg("previous run as ghost: "+onOff(m.cmp.ghostOn), false)
	case key.Matches(k, m.keys.Pin):
		if m.frame == nil || len(m.frame.Rows) == 0 {
			m.setMsg("pin: no data yet", true)
			return
		}
		m.cmp.pin(diffLabel(m.frame.Params, m.params), m.frame)
		m.setMsg(fmt.Sprintf("pinned as #%d (U clears)", len(m.cmp.pins)), false)
	case key.Matches(k, m.keys.Unpin):
		m.cmp.pins, m.queue, m.sweeping = nil, nil, false
		m.setMsg("pins cleared", false)
	case key.Matches(k, m.keys.Lock):
		on := !m.charts[0].locked
		ss := m.seriesAll()
		for i := range m.charts {
			m.charts[i].log = m.logY // charts not drawn yet on a small screen
			m.charts[i].lock(on, ss[i])
		}
		m.setMsg("y axes locked: "+onOff(on), false)
	case key.Matches(k, m.keys.Board):
		m.board = !m.board
		m.setMsg("scoreboard: "+onOff(m.board), false)
	}
	m.invalidate()
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// advanceSweep pins a finished sweep point under its label and starts the
// next one.
func (m *Model) advanceSweep() {
	f := m.frame
	if !m.sweeping || f == nil || !f.Done || fingerprint(f.Params) != m.want {
		return
	}
	if f.Err != "" {
		m.skipSweepPoint(f.Err)
		return
	}
	if len(m.queue) == 0 {
		m.sweeping = false // the last point is the current run
		return
	}
	m.cmp.pin(m.queued, f)
	next := m.queue[0]
	m.queue, m.queued = m.queue[1:], next.Label
	m.apply(next.Params)
	m.setMsg(fmt.Sprintf("sweep: %s (%d more)", next.Label, len(m.queue)), false)
}

// onMouse zooms the chart under a left click, or back out; the wheel moves
// the focus between charts.
func (m *Model) onMouse(e tea.MouseMsg) {
	if e.Action != tea.MouseActionPress {
		return
	}
	switch e.Button {
	case tea.MouseButtonLeft:
		if m.zoom {
			m.zoom = false
		} else if i, ok := m.chartAt(e.X, e.Y); ok {
			m.focus, m.zoom = i, true
		} else if x, y, ok := m.part.planeAt(e.X-1, e.Y-1); ok && !m.board { // −1: the pane's border
			m.setGoal(x, y)
		}
	case tea.MouseButtonWheelUp:
		m.scrubBy(-1)
	case tea.MouseButtonWheelDown:
		m.scrubBy(+1)
	default:
		return
	}
	m.input0 = time.Now()
	m.invalidate()
}

// chartAt returns the chart drawn at cell (x, y), if any.
func (m *Model) chartAt(x, y int) (int, bool) {
	bodyH := max(m.h-m.statusHeight(), 6)
	leftW := m.w / 2
	if m.large() {
		leftW = m.w * 45 / 100
	}
	if x < leftW || y >= bodyH {
		return 0, false
	}
	if !m.large() {
		return m.focus, true
	}
	return min(y/(bodyH/3), 2), true
}

// scrubBy moves the particles' time by dir snapshots (−1: earlier, towards
// T; +1: later); past the newest it is live again.
func (m *Model) scrubBy(dir int) {
	if m.frame == nil || len(m.frame.History) == 0 {
		return
	}
	n := len(m.frame.History)
	i := m.scrub
	if i < 0 {
		i = n
	}
	i = max(i+dir, 0)
	if i >= n {
		m.scrub = -1
		m.setMsg("particles: live", false)
		return
	}
	m.scrub = i
	m.setMsg(fmt.Sprintf("particles at t=%s (wheel down: later, past the end: live)", fmtNum(m.frame.History[i].T)), false)
}

// uniqueBase returns name, or name-2, name-3, … when an export of that name
// exists already (two exports in one second must not overwrite each other).
func uniqueBase(dir, name string) string {
	base := name
	for i := 2; i < 1000; i++ {
		if _, err := os.Stat(filepath.Join(dir, base+".json")); os.IsNotExist(err) {
			return base
		}
		base = fmt.Sprintf("%s-%d", name, i)
	}
	return base
}

// skipSweepPoint drops the sweep point that was refused or failed (it is
// not pinned) and starts the next one.
func (m *Model) skipSweepPoint(why string) {
	msg := "sweep: " + m.queued + " skipped: " + why
	if len(m.queue) == 0 {
		m.sweeping = false
		m.setMsg(msg, true)
		return
	}
	next := m.queue[0]
	m.queue, m.queued = m.queue[1:], next.Label
	m.apply(next.Params)
	m.setMsg(msg+" · next: "+next.Label, true)
}

// setGoal moves the guidance goal to (x, y) in the data plane (turning
// guidance on if it was off) and restarts.
func (m *Model) setGoal(x, y float64) {
	p := m.params
	if err := p.Set("goal", fmt.Sprintf("%.4g,%.4g", x, y)); err != nil {
		m.setMsg(err.Error(), true)
		return
	}
	if p.Guide == 0 {
		p.Guide = 0.5
	}
	if err := p.Validate(); err != nil {
		m.setMsg(err.Error(), true)
		return
	}
	m.apply(p)
	m.setMsg(fmt.Sprintf("goal (%.3g, %.3g), guidance %g", x, y, p.Guide), false)
}

// IdleClosed reports whether the explorer quit because it was idle for twice
// Options.Idle. Safe to call from any goroutine.
func (m *Model) IdleClosed() bool { return m.idleClosed.Load() }
