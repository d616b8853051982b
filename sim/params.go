package sim

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"fisherscope/model"
)

// Params are the parameters of one scenario. The TOML/--set key of each field
// is given in its comment; Keys documents them all. The zero value is not
// valid: start from Defaults.
type Params struct {
	Schedule     string   // schedule: a model.ScheduleNames name
	SigmaMax     float64  // sigma_max: σ_max of ve and edm (0: the schedule's default)
	Data         string   // data: a model.DatasetNames name or file:PATH (2-D CSV)
	N            int      // n: points drawn for sampled data sets
	Dim          int      // dim: ambient dimension D ≥ 2 (data embedded by a seeded isometry)
	AmbientNoise float64  // ambient_noise: off-plane scatter (std. dev.) of embedded data
	Particles    int      // particles: trajectories B
	Steps        int      // steps: solver steps from T down to t_end
	TEnd         float64  // t_end: end time (≤ 0: the schedule's default)
	Solver       string   // solver: ddim, euler, heun, rk4
	Jacobian     string   // jacobian: off, ddim, rk4, euler, script
	Start        string   // start: gaussian or file:PATH
	Estimators   []string // estimators: any of hutchinson, hutch++, na-hutch++, xtrace
	Probes       int      // probes: matvec budget m per estimate
	Sketch       int      // sketch: Hutch++ sketch size k (0: ⌈m/3⌉)
	Refresh      int      // refresh: Hutch++ QR refresh interval q in steps
	Repeats      int      // repeats: independent draws R per step (variance needs R ≥ 2)
	Probe        string   // probe: rademacher, gaussian, sphere
	Target       string   // target: fisher (estimate tr F) or cov (estimate tr C, add d/σ² exactly)
	DFEA         int      // dfea: particles whose DF-EA error is computed (0: off)
	Seed         uint64   // seed: the one seed of data, embedding, start and probes
	Backend      string   // backend: auto, cpu, gpu
}

// Defaults returns the default scenario: a good first impression in the TUI.
func Defaults() Params {
	return Params{
		Schedule: "vp", Data: "checkerboard", N: 1024, Dim: 2, Particles: 1000, Steps: 100,
		Solver: "ddim", Jacobian: "ddim", Start: "gaussian",
		Estimators: []string{"hutchinson", "hutch++"}, Probes: 6, Refresh: 1, Repeats: 8,
		Probe: "rademacher", Target: "fisher", DFEA: 64, Seed: 1, Backend: "auto",
	}
}

// Limits on sizes, chosen so that a typo cannot exhaust memory.
const (
	MaxParticles = 1 << 20
	MaxSteps     = 100_000
	MaxProbes    = 4096
	MaxRepeats   = 1024
)

// EstimatorNames lists the estimators that can be selected.
var estimatorNames = []string{"hutchinson", "hutch++", "na-hutch++", "xtrace"}

// EstimatorNames returns the names accepted in Params.Estimators.
func EstimatorNames() []string { return append([]string(nil), estimatorNames...) }

// key describes one parameter.
type key struct {
	name, allowed, doc string
	set                func(p *Params, v string) error
	get                func(p *Params) string
}

func intKey(name string, lo, hi int, doc string, f func(*Params) *int) key {
	return key{name: name, allowed: fmt.Sprintf("integer in [%d, %d]", lo, hi), doc: doc,
		set: func(p *Params, v string) error {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < lo || n > hi {
				return fmt.Errorf("%s: %q is not an integer in [%d, %d]", name, v, lo, hi)
			}
			*f(p) = n
			return nil
		},
		get: func(p *Params) string { return strconv.Itoa(*f(p)) }}
}

func floatKey(name string, lo, hi float64, doc string, f func(*Params) *float64) key {
	return key{name: name, allowed: fmt.Sprintf("number in [%g, %g]", lo, hi), doc: doc,
		set: func(p *Params, v string) error {
			x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || math.IsNaN(x) || x < lo || x > hi {
				return fmt.Errorf("%s: %q is not a number in [%g, %g]", name, v, lo, hi)
			}
			*f(p) = x
			return nil
		},
		get: func(p *Params) string { return strconv.FormatFloat(*f(p), 'g', -1, 64) }}
}

