package tui

import (
	"fmt"
	"github.com/charmbracelet/bubbles/key"
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"

	"fisherscope/sim"
)

// statusHeight is the number of lines under the panes: the status lines
// and the message (or help) line.
func (m *Model) statusHeight() int {
	return len(statusLines(m.st, m.w, m.params, m.frame, "", 0)) + 1 + len(m.captionLines())
}

// captionLines is the tour's caption wrapped to the width (at most 3 lines).
func (m *Model) captionLines() []string {
	if !m.touring() {
		return nil
	}
	l := strings.Split(lipgloss.NewStyle().Width(m.w).Render(m.tourCaption()), "\n")
	room := 3 // at most; fewer on short terminals, so the panes keep their minimum
	switch {
	case m.h < 16:
		room = 1
	case m.h < 24:
		room = 2
	}
	if len(l) > room {
		l = l[:room]
		l[room-1] = truncate(l[room-1], max(m.w-2, 0)) + "…"
	}
	return l
}

// minStackedBody is the body height three stacked charts need to plot
// (8, 8 and 9 rows: border, title, legend, four plot rows; a footer on the last).
const minStackedBody = 25

// large reports whether all four panes fit: 100 columns, 30 rows, and
// enough body under them (a tour caption takes rows) for three charts that
// plot. Otherwise the focused chart is shown alone.
func (m *Model) large() bool {
	return m.w >= 100 && m.h >= 30 && m.h-m.statusHeight() >= minStackedBody
}

// render recomputes the cached pane strings (all when force is set, else
// only if the frame or the size changed).
func (m *Model) render(force bool) {
	flags := fmt.Sprint(m.logY, m.trails, m.focus, m.zoom, m.w, m.h)
	if !force && m.frame == m.lastRendered && flags == m.renderedFlags {
		return
	}
	m.lastRendered, m.renderedFlags = m.frame, flags
	m.dirty, m.drawnAt, m.drawnW, m.drawnH = false, time.Now(), m.w, m.h
	bodyH := max(m.h-m.statusHeight(), 6)
	if m.zoom { // one chart takes the whole body
		m.vPart = ""
		m.vCharts[m.focus] = m.renderChart(m.focus, m.w, bodyH, m.seriesAll()[m.focus])
		m.vStat = m.status()
		return
	}
	leftW := m.w / 2
	if m.large() {
		leftW = m.w * 45 / 100
	}
	rightW := m.w - leftW
	m.part.SetSize(leftW-2, bodyH-2)
	if m.board {
		board := m.st.Title.Render("scoreboard (i: particles)") + "\n" + scoreboard(m.frame, m.cmp.pins, leftW-2)
		m.vPart = m.st.Pane.Render(fit(board, leftW-2, bodyH-2))
	} else {
		m.vPart = m.st.Pane.Render(m.part.render(m.st, m.shownFrame(), m.trail))
	}
	m.vPart = fit(m.vPart, leftW, bodyH)
	ss := m.seriesAll()
	if m.large() {
		h := bodyH / 3
		for i := range m.charts {
			ch := h
			if i == 2 {
				ch = bodyH - 2*h
			}
			m.vCharts[i] = m.renderChart(i, rightW, ch, ss[i])
		}
	} else {
		m.vCharts[m.focus] = m.renderChart(m.focus, rightW, bodyH, ss[m.focus])
	}
	m.vStat = m.status()
}

func (m *Model) renderChart(i, w, h int, s []series) string {
	c := &m.charts[i]
	c.SetSize(w-2, h-2)
	c.log = m.logY
	if i == 2 {
		c.footer = m.verdict()
		c.title = "Fisher asymmetry of Φ vs t"
		c.empty = ""
		if f := m.frame; f != nil && f.Params.Jacobian == sim.JacobianOff && f.Params.Guide == 0 {
			c.empty = "nothing to show: Φ is not integrated (jacobian off)"
		}
		if f := m.frame; f != nil && f.Params.Guide > 0 {
			c.title = "guidance vs t: DF-EA adjoint error, predicted loss"
			if f.Params.Jacobian != sim.JacobianOff {
				c.title += "; Φ asymmetry"
			}
		}
	}
	var grid []float64
	if m.frame != nil && !(len(m.frame.Rows) == 0 && m.frame.Train != nil) { // no t axis while training
		grid = m.frame.Grid
	}
	return fit(m.st.Pane.Render(c.render(m.st, s, grid)), w, h)
}

