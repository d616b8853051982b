package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"fisherscope/export"
	"fisherscope/presets"
	"fisherscope/sim"
)

// setFlags collects repeated --set key=value flags.
type setFlags []string

func (s *setFlags) String() string     { return strings.Join(*s, " ") }
func (s *setFlags) Set(v string) error { *s = append(*s, v); return nil }

// scenarioFlags are the flags shared by run, bench and the TUI.
type scenarioFlags struct {
	preset string
	sets   setFlags
	gpu    string
}

func (f *scenarioFlags) register(fs *flag.FlagSet, defPreset string) {
	fs.StringVar(&f.preset, "preset", defPreset, "preset name (see `fisherscope presets`) or path to a .toml file")
	fs.Var(&f.sets, "set", "override a parameter: key=value (repeatable; see README for every key)")
	fs.StringVar(&f.gpu, "gpu", "", "GPU use: auto (when present and the scenario allows), off (CPU only), force (fail without one); default: the backend parameter")
}

// gpuBackends maps --gpu values to the backend parameter.
var gpuBackends = map[string]sim.Backend{"auto": sim.BackendAuto, "off": sim.BackendCPU, "force": sim.BackendGPU}

// load returns the preset with the --set overrides applied. A --set of a
// swept key pins it: that axis of the sweep is dropped.
func (f *scenarioFlags) load() (*presets.Preset, error) {
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
		for i, ax := range p.Sweep {
			if ax.Key == k {
				p.Sweep = append(p.Sweep[:i], p.Sweep[i+1:]...)
				break
			}
		}
	}
	if f.gpu != "" {
		b, ok := gpuBackends[f.gpu]
		if !ok {
			return nil, fmt.Errorf("--gpu: unknown value %q (allowed: auto, off, force)", f.gpu)
		}
		p.Params.Backend = b
		for i, ax := range p.Sweep {
			if ax.Key == "backend" {
				p.Sweep = append(p.Sweep[:i], p.Sweep[i+1:]...)
				break
			}
		}
	}
	for _, r := range p.Runs() {
		if err := r.Params.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", strings.TrimSpace("preset "+p.Name+" "+r.Label), err)
		}
	}
	return p, nil
}

type runFlags struct {
	scenarioFlags
	format, out  string
	maxParticles int
	quiet        bool
}

func parseRunFlags(args []string, stderr io.Writer) (*runFlags, error) {
	f := &runFlags{}
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f.register(fs, presets.Default)
	fs.StringVar(&f.format, "format", "table", "output format: table, csv, json")
	fs.StringVar(&f.out, "out", "", "write the output to this file instead of standard output")
	fs.IntVar(&f.maxParticles, "max-particles", 1000, "particles listed in JSON output (-1: all)")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress lines on standard error")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("run: unexpected argument %q", fs.Arg(0))
	}
	switch f.format {
	case "table", "csv", "json":
	default:
		return nil, fmt.Errorf("run --format: unknown value %q (allowed: table, csv, json)", f.format)
	}
	return f, nil
}

func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseRunFlags(args, stderr)
	if err != nil {
		return err
	}
	p, err := f.load()
	if err != nil {
		return err
	}
	runs := p.Runs()
	results := make([]*sim.Result, len(runs))
	for i, r := range runs {
		res, err := sim.Run(ctx, r.Params, nil)
		if err != nil {
			if r.Label == "" {
				return fmt.Errorf("run: %w", err)
			}
			return fmt.Errorf("run %s: %w", r.Label, err)
		}
		results[i] = res
		if !f.quiet && len(runs) > 1 {
			fmt.Fprintf(stderr, "run %d/%d %s: %.2fs\n", i+1, len(runs), r.Label, res.Elapsed.Seconds())
		}
	}
	w := stdout
	if f.out != "" {
		fh, err := os.Create(f.out)
		if err != nil {
			return fmt.Errorf("run --out: %w", err)
		}
		defer fh.Close()
		w = fh
	}
	if err := writeRuns(w, f, p, runs, results); err != nil {
		return fmt.Errorf("run: writing output: %w", err)
	}
	if f.out != "" {
		fmt.Fprintf(stderr, "wrote %s\n", f.out)
	}
	return nil
}

func writeRuns(w io.Writer, f *runFlags, p *presets.Preset, runs []presets.Run, results []*sim.Result) error {
	var keys []string
	for _, ax := range p.Sweep {
		keys = append(keys, ax.Key)
	}
	switch f.format {
	case "json":
		doc := export.Document{Preset: p.Name, Description: p.Description, Sweep: keys}
		if len(runs) == 1 {
			r := export.NewRunJSON("", nil, results[0], f.maxParticles)
			doc.RunJSON = &r
		} else {
			for i, r := range runs {
				doc.Runs = append(doc.Runs, export.NewRunJSON(r.Label, r.Values, results[i], f.maxParticles))
			}
		}
		return export.WriteJSON(w, doc)
	case "csv":
		for i, r := range runs {
			if err := export.WriteCSV(w, r.Label, results[i], i == 0); err != nil {
				return err
			}
		}
		return nil
	}
	fmt.Fprintf(w, "# preset %s\n", p.Name)
	for _, l := range strings.Split(p.Description, "\n") {
		fmt.Fprintf(w, "# %s\n", l)
	}
	fmt.Fprintf(w, "# backend %s\n\n", results[0].Backend)
	if len(runs) == 1 {
		return export.WriteRunTable(w, results[0])
	}
	sr := make([]export.SweepRun, len(runs))
	for i, r := range runs {
		sr[i] = export.SweepRun{Values: r.Values, Result: results[i]}
	}
	return export.WriteSweepTable(w, keys, sr)
}