func choiceKey(name string, choices []string, doc string, f func(*Params) *string) key {
	return key{name: name, allowed: strings.Join(choices, ", "), doc: doc,
		set: func(p *Params, v string) error {
			v = strings.ToLower(strings.TrimSpace(v))
			for _, c := range choices {
				if v == c {
					*f(p) = v
					return nil
				}
			}
			return fmt.Errorf("%s: unknown value %q (allowed: %s)", name, v, strings.Join(choices, ", "))
		},
		get: func(p *Params) string { return *f(p) }}
}

// keys returns every parameter, in documentation order.
func keys() []key {
	return []key{
		choiceKey("schedule", model.ScheduleNames(), "noise schedule", func(p *Params) *string { return &p.Schedule }),
		floatKey("sigma_max", 0, 1e4, "σ_max of ve and edm; 0 keeps the default (50 and 80); ignored by other schedules", func(p *Params) *float64 { return &p.SigmaMax }),
		{name: "data", allowed: strings.Join(model.DatasetNames(), ", ") + ", file:PATH", doc: "data set (file: a CSV of 2-D points)",
			set: setData, get: func(p *Params) string { return p.Data }},
		intKey("n", 1, model.MaxPoints, "points drawn for sampled data sets", func(p *Params) *int { return &p.N }),
		intKey("dim", 2, model.MaxDim, "ambient dimension D; data embedded by a seeded isometry", func(p *Params) *int { return &p.Dim }),
		floatKey("ambient_noise", 0, 100, "off-plane scatter (std. dev.) of embedded data", func(p *Params) *float64 { return &p.AmbientNoise }),
		intKey("particles", 1, MaxParticles, "trajectories B", func(p *Params) *int { return &p.Particles }),
		intKey("steps", 1, MaxSteps, "solver steps from T to t_end", func(p *Params) *int { return &p.Steps }),
		{name: "t_end", allowed: "auto or a time in the schedule's range", doc: "end time of sampling",
			set: setTEnd, get: func(p *Params) string {
				if p.TEnd <= 0 {
					return "auto"
				}
				return strconv.FormatFloat(p.TEnd, 'g', -1, 64)
			}},
		choiceKey("solver", []string{"ddim", "euler", "heun", "rk4"}, "PF-ODE solver", func(p *Params) *string { return &p.Solver }),
		choiceKey("jacobian", []string{"off", "ddim", "rk4", "euler", "script"}, "how the fundamental matrix Φ is integrated", func(p *Params) *string { return &p.Jacobian }),
		{name: "start", allowed: "gaussian, file:PATH", doc: "initial states: N(0, σ_T² I) (N(0, I) for sd-*) or a file of points",
			set: setStart, get: func(p *Params) string { return p.Start }},
		{name: "estimators", allowed: "comma-separated subset of " + strings.Join(estimatorNames, ", ") + " (or none)", doc: "trace estimators run at every step",
			set: setEstimators, get: func(p *Params) string {
				if len(p.Estimators) == 0 {
					return "none"
				}
				return strings.Join(p.Estimators, ",")
			}},
		intKey("probes", 1, MaxProbes, "matvec budget m of each estimate", func(p *Params) *int { return &p.Probes }),
		intKey("sketch", 0, MaxProbes, "Hutch++ sketch size k (0: ⌈m/3⌉)", func(p *Params) *int { return &p.Sketch }),
		intKey("refresh", 1, MaxSteps, "Hutch++ QR refresh interval q (steps a sketch basis is reused)", func(p *Params) *int { return &p.Refresh }),
		intKey("repeats", 1, MaxRepeats, "independent draws R per step", func(p *Params) *int { return &p.Repeats }),
		choiceKey("probe", []string{"rademacher", "gaussian", "sphere"}, "probe distribution", func(p *Params) *string { return &p.Probe }),
		choiceKey("target", []string{"fisher", "cov"}, "fisher: estimate tr F; cov: estimate tr C and add d/σ² exactly", func(p *Params) *string { return &p.Target }),
		intKey("dfea", 0, MaxParticles, "particles whose DF-EA error is computed at the end (0: off)", func(p *Params) *int { return &p.DFEA }),
		{name: "seed", allowed: "integer in [0, 2^64)", doc: "seed of data, embedding, start states and probes",
			set: func(p *Params, v string) error {
				n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
				if err != nil {
					return fmt.Errorf("seed: %q is not an integer in [0, 2^64)", v)
				}
				p.Seed = n
				return nil
			}, get: func(p *Params) string { return strconv.FormatUint(p.Seed, 10) }},
		choiceKey("backend", []string{"auto", "cpu", "gpu"}, "where the batched math runs", func(p *Params) *string { return &p.Backend }),
	}
}

