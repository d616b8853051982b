package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime"
	"time"

	"fisherscope/presets"
	"fisherscope/sim"
)

// benchDefaults is the workload of `fisherscope bench` without --preset: B =
// 4096 particles, N = 2048 checkerboard points, 100 DDIM steps, exact score
// and exact tr F only.
var benchDefaults = []string{"schedule=vp", "data=checkerboard", "n=2048", "particles=4096", "steps=100",
	"solver=ddim", "jacobian=off", "estimators=none", "dfea=0", "dim=2"}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f scenarioFlags
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f.register(fs, presets.Default)
	if err := fs.Parse(args); err != nil {
		return err
	}
	presetGiven := false
	fs.Visit(func(fl *flag.Flag) { presetGiven = presetGiven || fl.Name == "preset" })
	if !presetGiven {
		f.sets = append(append(setFlags{}, benchDefaults...), f.sets...)
	}
	p, err := f.load()
	if err != nil {
		return err
	}
	params := p.Runs()[0].Params
	var m0, m1 runtime.MemStats
	var t0, t1 time.Time
	last := params.Steps
	res, err := sim.Run(ctx, params, func(r sim.Row) {
		switch r.Step {
		case 0:
			runtime.ReadMemStats(&m0)
			t0 = time.Now()
		case last:
			t1 = time.Now()
			runtime.ReadMemStats(&m1)
		}
	})
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	steps := float64(last)
	el := t1.Sub(t0).Seconds()
	work := float64(params.Particles) * float64(res.Params.N) * steps
	if len(res.Data) > 0 {
		work = float64(params.Particles) * float64(len(res.Data)/2) * steps
	}
	fmt.Fprintf(stdout, "backend            %s\n", res.Backend)
	if res.Note != "" {
		fmt.Fprintf(stdout, "note               %s\n", res.Note)
	}
	fmt.Fprintf(stdout, "workload           B=%d particles, N=%d points, D=%d, %d %s steps, estimators=%v, jacobian=%s\n",
		params.Particles, len(res.Data)/2, params.Dim, last, params.Solver, params.Estimators, params.Jacobian)
	fmt.Fprintf(stdout, "steady state       %.3f s for %d steps (%.2f ms/step)\n", el, last, 1e3*el/steps)
	fmt.Fprintf(stdout, "throughput         %.3g particle·point·steps/s\n", work/el)
	fmt.Fprintf(stdout, "allocations        %.1f per step (%.0f B/step)\n", float64(m1.Mallocs-m0.Mallocs)/steps, float64(m1.TotalAlloc-m0.TotalAlloc)/steps)
	fmt.Fprintf(stdout, "total run          %.3f s (GOMAXPROCS=%d)\n", res.Elapsed.Seconds(), runtime.GOMAXPROCS(0))
	return nil
}
