package sim

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"fisherscope/model"
)

// Default enumerated values not spelled as sim constants.
const (
	DefaultSolver = model.DDIM
	DefaultProbe  = model.Rademacher
)

// Kind is the type of a parameter's value.
type Kind int

// The parameter kinds.
const (
	KindInt    Kind = iota // an integer in [Min, Max]
	KindFloat              // a finite number in [Min, Max]
	KindChoice             // one of Choices
	KindList               // a comma-separated subset of Choices, or none
	KindText               // a name or file:PATH (Allowed says which)
)

// Param describes one engine parameter: the single source of truth for its
// key, type, default, allowed values, unit, documentation and how the
// explorer's keys step it. The table is immutable; Table returns copies.
type Param struct {
	Key     string
	Kind    Kind
	Doc     string    // one line
	Unit    string    // unit of a number ("" when dimensionless)
	Allowed string    // the allowed values, for help texts and errors
	Choices []string  // KindChoice, KindList and KindText: the names allowed
	Min     float64   // KindInt, KindFloat: smallest value
	Max     float64   // KindInt, KindFloat: largest value
	Ladder  []float64 // stepping: rungs the up/down keys move between
	Wrap    bool      // stepping: past the last rung (or choice) comes the first
	Factor  float64   // stepping: up multiplies, down divides (integers round down)
	Delta   float64   // stepping: up adds, down subtracts
	Cycle   []string  // KindList stepping: the sets the key cycles through

	set   func(p *Params, v string) error
	get   func(p *Params) string
	num   func(p *Params) float64           // the effective value a step starts from (numbers)
	adapt func(p *Params)                   // repairs the others after a change of this one (nil: none)
	next  func(p *Params, dir int) []string // custom step candidates (nil: from the fields above)
}

// Default returns the parameter's default as text.
func (d Param) Default() string {
	p := Defaults()
	return d.get(&p)
}

// Value returns the parameter's text form in p.
func (d Param) Value(p Params) string { return d.get(&p) }

// table is every parameter, in documentation order. It is never modified.
var table = buildTable()

// Table returns every parameter, in documentation order.
func Table() []Param { return append([]Param(nil), table...) }

// Lookup returns the parameter with that key.
func Lookup(key string) (Param, error) {
	d, err := lookup(key)
	if err != nil {
		return Param{}, err
	}
	return *d, nil
}

func lookup(key string) (*Param, error) {
	for i := range table {
		if table[i].Key == key {
			return &table[i], nil
		}
	}
	return nil, fmt.Errorf("unknown parameter %q (allowed: %s)", key, strings.Join(KeyNames(), ", "))
}

// KeyNames returns every parameter key, in documentation order.
func KeyNames() []string {
	out := make([]string, len(table))
	for i, d := range table {
		out[i] = d.Key
	}
	return out
}

// KeyDoc describes one parameter for help texts and the README.
type KeyDoc struct{ Name, Allowed, Default, Unit, Doc string }

// KeyDocs documents every parameter with its allowed values and default.
func KeyDocs() []KeyDoc {
	out := make([]KeyDoc, len(table))
	for i, d := range table {
		out[i] = KeyDoc{d.Key, d.Allowed, d.Default(), d.Unit, d.Doc}
	}
	return out
}

