package tui

import "github.com/charmbracelet/bubbles/key"

// keyMap declares every key once; help renders it.
type keyMap struct {
	Pause, Step, Restart, Quit, Help, Command, Export, Log, Trails, Tab key.Binding
	Schedule, ScheduleBack, Data, DataBack                              key.Binding
	SketchDown, SketchUp, RefreshDown, RefreshUp, ProbesDown, ProbesUp  key.Binding
	DimDown, DimUp, ParticlesDown, ParticlesUp, StepsDown, StepsUp      key.Binding
	Solver, ProbeDist, Estimators, Jacobian, Target, Noise, Seed        key.Binding
	Backend, Preset, Faster, Slower, Loop                               key.Binding
	Ghost, Pin, Unpin, Lock, Board, Zoom, Score, NLL, Guide             key.Binding
}

func b(keys []string, k, help string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, help))
}

func defaultKeys() keyMap {
	return keyMap{
		Pause:         b([]string{" "}, "space", "pause/resume"),
		Step:          b([]string{"."}, ".", "single step"),
		Restart:       b([]string{"0"}, "0", "restart"),
		Quit:          b([]string{"q", "ctrl+c"}, "q", "quit"),
		Help:          b([]string{"?"}, "?", "help"),
		Command:       b([]string{":"}, ":", "command: key value"),
		Export:        b([]string{"e"}, "e", "export frame"),
		Log:           b([]string{"l"}, "l", "log/linear y"),
		Trails:        b([]string{"w"}, "w", "trails"),
		Tab:           b([]string{"tab"}, "tab", "next chart (small screens)"),
		Schedule:      b([]string{"n"}, "n/N", "schedule"),
		ScheduleBack:  b([]string{"N"}, "N", "schedule back"),
		Data:          b([]string{"d"}, "d/D", "data set"),
		DataBack:      b([]string{"D"}, "D", "data back"),
		SketchDown:    b([]string{"s"}, "s/S", "sketch k −/+"),
		SketchUp:      b([]string{"S"}, "S", "sketch +"),
		RefreshDown:   b([]string{"r"}, "r/R", "QR refresh q −/+"),
		RefreshUp:     b([]string{"R"}, "R", "refresh +"),
		ProbesDown:    b([]string{"p"}, "p/P", "probes m −/+"),
		ProbesUp:      b([]string{"P"}, "P", "probes +"),
		DimDown:       b([]string{"m"}, "m/M", "dimension D −/+"),
		DimUp:         b([]string{"M"}, "M", "dimension +"),
		ParticlesDown: b([]string{"b"}, "b/B", "particles ÷2/×2"),
		ParticlesUp:   b([]string{"B"}, "B", "particles ×2"),
		StepsDown:     b([]string{"t"}, "t/T", "steps −/+"),
		StepsUp:       b([]string{"T"}, "T", "steps +"),
		Solver:        b([]string{"o"}, "o", "solver"),
		ProbeDist:     b([]string{"g"}, "g", "probe distribution"),
		Estimators:    b([]string{"x"}, "x", "estimator set"),
		Jacobian:      b([]string{"j"}, "j", "jacobian mode"),
		Target:        b([]string{"c"}, "c", "target fisher/cov"),
		Noise:         b([]string{"a"}, "a", "ambient noise"),
		Seed:          b([]string{"z"}, "z", "new seed"),
		Backend:       b([]string{"k"}, "k", "backend"),
		Preset:        b([]string{"v"}, "v", "next preset"),
		Faster:        b([]string{"["}, "[/]", "faster/slower steps"),
		Slower:        b([]string{"]"}, "]", "slower"),
		Loop:          b([]string{"y"}, "y", "loop runs (new seed)"),
		Ghost:         b([]string{"h"}, "h", "previous run as ghost"),
		Pin:           b([]string{"u"}, "u", "pin this run (compare)"),
		Unpin:         b([]string{"U"}, "U", "clear pinned runs"),
		Lock:          b([]string{"L"}, "L", "lock/unlock y axes"),
		Board:         b([]string{"i"}, "i", "scoreboard/particles"),
		Zoom:          b([]string{"f"}, "f", "zoom chart (tab: next; click)"),
		Score:         b([]string{"E"}, "E", "score exact/learned"),
		NLL:           b([]string{"K"}, "K", "trace error / NLL error chart"),
		Guide:         b([]string{"G"}, "G", "guidance strength (click: goal)"),
	}
}

// ShortHelp implements help.KeyMap.
func (k keyMap) ShortHelp() []key.Binding { return append(k.hints(), k.Help, k.Quit) }

// hints are the keys the status line suggests (help and quit are always
// shown at its right end).
func (k keyMap) hints() []key.Binding {
	return []key.Binding{k.Pause, k.Schedule, k.Data, k.ProbesDown, k.SketchDown, k.RefreshDown, k.DimDown, k.Command}
}

// FullHelp implements help.KeyMap.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Pause, k.Step, k.Restart, k.Faster, k.Loop, k.Export, k.Log, k.Trails, k.Tab, k.Ghost, k.Pin, k.Unpin, k.Lock, k.Board, k.Zoom, k.NLL, k.Command, k.Help, k.Quit},
		{k.Schedule, k.Data, k.DimDown, k.Noise, k.ParticlesDown, k.StepsDown, k.Solver, k.Jacobian, k.Score, k.Guide, k.Preset},
		{k.ProbesDown, k.SketchDown, k.RefreshDown, k.ProbeDist, k.Estimators, k.Target, k.Seed, k.Backend},
	}
}
