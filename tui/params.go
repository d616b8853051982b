package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"fisherscope/sim"
)

// paramKey binds a key to one step of an engine parameter: what the step
// does (cycle, ladder, factor) and which values the rules allow come from
// sim's parameter table.
type paramKey struct {
	binding *key.Binding
	param   string // sim parameter key
	dir     int    // +1 up / next, −1 down / previous
}

// paramKeys lists every parameter key of the key map.
func (k *keyMap) paramKeys() []paramKey {
	return []paramKey{
		{&k.Schedule, "schedule", +1}, {&k.ScheduleBack, "schedule", -1},
		{&k.Data, "data", +1}, {&k.DataBack, "data", -1},
		{&k.SketchDown, "sketch", -1}, {&k.SketchUp, "sketch", +1},
		{&k.RefreshDown, "refresh", -1}, {&k.RefreshUp, "refresh", +1},
		{&k.ProbesDown, "probes", -1}, {&k.ProbesUp, "probes", +1},
		{&k.DimDown, "dim", -1}, {&k.DimUp, "dim", +1},
		{&k.ParticlesDown, "particles", -1}, {&k.ParticlesUp, "particles", +1},
		{&k.StepsDown, "steps", -1}, {&k.StepsUp, "steps", +1},
		{&k.Solver, "solver", +1}, {&k.ProbeDist, "probe", +1}, {&k.Estimators, "estimators", +1},
		{&k.Jacobian, "jacobian", +1}, {&k.Target, "target", +1}, {&k.Noise, "ambient_noise", +1},
		{&k.Seed, "seed", +1}, {&k.Backend, "backend", +1}, {&k.Score, "score", +1}, {&k.Guide, "guide", +1},
	}
}

// matchParam returns the parameter key bound to msg.
func (k *keyMap) matchParam(msg tea.KeyMsg) (paramKey, bool) {
	for _, pk := range k.paramKeys() {
		if key.Matches(msg, *pk.binding) {
			return pk, true
		}
	}
	return paramKey{}, false
}

// parseCommand parses a command line "key value" (or key=value).
func parseCommand(line string) (key, value string, ok bool) {
	line = strings.TrimSpace(line)
	if k, v, found := strings.Cut(line, "="); found {
		return strings.TrimSpace(k), strings.TrimSpace(v), true
	}
	f := strings.Fields(line)
	if len(f) < 2 {
		return "", "", false
	}
	return f[0], strings.Join(f[1:], " "), true
}

// commandSuggestions completes the command line: every parameter key, with
// each of its named values, and the presets.
func commandSuggestions(presets []string) []string {
	var out []string
	for _, d := range sim.Table() {
		out = append(out, d.Key+" ")
		for _, c := range d.Choices {
			out = append(out, d.Key+" "+c)
		}
		for _, c := range d.Cycle {
			out = append(out, d.Key+" "+c)
		}
	}
	out = append(out, "preset ")
	for _, p := range presets {
		out = append(out, "preset "+p)
	}
	return out
}
