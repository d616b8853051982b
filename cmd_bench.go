package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"fisherscope/sim"
)

// benchDefaults is the workload of `fisherscope bench` without --preset: B =
// 4096 particles, N = 2048 checkerboard points, 100 DDIM steps, exact score
// and exact tr F only.
func benchDefaults() setFlags {
	return setFlags{"schedule=vp", "data=checkerboard", "n=2048", "particles=4096", "steps=100",
		"solver=ddim", "jacobian=off", "estimators=none", "dfea=0", "dim=2"}
}

// setupBench defines the flags of `fisherscope bench`: the scenario flags;
// without --preset the workload is benchDefaults.
func setupBench(fs *flag.FlagSet) action {
	var f scenarioFlags
	f.register(fs)
	profile := fs.String("cpuprofile", "", "write a CPU profile of the run to `FILE` (read it with go tool pprof)")
	return func(ctx context.Context, _ []string, stdout, stderr io.Writer) error {
		presetGiven := false
		fs.Visit(func(fl *flag.Flag) { presetGiven = presetGiven || fl.Name == "preset" })
		if !presetGiven {
			f.sets = append(benchDefaults(), f.sets...)
		}
		if *profile != "" {
			stop, err := startProfile(*profile)
			if err != nil {
				return refused(fmt.Errorf("bench: --cpuprofile: %w", err))
			}
			defer stop()
		}
		return runBench(ctx, &f, stdout, newProgress(stderr, false))
	}
}

// startProfile starts a CPU profile written to path and returns the function
// that stops it and closes the file.
func startProfile(path string) (stop func(), err error) {
	out, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		out.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		out.Close()
	}, nil
}

// benchStats are the measurements of one bench run.
type benchStats struct {
	params  sim.Params
	res     *sim.Result
	seconds float64 // steady state: from step 0 to the last step
	m0, m1  runtime.MemStats
}

// runBench runs the scenario once and reports its steady-state speed.
func runBench(ctx context.Context, f *scenarioFlags, stdout io.Writer, bar *progress) error {
	p, err := f.load()
	if err != nil {
		return err
	}
	st := benchStats{params: p.Runs()[0].Params}
	var t0, t1 time.Time
	last := st.params.Steps
	acc := sim.NewAccelerator()
	defer acc.Close()
	bar.begin("bench")
	st.res, err = sim.RunWith(ctx, st.params, func(r sim.Row) {
		bar.update(r.Step+1, last+1)
		switch r.Step {
		case 0:
			runtime.ReadMemStats(&st.m0)
			t0 = time.Now()
		case last:
			t1 = time.Now()
			runtime.ReadMemStats(&st.m1)
		}
	}, acc, f.limits())
	bar.end()
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	st.seconds = t1.Sub(t0).Seconds()
	if err := printBench(stdout, &st); err != nil {
		return fmt.Errorf("bench: writing output: %w", err)
	}
	return nil
}

// printBench writes the report of a bench run.
func printBench(w io.Writer, st *benchStats) error {
	params, res, el := st.params, st.res, st.seconds
	steps := float64(params.Steps)
	work := float64(params.Particles) * float64(res.Params.N) * steps
	if len(res.Data) > 0 {
		work = float64(params.Particles) * float64(len(res.Data)/2) * steps
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "backend            %s\n", res.Backend)
	if res.Note != "" {
		fmt.Fprintf(&b, "note               %s\n", res.Note)
	}
	fmt.Fprintf(&b, "workload           B=%d particles, N=%d points, D=%d, %d %s steps, estimators=%v, jacobian=%s\n",
		params.Particles, len(res.Data)/2, params.Dim, params.Steps, params.Solver, params.Estimators, params.Jacobian)
	fmt.Fprintf(&b, "steady state       %.3f s for %d steps (%.2f ms/step)\n", el, params.Steps, 1e3*el/steps)
	fmt.Fprintf(&b, "throughput         %.3g particle·point·steps/s\n", work/el)
	fmt.Fprintf(&b, "allocations        %.1f per step (%.0f B/step)\n", float64(st.m1.Mallocs-st.m0.Mallocs)/steps, float64(st.m1.TotalAlloc-st.m0.TotalAlloc)/steps)
	fmt.Fprintf(&b, "total run          %.3f s (GOMAXPROCS=%d)\n", res.Elapsed.Seconds(), runtime.GOMAXPROCS(0))
	_, err := w.Write(b.Bytes())
	return err
}