// fit pads or cuts a block to exactly w×h cells.
func fit(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	for i, l := range lines {
		switch lw := lipgloss.Width(l); {
		case lw < w:
			lines[i] = l + strings.Repeat(" ", w-lw)
		case lw > w:
			lines[i] = truncate(l, w)
		}
	}
	return strings.Join(lines, "\n")
}

// seriesAll returns the three charts' series: the overlays (ghost and
// pinned runs, mapped onto the current grid by t) and the current run.
func (m *Model) seriesAll() [3][]series {
	out := seriesOf(m.frame, m.nll)
	if m.frame == nil {
		return out
	}
	grid := m.frame.Grid
	add := func(o [3][]series) {
		for c := range out {
			out[c] = append(out[c], o[c]...)
		}
	}
	if g := m.cmp.ghost; m.cmp.ghostOn && g != nil {
		glyph := rune(0)
		if m.st.ascii {
			glyph = '.'
		}
		add(overlaySeries(g, grid, "prev", m.st.Muted.Faint(true), glyph, m.nll))
	}
	for i, p := range m.cmp.pins {
		glyph := rune(0)
		if m.st.ascii {
			glyph = rune('1' + i)
		}
		add(overlaySeries(p.frame, grid, fmt.Sprintf("#%d", i+1), m.st.seriesStyle(len(m.st.Series)-1-i%len(m.st.Series)).Faint(true), glyph, m.nll))
	}
	return out
}

// seriesOf extracts the three charts' series from a frame's rows (before
// the first row, a network's training loss goes on the first chart; with
// nll the second chart shows the likelihood's error in nats instead of the
// trace's relative error).
func seriesOf(f *sim.Frame, nll bool) [3][]series {
	var out [3][]series
	if f == nil {
		return out
	}
	if len(f.Rows) == 0 && f.Train != nil {
		out[0] = []series{{name: "training loss: " + f.Train.Net + " net", y: f.Train.Loss}}
		return out
	}
	col := func(get func(sim.Row) float64) []float64 {
		y := make([]float64, len(f.Rows))
		for i, r := range f.Rows {
			y[i] = get(r)
		}
		return y
	}
	for e, est := range f.Params.Estimators {
		label := fmt.Sprintf("%s m=%d", est, f.Params.Probes)
		if est == sim.HutchPP {
			label = fmt.Sprintf("hutch++ m=%d k=%d q=%d", f.Params.Probes, f.Params.SketchSize(), f.Params.Refresh)
		}
		out[0] = append(out[0], series{name: label, y: col(func(r sim.Row) float64 { return r.Est[e].Variance.Mean })})
		out[1] = append(out[1], series{name: label, y: col(func(r sim.Row) float64 { return r.Est[e].RelErr.Mean })})
	}
	if nll {
		out[1] = []series{{name: "|ΔNLL| exact trace", y: col(func(r sim.Row) float64 { return r.NLLErr.Mean })}}
		for e, est := range f.Params.Estimators {
			out[1] = append(out[1], series{name: "|ΔNLL| " + est.String(), y: col(func(r sim.Row) float64 { return r.Est[e].NLLErr.Mean })})
		}
	} else if f.Params.DFEA > 0 {
		out[1] = append(out[1], series{name: "DF-EA ‖F−F_EA‖/‖F‖", y: col(func(r sim.Row) float64 { return r.DFEA.Mean })})
	}
	if f.Params.Guide > 0 {
		out[2] = append(out[2],
			series{name: "guidance: DF-EA adjoint error", y: col(func(r sim.Row) float64 { return r.GuideErr.Mean })},
			series{name: "VJP (learned) adjoint error", y: col(func(r sim.Row) float64 { return r.GuideErrVJP.Mean })},
			series{name: "DF-EA (learned x_θ) adjoint error", y: col(func(r sim.Row) float64 { return r.GuideErrEAL.Mean })},
			series{name: "guidance: predicted loss", y: col(func(r sim.Row) float64 { return r.GuideLoss.Mean })})
	}
	if f.Params.Jacobian != sim.JacobianOff {
		out[2] = append(out[2], []series{
			{name: "full ‖Φ−Φᵀ‖/‖Φ‖", y: col(func(r sim.Row) float64 { return r.AsymFull.Mean })},
			{name: "off-diagonal (script)", y: col(func(r sim.Row) float64 { return r.AsymOffDiag.Mean })},
		}...)
	}
	return out
}