func buildTable() []Param {
	return []Param{
		withAdapt(choiceParam("schedule", "noise schedule", model.ScheduleNames(), true,
			func(p *Params) *string { return &p.Schedule }), adaptSchedule),
		floatParam("sigma_max", "σ_max of ve and edm; 0 keeps the default (50 and 80); ignored by other schedules", "data units", 0, 1e4,
			func(p *Params) *float64 { return &p.SigmaMax }),
		dataParam(),
		intParam("n", "points drawn for sampled data sets", 1, model.MaxPoints, func(p *Params) *int { return &p.N }),
		withLadder(intParam("dim", "ambient dimension D; data embedded by a seeded isometry", 2, model.MaxDim,
			func(p *Params) *int { return &p.Dim }), false, 2, 3, 4, 8, 16, 32, 64, 128, 256),
		withLadder(floatParam("ambient_noise", "off-plane scatter (std. dev.) of embedded data", "data units", 0, 100,
			func(p *Params) *float64 { return &p.AmbientNoise }), true, 0, 0.01, 0.05, 0.1),
		withFactor(intParam("particles", "trajectories B", 1, MaxParticles, func(p *Params) *int { return &p.Particles }), 2),
		withLadder(intParam("steps", "solver steps from T to t_end", 1, MaxSteps, func(p *Params) *int { return &p.Steps }),
			false, 10, 20, 50, 100, 200, 500, 1000, 2000),
		tEndParam(),
		enumParam("grid", "time grid: the schedule's own (auto), uniform in t, uniform in log(σ/α), or Karras' (σ/α)^{1/ρ}", gridNames,
			func(p *Params) *Grid { return &p.Grid }),
		floatParam("rho", "exponent ρ of the karras grid", "", 0.5, 100, func(p *Params) *float64 { return &p.Rho }),
		withAdapt(enumParam("solver", "PF-ODE solver (rk45: Dormand–Prince 5(4) with step-size control between grid times)", solverNames,
			func(p *Params) *Solver { return &p.Solver }), adaptSolver),
		floatParam("rtol", "relative tolerance of rk45 (on the state and the log-likelihood)", "", 1e-13, 0.1, func(p *Params) *float64 { return &p.RTol }),
		floatParam("atol", "absolute tolerance of rk45", "", 1e-13, 0.1, func(p *Params) *float64 { return &p.ATol }),
		enumParam("jacobian", "how the fundamental matrix Φ is integrated", jacobianNames, func(p *Params) *Jacobian { return &p.Jacobian }),
		startParam(),
		estimatorsParam(),
		withAdapt(withDelta(intParam("probes", "matvec budget m of each estimate", 1, MaxProbes,
			func(p *Params) *int { return &p.Probes }), 1), adaptProbes),
		sketchParam(),
		withLadder(intParam("refresh", "Hutch++ QR refresh interval q (steps a sketch basis is reused)", 1, MaxSteps,
			func(p *Params) *int { return &p.Refresh }), false, 1, 2, 5, 10, 20, 50),
		intParam("repeats", "independent draws R per step", 1, MaxRepeats, func(p *Params) *int { return &p.Repeats }),
		enumParam("probe", "probe distribution", probeNames, func(p *Params) *Probe { return &p.Probe }),
		enumParam("target", "fisher: estimate tr F; cov: estimate tr C and add d/σ² exactly", targetNames, func(p *Params) *Target { return &p.Target }),
		intParam("dfea", "particles whose DF-EA error is computed at the end (0: off)", 0, MaxParticles, func(p *Params) *int { return &p.DFEA }),
		seedParam(),
		enumParam("backend", "where the batched math runs", backendNames, func(p *Params) *Backend { return &p.Backend }),
		withAdapt(enumParam("score", "score driving the particles: the data's exact one or the learned network's (needs net)", scoreNames,
			func(p *Params) *Score { return &p.Score }), adaptScore),
		netParam(),
		enumParam("net_arch", "learned networks: mlp (net_depth layers of net_width) or paper (the paper's 2-D toy net)", netArchNames,
			func(p *Params) *NetArch { return &p.NetArch }),
		intParam("net_width", "hidden width of the mlp networks", 8, 1024, func(p *Params) *int { return &p.NetWidth }),
		intParam("net_depth", "hidden layers of the mlp networks", 1, 8, func(p *Params) *int { return &p.NetDepth }),
		intParam("net_steps", "training steps of each network", 1, 1_000_000, func(p *Params) *int { return &p.NetSteps }),
		intParam("net_batch", "samples per training step", 8, 8192, func(p *Params) *int { return &p.NetBatch }),
		floatParam("net_lr", "Adam learning rate (cosine-decayed to a tenth over net_steps)", "", 1e-6, 1, func(p *Params) *float64 { return &p.NetLR }),
		withLadder(floatParam("guide", "adjoint guidance strength λ: x_t ← x_t − λ ∂L/∂x_t with L = ½‖x_end − goal‖² (0: off; exact Fisher; needs solver ddim)", "", 0, 10,
			func(p *Params) *float64 { return &p.Guide }), true, 0, 0.1, 0.5, 1),
		intParam("guide_steps", "steps from T at which guidance acts", 1, MaxSteps, func(p *Params) *int { return &p.GuideSteps }),
		goalParam(),
		enumParam("guide_loss", "guidance loss: ½‖x−goal‖², the negative log-density of the data within 1 of the goal, or the half-plane beyond 80 % of it", guideLossNames,
			func(p *Params) *int { return &p.GuideLoss }),
		enumParam("train_data", "training data: the Dirac set itself, or fresh draws from the data set's sampler (the paper's setup)", trainDataNames,
			func(p *Params) *TrainData { return &p.TrainData }),
	}
}

