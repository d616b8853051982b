package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"fisherscope/presets"
	"fisherscope/sim"
)

// newFlagSet returns an empty flag set for a command. It prints nothing:
// run reports parse errors and writes --help itself.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// repeatable is implemented by flag values that may be given more than once;
// the usage text marks them with "...".
type repeatable interface{ repeatable() }

// setFlags collects repeated --set key=value flags.
type setFlags []string

func (s *setFlags) String() string     { return strings.Join(*s, " ") }
func (s *setFlags) Set(v string) error { *s = append(*s, v); return nil }
func (s *setFlags) repeatable()        {}

// choiceFlag is a string flag restricted to a fixed list of values; the
// usage text shows them as its placeholder (a|b|c).
type choiceFlag struct {
	value   string
	allowed []string
}

// newChoice returns a choice flag with the default def ("" for none).
func newChoice(def string, allowed ...string) *choiceFlag {
	return &choiceFlag{value: def, allowed: allowed}
}

func (c *choiceFlag) String() string {
	if c == nil {
		return ""
	}
	return c.value
}

func (c *choiceFlag) Set(v string) error {
	if !slices.Contains(c.allowed, v) {
		return fmt.Errorf("unknown value %q (allowed: %s)", v, strings.Join(c.allowed, ", "))
	}
	c.value = v
	return nil
}

// placeholder is the argument name shown after the flag in usage texts:
// the choices of a choice flag, the back-quoted word of its usage string,
// or nothing for a boolean flag.
func placeholder(fl *flag.Flag) string {
	if c, ok := fl.Value.(*choiceFlag); ok {
		return strings.Join(c.allowed, "|")
	}
	name, _ := flag.UnquoteUsage(fl)
	return name
}

// scenarioFlags are the flags that choose a scenario: shared by tui, run,
// bench and serve.
type scenarioFlags struct {
	preset    string
	sets      setFlags
	gpu       *choiceFlag
	maxMemory bytesFlag
}

// limits are the engine limits the flags ask for.
func (f *scenarioFlags) limits() sim.Limits { return sim.Limits{MaxMemory: int64(f.maxMemory)} }

// register defines --preset, --set and --gpu on fs.
func (f *scenarioFlags) register(fs *flag.FlagSet) {
	f.gpu = newChoice("", "auto", "off", "force")
	fs.StringVar(&f.preset, "preset", presets.Default, "the scenario `NAME|FILE`: an embedded preset (see fisherscope presets) or a .toml file")
	fs.Var(&f.sets, "set", "override a parameter: `key=value` (repeatable; README.md lists every key)")
	fs.Var(&f.maxMemory, "max-memory", "refuse scenarios whose estimated memory exceeds `SIZE` (e.g. 8GiB; default: half the physical memory)")
	fs.Var(f.gpu, "gpu", "GPU use: auto (when present and the scenario allows), off (CPU only), force (fail without one); default: the backend parameter")
}

// gpuBackend maps a --gpu value to the backend parameter.
func gpuBackend(v string) sim.Backend {
	switch v {
	case "off":
		return sim.BackendCPU
	case "force":
		return sim.BackendGPU
	}
	return sim.BackendAuto
}

// load returns the preset with the --set and --gpu overrides applied. A
// --set of a swept key pins it: that axis of the sweep is dropped. Every
// error is refused input.
func (f *scenarioFlags) load() (*presets.Preset, error) {
	p, err := f.loadPreset()
	if err != nil {
		return nil, refused(err)
	}
	return p, nil
}

// loadPreset loads the preset and applies the overrides.
func (f *scenarioFlags) loadPreset() (*presets.Preset, error) {
	p, err := presets.Load(f.preset)
	if err != nil {
		return nil, err
	}
	for _, kv := range f.sets {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("--set %q: want key=value", kv)
		}
		k = strings.TrimSpace(k)
		if err := p.Params.Set(k, v); err != nil {
			return nil, fmt.Errorf("--set: %w", err)
		}
		p.Sweep = dropAxis(p.Sweep, k)
	}
	if g := f.gpu.String(); g != "" {
		p.Params.Backend = gpuBackend(g)
		p.Sweep = dropAxis(p.Sweep, "backend")
	}
	for _, r := range p.Runs() {
		if err := r.Params.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", strings.TrimSpace("preset "+p.Name+" "+r.Label), err)
		}
	}
	return p, nil
}

// dropAxis returns the sweep without the axis of key.
func dropAxis(sweep []presets.Axis, key string) []presets.Axis {
	return slices.DeleteFunc(sweep, func(ax presets.Axis) bool { return ax.Key == key })
}

// bytesFlag is a size in bytes, given as a number with an optional binary
// unit: 512MiB, 8GiB, 1.5TiB, or plain bytes. 0 means the default.
type bytesFlag int64

func (b *bytesFlag) String() string {
	if b == nil || *b == 0 {
		return ""
	}
	return sim.FormatBytes(int64(*b))
}

func (b *bytesFlag) Set(v string) error {
	n, err := parseBytes(v)
	if err != nil {
		return err
	}
	*b = bytesFlag(n)
	return nil
}

// parseBytes reads "8GiB", "512 MiB", "1e9" (bytes); units KiB…TiB, also
// written K, M, G, T or KB, MB, GB, TB (all binary).
func parseBytes(v string) (int64, error) {
	s := strings.TrimSpace(v)
	mult := 1.0
	for i, u := range []string{"K", "M", "G", "T"} {
		for _, suf := range []string{u + "iB", u + "B", u} {
			if rest, ok := strings.CutSuffix(s, suf); ok {
				s, mult = strings.TrimSpace(rest), float64(int64(1)<<(10*(i+1)))
				break
			}
		}
		if mult != 1 {
			break
		}
	}
	s = strings.TrimSuffix(s, "B")
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || x < 0 || math.IsNaN(x) || x*mult > 1<<60 || (x*mult < 1 && x != 0) || math.Signbit(x) {
		return 0, fmt.Errorf("%q is not a size (e.g. 512MiB, 8GiB; at most 1 EiB)", v)
	}
	return int64(x * mult), nil
}
