package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"fisherscope/export"
	"fisherscope/paper"
	"fisherscope/presets"
	"fisherscope/sim"
)

// runFlags are the flags of `fisherscope run`.
type runFlags struct {
	scenarioFlags
	format       *choiceFlag
	out          string
	maxParticles int
	quiet        bool
	shard        string
	shardCount   int
}

// setupRun defines the flags of `fisherscope run`: the scenario flags and
// the output format, file and detail.
func setupRun(fs *flag.FlagSet) action {
	f := &runFlags{format: newChoice("table", "table", "csv", "json")}
	f.register(fs)
	fs.Var(f.format, "format", "output format")
	fs.StringVar(&f.out, "out", "", "write the output to `FILE` instead of standard output")
	fs.IntVar(&f.maxParticles, "max-particles", 1000, "list the first `N` particles in JSON output (-1: all)")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress lines on standard error")
	fs.StringVar(&f.shard, "shard", "", "run only share `i/n` of a sweep (runs with index mod n = i; JSON output for `fisherscope merge`), or auto (Slurm array, Kubernetes Indexed Job)")
	fs.IntVar(&f.shardCount, "shard-count", 0, "with --shard auto in a Kubernetes Indexed Job: the number `N` of completions")
	return func(ctx context.Context, _ []string, stdout, stderr io.Writer) error {
		return f.run(ctx, stdout, stderr)
	}
}

// run runs every combination of the preset's sweep, then writes them all.
func (f *runFlags) run(ctx context.Context, stdout, stderr io.Writer) error {
	p, err := f.load()
	if err != nil {
		return err
	}
	if p.Report != "" {
		if f.shard != "" {
			return refused(fmt.Errorf("preset %s: report %s cannot be sharded (it is one measurement)", p.Name, p.Report))
		}
		return f.runReport(ctx, p, stdout, stderr)
	}
	runs := p.Runs()
	var shard *shardSpec
	if f.shard != "" {
		s, err := parseShard(f.shard, f.shardCount, os.Getenv)
		if err != nil {
			return refused(err)
		}
		if f.format.String() != "json" {
			return refused(fmt.Errorf("--shard writes JSON for fisherscope merge (allowed: --format json)"))
		}
		shard = &s
	}
	index := make([]int, 0, len(runs))
	for i := range runs {
		if shard == nil || shard.owns(i) {
			index = append(index, i)
		}
	}
	total := len(runs)
	mine := make([]presets.Run, len(index))
	for k, i := range index {
		mine[k] = runs[i]
	}
	runs = mine
	lim := f.limits()
	ps := make([]sim.Params, len(runs))
	for i, r := range runs {
		ps[i] = r.Params
	}
	if err := lim.CheckSweep(ps); err != nil {
		return refused(fmt.Errorf("preset %s: %w", p.Name, err))
	}
	acc := sim.NewAccelerator()
	defer acc.Close()
	results := make([]*sim.Result, len(runs))
	bar := newProgress(stderr, f.quiet)
	for i, r := range runs {
		bar.begin(strings.TrimSpace(fmt.Sprintf("run %d/%d %s", i+1, len(runs), r.Label)))
		steps := r.Params.Steps + 1
		res, err := sim.RunWith(ctx, r.Params, func(row sim.Row) { bar.update(row.Step+1, steps) }, acc, lim)
		bar.end()
		if err != nil {
			return fmt.Errorf("%s: %w", strings.TrimSpace("run "+r.Label), err)
		}
		results[i] = res
		if !f.quiet && len(runs) > 1 {
			fmt.Fprintf(stderr, "run %d/%d %s: %.2fs\n", i+1, len(runs), r.Label, res.Elapsed.Seconds())
		}
	}
	write := func(w io.Writer) error { return writeRuns(w, f, p, runs, results) }
	if shard != nil {
		info := &export.Shard{Index: shard.index, Count: shard.count, Total: total, Runs: index, Key: shardKey(p, f.maxParticles)}
		write = func(w io.Writer) error { return writeShard(w, f, p, runs, results, info) }
	}
	if f.out == "" {
		if err := writeBuffered(stdout, write); err != nil {
			return fmt.Errorf("run: writing output: %w", err)
		}
		return nil
	}
	if err := writeFile(f.out, write); err != nil {
		return fmt.Errorf("run --out %s: %w", f.out, err)
	}
	fmt.Fprintf(stderr, "wrote %s\n", f.out)
	return nil
}

