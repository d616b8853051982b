package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"fisherscope/export"
	"fisherscope/sim"
)

// statusLines returns the status lines: the current parameters (one line,
// or two on narrow terminals), then the state, progress, backend, cost and
// speed. Fields are never cut: they wrap whole onto the next line, and the
// least important ones (last in each list) are left out when there is no
// room.
func statusLines(st Styles, w int, p sim.Params, f *sim.Frame, state string, fps float64) []string {
	est, _ := p.Get("estimators")
	params := []string{p.Schedule, fmt.Sprintf("%s n=%d", p.Data, p.N), fmt.Sprintf("D=%d", p.Dim),
		fmt.Sprintf("B=%d", p.Particles), fmt.Sprintf("%d %s steps", p.Steps, p.Solver), "Φ " + p.Jacobian.String(),
		est, fmt.Sprintf("m=%d k=%d q=%d R=%d", p.Probes, p.SketchSize(), p.Refresh, p.Repeats),
		fmt.Sprintf("%s → %s", p.Probe, p.Target), fmt.Sprintf("noise=%g", p.AmbientNoise), fmt.Sprintf("seed %d", p.Seed),
		fmt.Sprintf("dfea %d", p.DFEA)}
	run := []string{state}
	if f != nil {
		backend := f.Backend
		if backend == "" {
			backend = "starting"
		}
		run = append(run, fmt.Sprintf("step %d/%d", len(f.Rows), f.Total), backend,
			fmt.Sprintf("%s matvecs · %s QR", export.Human(f.MatVecs), export.Human(f.QRs)), fmt.Sprintf("%.0f fps", fps))
		if f.Note != "" {
			run = append(run, f.Note)
		}
	}
	n := 1
	if lipgloss.Width(strings.Join(params, " · ")) > w {
		n = 2
	}
	var out []string
	for _, l := range pack(params, w, n) {
		out = append(out, st.Status.Render(l))
	}
	return append(out, st.Status.Render(pack(run, w, 1)[0]))
}

// pack joins fields with " · " into exactly lines lines of at most w cells,
// in order; a field that does not fit on the current line starts the next,
// and fields left when the lines are full are dropped (a field wider than a
// whole line is cut).
func pack(fields []string, w, lines int) []string {
	out := make([]string, lines)
	i := 0
	for _, f := range fields {
		for i < lines {
			cand := f
			if out[i] != "" {
				cand = out[i] + " · " + f
			}
			if lipgloss.Width(cand) <= w {
				out[i] = cand
				break
			}
			if out[i] == "" { // wider than a line on its own
				out[i] = truncate(f, w)
				break
			}
			i++
		}
	}
	return out
}