func intParam(key, doc string, lo, hi int, f func(*Params) *int) Param {
	return Param{Key: key, Kind: KindInt, Doc: doc, Min: float64(lo), Max: float64(hi),
		Allowed: fmt.Sprintf("integer in [%d, %d]", lo, hi),
		set: func(p *Params, v string) error {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < lo || n > hi {
				return fmt.Errorf("%q is not an integer in [%d, %d]", v, lo, hi)
			}
			*f(p) = n
			return nil
		},
		get: func(p *Params) string { return strconv.Itoa(*f(p)) },
		num: func(p *Params) float64 { return float64(*f(p)) }}
}

func floatParam(key, doc, unit string, lo, hi float64, f func(*Params) *float64) Param {
	return Param{Key: key, Kind: KindFloat, Doc: doc, Unit: unit, Min: lo, Max: hi,
		Allowed: fmt.Sprintf("number in [%g, %g]", lo, hi),
		set: func(p *Params, v string) error {
			x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || math.IsNaN(x) || x < lo || x > hi {
				return fmt.Errorf("%q is not a number in [%g, %g]", v, lo, hi)
			}
			*f(p) = x
			return nil
		},
		get: func(p *Params) string { return strconv.FormatFloat(*f(p), 'g', -1, 64) },
		num: func(p *Params) float64 { return *f(p) }}
}

func choiceParam(key, doc string, choices []string, wrap bool, f func(*Params) *string) Param {
	return Param{Key: key, Kind: KindChoice, Doc: doc, Choices: choices, Wrap: wrap, Allowed: strings.Join(choices, ", "),
		set: func(p *Params, v string) error {
			i, ok := parseName(choices, v)
			if !ok {
				return fmt.Errorf("unknown value %q (allowed: %s)", strings.TrimSpace(v), strings.Join(choices, ", "))
			}
			*f(p) = choices[i]
			return nil
		},
		get: func(p *Params) string { return *f(p) }}
}

// enumParam is a choice stored as a typed index into names.
func enumParam[T ~int](key, doc string, names []string, f func(*Params) *T) Param {
	return Param{Key: key, Kind: KindChoice, Doc: doc, Choices: names, Wrap: true, Allowed: strings.Join(names, ", "),
		set: func(p *Params, v string) error {
			i, ok := parseName(names, v)
			if !ok {
				return fmt.Errorf("unknown value %q (allowed: %s)", strings.TrimSpace(v), strings.Join(names, ", "))
			}
			*f(p) = T(i)
			return nil
		},
		get: func(p *Params) string { return enumName(names, int(*f(p)), key) }}
}

func withLadder(d Param, wrap bool, rungs ...float64) Param {
	d.Ladder, d.Wrap = rungs, wrap
	return d
}

func withAdapt(d Param, f func(*Params)) Param { d.adapt = f; return d }

func withFactor(d Param, f float64) Param { d.Factor = f; return d }

func withDelta(d Param, step float64) Param { d.Delta = step; return d }

// nameOrFileParam is a parameter that takes one of names or file:PATH.
func nameOrFileParam(key, doc string, names []string, wrap bool, f func(*Params) *string) Param {
	return Param{Key: key, Kind: KindText, Doc: doc, Choices: names, Wrap: wrap,
		Allowed: strings.Join(names, ", ") + ", file:PATH",
		set: func(p *Params, v string) error {
			v = strings.TrimSpace(v)
			if path, ok := strings.CutPrefix(v, "file:"); ok {
				if path == "" {
					return fmt.Errorf("file: needs a path")
				}
				*f(p) = v
				return nil
			}
			i, ok := parseName(names, v)
			if !ok {
				return fmt.Errorf("unknown value %q (allowed: %s, file:PATH)", v, strings.Join(names, ", "))
			}
			*f(p) = names[i]
			return nil
		},
		get: func(p *Params) string { return *f(p) }}
}

func dataParam() Param {
	return nameOrFileParam("data", "data set (file: a CSV of 2-D points)", model.DatasetNames(), true,
		func(p *Params) *string { return &p.Data })
}

func startParam() Param {
	return nameOrFileParam("start", "initial states: N(0, σ_T² I) (N(0, I) for sd-*) or a file of points", []string{"gaussian"}, false,
		func(p *Params) *string { return &p.Start })
}