// writeBuffered calls write with a buffer on w and flushes it: the first
// write error, from write or the flush, is returned.
func writeBuffered(w io.Writer, write func(io.Writer) error) error {
	bw := bufio.NewWriter(w)
	if err := write(bw); err != nil {
		return err
	}
	return bw.Flush()
}

// writeFile creates path and writes it with write; the errors of writing
// and of closing the file are returned.
func writeFile(path string, write func(io.Writer) error) error {
	fh, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := writeBuffered(fh, write); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}

// writeRuns writes the results in the chosen format.
func writeRuns(w io.Writer, f *runFlags, p *presets.Preset, runs []presets.Run, results []*sim.Result) error {
	var keys []string
	for _, ax := range p.Sweep {
		keys = append(keys, ax.Key)
	}
	switch f.format.String() {
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

// runReport prints the table a report preset asks for (the paper's Table 1
// or 2, measured on learned networks against the exact truth).
func (f *runFlags) runReport(ctx context.Context, p *presets.Preset, stdout, stderr io.Writer) error {
	if f.format.String() != "table" {
		return refused(fmt.Errorf("preset %s: report %s prints a table only (allowed: --format table)", p.Name, p.Report))
	}
	if len(p.Sweep) > 0 {
		return refused(fmt.Errorf("preset %s: a report preset cannot sweep", p.Name))
	}
	bar := newProgress(stderr, f.quiet)
	env := sim.Env{Limits: f.limits(), OnTrain: func(tp sim.TrainProgress) {
		bar.label = fmt.Sprintf("train %s net · loss %.4g", tp.Net, tp.Loss)
		bar.update(tp.Step, tp.Steps)
	}}
	bar.begin("preparing " + p.Report)
	write := func(w io.Writer) error {
		fmt.Fprintf(w, "# preset %s\n", p.Name)
		for _, l := range strings.Split(p.Description, "\n") {
			fmt.Fprintf(w, "# %s\n", l)
		}
		if p.Report == "guidance" {
			gs, err := paper.MeasureGuidanceDefault(ctx, p.Params, env)
			bar.end()
			if err != nil {
				return err
			}
			for i, g := range gs {
				if i > 0 {
					fmt.Fprintln(w)
				}
				if err := paper.WriteGuidance(w, g); err != nil {
					return err
				}
			}
			return nil
		}
		if p.Report == "table1" {
			rows, err := paper.MeasureTable1(ctx, p.Params, env, 200)
			bar.end()
			if err != nil {
				return err
			}
			return paper.WriteTable1(w, rows)
		}
		t, err := paper.MeasureTable2(ctx, p.Params, env)
		bar.end()
		if err != nil {
			return err
		}
		return t.Write(w)
	}
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return fmt.Errorf("%s: %w", p.Report, err)
	}
	if f.out != "" {
		return writeFile(f.out, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err })
	}
	_, err := stdout.Write(buf.Bytes())
	return err
}

// writeShard writes a shard's runs as a JSON document for fisherscope merge
// (always the list form, with the sweep indices of its runs).
func writeShard(w io.Writer, f *runFlags, p *presets.Preset, runs []presets.Run, results []*sim.Result, info *export.Shard) error {
	var keys []string
	for _, ax := range p.Sweep {
		keys = append(keys, ax.Key)
	}
	doc := export.Document{Preset: p.Name, Description: p.Description, Sweep: keys, Shard: info, Runs: []export.RunJSON{}}
	for i, r := range runs {
		doc.Runs = append(doc.Runs, export.NewRunJSON(r.Label, r.Values, results[i], f.maxParticles))
	}
	return export.WriteJSON(w, doc)
}