// verdict states the OT verdict of the newest row in words.
func (m *Model) verdict() string {
	f := m.frame
	if f == nil || len(f.Rows) == 0 || f.Params.Jacobian == sim.JacobianOff {
		return "Φ not integrated (jacobian off)"
	}
	r := f.Rows[len(f.Rows)-1]
	psd := fmt.Sprintf("sym(Φ) PD for %.2f %%", 100*r.PDShare)
	if math.IsNaN(r.PDShare) {
		psd = "PD measured at the end"
	}
	head := fmt.Sprintf("full %.2f%% · offdiag %.2f%% · %s", 100*r.AsymFull.Mean, 100*r.AsymOffDiag.Mean, psd)
	if !f.Done || f.Err != "" {
		return head + " · verdict when the run ends"
	}
	ot := "asymmetric → not an OT map"
	if r.AsymFull.Q90 < 1e-9 {
		ot = "symmetric → consistent with OT"
	}
	return head + " · " + ot
}

// state says what the engine is doing.
func (m *Model) state() string {
	f := m.frame
	switch {
	case f == nil || fingerprint(f.Params) != m.want:
		return "restarting…"
	case f.Err != "":
		return "error: " + f.Err
	case f.Done:
		return "done"
	case m.src.Paused():
		return "paused"
	case len(f.Rows) == 0 && f.Train != nil:
		tr := f.Train
		loss := math.NaN()
		if n := len(tr.Loss); n > 0 {
			loss = tr.Loss[n-1]
		}
		eta := ""
		if tr.Step > 0 {
			eta = " · ETA " + (tr.Elapsed * time.Duration(tr.Steps-tr.Step) / time.Duration(tr.Step)).Round(time.Second).String()
		}
		return fmt.Sprintf("training %s net %d/%d · loss %s%s", tr.Net, tr.Step, tr.Steps, fmtNum(loss), eta)
	}
	return "running" + m.eta(f)
}

// eta says how long a run has taken and, once steps come in, how long it
// still needs; a slow first step shows its elapsed time with a spinner.
func (m *Model) eta(f *sim.Frame) string {
	rows := len(f.Rows)
	if rows == 0 {
		el := time.Since(m.appliedAt)
		if el < time.Second {
			return ""
		}
		spin := []string{"|", "/", "-", "\\"}[int(el/time.Second)%4] // the status refreshes once a second
		return fmt.Sprintf(" %s first step %s", spin, el.Round(time.Second))
	}
	if f.Elapsed < 2*time.Second {
		return ""
	}
	left := f.Elapsed / time.Duration(rows) * time.Duration(f.Total-rows)
	return fmt.Sprintf(" · %s, ETA %s", f.Elapsed.Round(time.Second), left.Round(time.Second))
}

