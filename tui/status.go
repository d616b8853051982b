package tui

import (
	"fmt"

	"github.com/charmbracelet/lipgloss"

	"fisherscope/sim"
)

// statusLines returns the status lines: every current parameter (one line,
// or two on narrow terminals), then the backend, progress, speed, cost and state.
func statusLines(st Styles, w int, p sim.Params, f *sim.Frame, state string, fps float64) []string {
	est, _ := p.Get("estimators")
	k := p.SketchSize()
	scen := fmt.Sprintf("%s · %s n=%d · D=%d noise=%g · B=%d · %d %s steps · Φ %s · seed %d",
		p.Schedule, p.Data, p.N, p.Dim, p.AmbientNoise, p.Particles, p.Steps, p.Solver, p.Jacobian, p.Seed)
	ests := fmt.Sprintf("%s · m=%d k=%d q=%d R=%d · %s probes → %s · dfea %d", est, p.Probes, k, p.Refresh, p.Repeats, p.Probe, p.Target, p.DFEA)
	backend, prog, cost := "backend …", "", ""
	if f != nil {
		backend = f.Backend
		if backend == "" {
			backend = "starting"
		}
		if f.Note != "" {
			backend += " (" + f.Note + ")"
		}
		prog = fmt.Sprintf("step %d/%d", len(f.Rows), f.Total)
		cost = fmt.Sprintf("%s matvecs · %s QR", human(f.MatVecs), human(f.QRs))
	}
	run := fmt.Sprintf("%s · %s · %.0f fps · %s · %s", state, prog, fps, cost, backend)
	if lipgloss.Width(scen)+3+lipgloss.Width(ests) <= w {
		return []string{st.Status.Render(scen + " · " + ests), st.Status.Render(truncate(run, w))}
	}
	return []string{st.Status.Render(truncate(scen, w)), st.Status.Render(truncate(ests, w)), st.Status.Render(truncate(run, w))}
}

// human formats a count with k/M/G suffixes.
func human(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1fG", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}