func setData(p *Params, v string) error {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "file:") {
		if len(v) == len("file:") {
			return fmt.Errorf("data: file: needs a path")
		}
		p.Data = v
		return nil
	}
	l := strings.ToLower(v)
	for _, n := range model.DatasetNames() {
		if l == n {
			p.Data = l
			return nil
		}
	}
	return fmt.Errorf("data: unknown value %q (allowed: %s, file:PATH)", v, strings.Join(model.DatasetNames(), ", "))
}

func setStart(p *Params, v string) error {
	v = strings.TrimSpace(v)
	if strings.EqualFold(v, "gaussian") || (strings.HasPrefix(v, "file:") && len(v) > len("file:")) {
		if strings.EqualFold(v, "gaussian") {
			v = "gaussian"
		}
		p.Start = v
		return nil
	}
	return fmt.Errorf("start: unknown value %q (allowed: gaussian, file:PATH)", v)
}

func setTEnd(p *Params, v string) error {
	v = strings.TrimSpace(v)
	if strings.EqualFold(v, "auto") {
		p.TEnd = 0
		return nil
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
		return fmt.Errorf("t_end: %q is not auto or a time ≥ 0", v)
	}
	p.TEnd = x
	return nil
}

func setEstimators(p *Params, v string) error {
	v = strings.TrimSpace(v)
	if v == "" || strings.EqualFold(v, "none") {
		p.Estimators = nil
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, e := range strings.Split(v, ",") {
		e = strings.ToLower(strings.TrimSpace(e))
		ok := false
		for _, n := range estimatorNames {
			ok = ok || e == n
		}
		if !ok {
			return fmt.Errorf("estimators: unknown estimator %q (allowed: %s)", e, strings.Join(estimatorNames, ", "))
		}
		if !seen[e] {
			out = append(out, e)
			seen[e] = true
		}
	}
	p.Estimators = out
	return nil
}

// Set sets the parameter named key from its text form, as in --set key=value.
// Errors name the key and the allowed values.
func (p *Params) Set(name, value string) error {
	for _, k := range keys() {
		if k.name == name {
			return k.set(p, value)
		}
	}
	return fmt.Errorf("unknown parameter %q (allowed: %s)", name, strings.Join(KeyNames(), ", "))
}

// Get returns the text form of the parameter named key, or an error.
func (p *Params) Get(name string) (string, error) {
	for _, k := range keys() {
		if k.name == name {
			return k.get(p), nil
		}
	}
	return "", fmt.Errorf("unknown parameter %q (allowed: %s)", name, strings.Join(KeyNames(), ", "))
}

// KeyNames returns every parameter key, in documentation order.
func KeyNames() []string {
	var out []string
	for _, k := range keys() {
		out = append(out, k.name)
	}
	return out
}

// KeyDoc describes one parameter for help texts and the README.
type KeyDoc struct{ Name, Allowed, Default, Doc string }

// KeyDocs documents every parameter with its allowed values and default.
func KeyDocs() []KeyDoc {
	d := Defaults()
	var out []KeyDoc
	for _, k := range keys() {
		out = append(out, KeyDoc{k.name, k.allowed, k.get(&d), k.doc})
	}
	return out
}

// Map returns every parameter's text form keyed by name.
func (p *Params) Map() map[string]string {
	m := map[string]string{}
	for _, k := range keys() {
		m[k.name] = k.get(p)
	}
	return m
}