func (m *Model) status() string {
	lines := statusLines(m.st, m.w, m.params, m.frame, m.state(), m.fps)
	if m.typing {
		return strings.Join(append(lines, m.input.View()), "\n")
	}
	for _, l := range m.captionLines() {
		lines = append(lines, m.st.Title.Render(strings.TrimRight(l, " ")))
	}
	// The last line always ends with how to get help and out; the message
	// or the key hints fill what is left.
	hint := "? help · q quit"
	room := max(m.w-lipgloss.Width(hint)-2, 0)
	left := m.st.Muted.Render(m.fittingHints(room))
	switch {
	case m.msg != "" && m.msgErr:
		left = m.st.Err.Render(truncate(m.msg, room))
	case m.msg != "":
		left = m.st.Status.Render(truncate(m.msg, room))
	}
	if room == 0 {
		left = ""
	}
	gap := max(m.w-lipgloss.Width(left)-lipgloss.Width(hint), 1)
	last := truncate(left+strings.Repeat(" ", gap)+m.st.Muted.Render(hint), m.w)
	return strings.Join(append(lines, last), "\n")
}

// Smallest terminal the explorer lays out.
const (
	minWidth  = 40
	minHeight = 12
)

// tooSmall is the whole screen when the terminal is below the minimum.
func (m *Model) tooSmall() string {
	msg := fmt.Sprintf("terminal too small: %d×%d\nneeds at least %d×%d\nq quits", m.w, m.h, minWidth, minHeight)
	var out []string
	for _, l := range strings.Split(msg, "\n")[:min(3, max(m.h, 1))] {
		out = append(out, lipgloss.NewStyle().MaxWidth(m.w).Render(l)) // no room even for an ellipsis
	}
	return strings.Join(out, "\n")
}

// View implements tea.Model: it joins cached strings.
func (m *Model) View() string {
	if m.helpOn {
		return m.helpView()
	}
	if m.w < minWidth || m.h < minHeight {
		return m.tooSmall()
	}
	if m.drawDue(time.Now()) {
		m.render(true)
	}
	if m.typing {
		m.vStat = m.status()
	}
	if m.zoom {
		return m.vCharts[m.focus] + "\n" + m.vStat
	}
	var right string
	if m.large() {
		right = lipgloss.JoinVertical(lipgloss.Left, m.vCharts[0], m.vCharts[1], m.vCharts[2])
	} else {
		right = m.vCharts[m.focus]
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, m.vPart, right) + "\n" + m.vStat
}

// fittingHints renders as many whole key hints as fit in w cells.
func (m *Model) fittingHints(w int) string {
	h := m.keys.hints()
	for n := len(h); n > 0; n-- {
		if v := m.help.ShortHelpView(h[:n]); lipgloss.Width(v) <= w {
			return v
		}
	}
	return ""
}

// helpView is the help overlay: every key in as many columns as fit the
// width (3, 2 or 1); rows that do not fit the height are cut with a note.
func (m *Model) helpView() string {
	var all []key.Binding
	for _, g := range m.keys.FullHelp() {
		all = append(all, g...)
	}
	const frame = 4 // border and padding
	var body string
	for cols := 3; cols >= 1; cols-- {
		body = m.help.FullHelpView(splitColumns(all, cols))
		if lipgloss.Width(body)+frame <= m.w {
			break
		}
	}
	head := "fisherscope keys (any key closes)"
	lines := strings.Split(body, "\n")
	if room := m.h - frame - 2; len(lines) > room {
		lines = append(lines[:max(room-1, 0)], "… more keys: enlarge the terminal")
	}
	box := m.st.Help.Render(head + "\n\n" + strings.Join(lines, "\n"))
	return fit(lipgloss.Place(m.w, m.h, lipgloss.Center, lipgloss.Center, box), m.w, m.h)
}

// splitColumns splits bindings into n columns of nearly equal length.
func splitColumns(b []key.Binding, n int) [][]key.Binding {
	per := (len(b) + n - 1) / n
	var out [][]key.Binding
	for i := 0; i < len(b); i += per {
		out = append(out, b[i:min(i+per, len(b))])
	}
	return out
}

// shownFrame is the frame the particles pane draws: the live one, or, while
// scrubbing, a copy at the chosen snapshot.
func (m *Model) shownFrame() *sim.Frame {
	f := m.frame
	if f == nil || m.scrub < 0 || m.scrub >= len(f.History) {
		return f
	}
	g := *f
	g.T, g.Positions = f.History[m.scrub].T, f.History[m.scrub].Positions
	return &g
}
