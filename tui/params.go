package tui

import (
	"slices"
	"strings"

	"fisherscope/model"
	"fisherscope/sim"
)

// Value ladders for the keys that step a number up or down.
var (
	dims      = []int{2, 3, 4, 8, 16, 32, 64, 128, 256}
	stepsLad  = []int{10, 20, 50, 100, 200, 500, 1000, 2000}
	refreshes = []int{1, 2, 5, 10, 20, 50}
	noises    = []float64{0, 0.01, 0.05, 0.1}
	estSets   = [][]string{{"hutchinson", "hutch++"}, {"hutchinson"}, {"hutch++"}, {"hutchinson", "hutch++", "xtrace"},
		{"hutchinson", "hutch++", "na-hutch++", "xtrace"}, nil}
)

// cycle returns the element after (dir > 0) or before cur in list.
func cycle(list []string, cur string, dir int) string {
	i := slices.Index(list, cur)
	return list[((i+dir)%len(list)+len(list))%len(list)]
}

// ladder moves cur to the next larger (dir > 0) or smaller rung.
func ladder(l []int, cur, dir int) int {
	if dir > 0 {
		for _, v := range l {
			if v > cur {
				return v
			}
		}
		return l[len(l)-1]
	}
	for i := len(l) - 1; i >= 0; i-- {
		if l[i] < cur {
			return l[i]
		}
	}
	return l[0]
}

// sketchOf returns the effective Hutch++ sketch size.
func sketchOf(p sim.Params) int {
	if p.Sketch > 0 {
		return p.Sketch
	}
	return (p.Probes + 2) / 3
}

// fixJacobian keeps the jacobian mode compatible with the solver.
func fixJacobian(p *sim.Params) {
	switch {
	case p.Jacobian == "ddim" && p.Solver != "ddim", p.Jacobian == "rk4" && p.Solver != "rk4":
		switch p.Solver {
		case "ddim":
			p.Jacobian = "ddim"
		case "rk4":
			p.Jacobian = "rk4"
		default:
			p.Jacobian = "euler"
		}
	}
}

// jacobians lists the modes valid with the solver.
func jacobians(solver string) []string {
	m := []string{"off", "euler", "script"}
	if solver == "ddim" || solver == "rk4" {
		m = append(m, solver)
	}
	return m
}

// estKey names an estimator set for cycling.
func estKey(e []string) string { return strings.Join(e, ",") }

// nextEstimators returns the estimator set after cur.
func nextEstimators(cur []string) []string {
	for i, s := range estSets {
		if estKey(s) == estKey(cur) {
			return estSets[(i+1)%len(estSets)]
		}
	}
	return estSets[0]
}

// adjust applies the parameter change bound to a key; ok is false for keys
// that change no parameter.
func (k keyMap) adjust(name string, p *sim.Params) bool {
	switch name {
	case "n", "N":
		p.Schedule = cycle(model.ScheduleNames(), p.Schedule, dirOf(name, "n"))
		if strings.HasPrefix(p.Schedule, "sd-") {
			p.TEnd, p.Steps = 0, min(p.Steps, 999)
		}
	case "d", "D":
		p.Data = cycle(model.DatasetNames(), p.Data, dirOf(name, "d"))
	case "s", "S":
		p.Sketch = max(1, sketchOf(*p)+dirOf(name, "S"))
		p.Probes = max(p.Probes, 2*p.Sketch+1)
	case "p", "P":
		p.Probes = max(1, p.Probes+dirOf(name, "P"))
		if p.Probes < 2*sketchOf(*p)+1 {
			p.Sketch = max(1, (p.Probes-1)/2)
		}
	case "r", "R":
		p.Refresh = ladder(refreshes, p.Refresh, dirOf(name, "R"))
	case "m", "M":
		p.Dim = ladder(dims, p.Dim, dirOf(name, "M"))
	case "b", "B":
		if name == "B" {
			p.Particles = min(sim.MaxParticles, 2*p.Particles)
		} else {
			p.Particles = max(1, p.Particles/2)
		}
	case "t", "T":
		p.Steps = ladder(stepsLad, p.Steps, dirOf(name, "T"))
	case "o":
		p.Solver = cycle([]string{"ddim", "euler", "heun", "rk4"}, p.Solver, 1)
		fixJacobian(p)
	case "g":
		p.Probe = cycle([]string{"rademacher", "gaussian", "sphere"}, p.Probe, 1)
	case "x":
		p.Estimators = nextEstimators(p.Estimators)
	case "j":
		p.Jacobian = cycle(jacobians(p.Solver), p.Jacobian, 1)
	case "c":
		p.Target = cycle([]string{"fisher", "cov"}, p.Target, 1)
	case "a":
		i := slices.Index(noises, p.AmbientNoise)
		p.AmbientNoise = noises[(i+1)%len(noises)]
	case "z":
		p.Seed++
	case "k":
		p.Backend = cycle([]string{"auto", "cpu", "gpu"}, p.Backend, 1)
	default:
		return false
	}
	return true
}

// dirOf returns +1 when the key is the "up" key, else −1.
func dirOf(key, up string) int {
	if key == up {
		return 1
	}
	return -1
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