func tEndParam() Param {
	return Param{Key: "t_end", Kind: KindText, Doc: "end time of sampling", Unit: "diffusion time",
		Allowed: "auto or a time in the schedule's range",
		set: func(p *Params, v string) error {
			v = strings.TrimSpace(v)
			if strings.EqualFold(v, "auto") {
				p.TEnd = 0
				return nil
			}
			x, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
				return fmt.Errorf("%q is not auto or a time ≥ 0", v)
			}
			p.TEnd = x
			return nil
		},
		get: func(p *Params) string {
			if p.TEnd <= 0 {
				return "auto"
			}
			return strconv.FormatFloat(p.TEnd, 'g', -1, 64)
		}}
}

func estimatorsParam() Param {
	return Param{Key: "estimators", Kind: KindList, Doc: "trace estimators run at every step", Choices: estimatorNames, Wrap: true,
		Allowed: "comma-separated subset of " + strings.Join(estimatorNames, ", ") + " (or none)",
		Cycle: []string{"hutchinson,hutch++", "hutchinson", "hutch++", "hutchinson,hutch++,xtrace",
			"hutchinson,hutch++,na-hutch++,xtrace", "none"},
		set: setEstimators,
		get: func(p *Params) string {
			if len(p.Estimators) == 0 {
				return "none"
			}
			s := make([]string, len(p.Estimators))
			for i, e := range p.Estimators {
				s[i] = e.String()
			}
			return strings.Join(s, ",")
		}}
}

func setEstimators(p *Params, v string) error {
	v = strings.TrimSpace(v)
	if v == "" || strings.EqualFold(v, "none") {
		p.Estimators = nil
		return nil
	}
	var out []Estimator
	for _, name := range strings.Split(v, ",") {
		i, ok := parseName(estimatorNames, name)
		if !ok {
			return fmt.Errorf("unknown estimator %q (allowed: %s, or none)", strings.TrimSpace(name), strings.Join(estimatorNames, ", "))
		}
		if e := Estimator(i); !p.hasIn(out, e) {
			out = append(out, e)
		}
	}
	p.Estimators = out
	return nil
}

func (p *Params) hasIn(list []Estimator, e Estimator) bool {
	for _, x := range list {
		if x == e {
			return true
		}
	}
	return false
}

func sketchParam() Param {
	d := withDelta(intParam("sketch", "Hutch++ sketch size k (0: ⌈m/3⌉)", 0, MaxProbes, func(p *Params) *int { return &p.Sketch }), 1)
	d.num = func(p *Params) float64 { return float64(p.SketchSize()) }
	return withAdapt(d, adaptSketch)
}

func seedParam() Param {
	return Param{Key: "seed", Kind: KindInt, Doc: "seed of data, embedding, start states and probes", Min: 0, Max: math.MaxUint64,
		Delta: 1, Allowed: "integer in [0, 2^64)",
		set: func(p *Params, v string) error {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not an integer in [0, 2^64)", v)
			}
			p.Seed = n
			return nil
		},
		get: func(p *Params) string { return strconv.FormatUint(p.Seed, 10) },
		next: func(p *Params, dir int) []string { // wraps around 2^64
			return []string{strconv.FormatUint(p.Seed+uint64(int64(dir)), 10)}
		}}
}

func netParam() Param {
	return nameOrFileParam("net", "learned networks: off, auto (trained on first use, cached) or file:PATH (a saved score net)",
		[]string{"off", "auto"}, true, func(p *Params) *string { return &p.Net })
}

func goalParam() Param {
	return Param{Key: "goal", Kind: KindText, Doc: "guidance goal in the data plane: auto (the data point farthest along its first axis) or x,y",
		Choices: []string{"auto"}, Allowed: "auto, x,y (finite, |x|, |y| ≤ 1e6)",
		set: func(p *Params, v string) error {
			v = strings.TrimSpace(v)
			if strings.EqualFold(v, "auto") {
				p.Goal = "auto"
				return nil
			}
			if _, err := parseGoal(v); err != nil {
				return err
			}
			p.Goal = v
			return nil
		},
		get: func(p *Params) string { return p.Goal }}
}

// parseGoal reads "x,y" (plane coordinates).
func parseGoal(v string) ([2]float64, error) {
	a, b, ok := strings.Cut(v, ",")
	x, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	y, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	if !ok || err1 != nil || err2 != nil || math.IsNaN(x+y) || math.Abs(x) > 1e6 || math.Abs(y) > 1e6 {
		return [2]float64{}, fmt.Errorf("%q is not auto or x,y with finite |x|, |y| ≤ 1e6", v)
	}
	return [2]float64{x, y}, nil
}
