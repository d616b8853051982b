package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"fisherscope/model"
	"fisherscope/peak"
	"fisherscope/sim"
)

// benchDefaults is the workload of `fisherscope bench` without --preset: B =
// 4096 particles, N = 2048 checkerboard points, 100 DDIM steps, exact score
// and exact tr F only.
func benchDefaults() setFlags {
	return setFlags{"schedule=vp", "data=checkerboard", "n=2048", "particles=4096", "steps=100",
		"solver=ddim", "jacobian=off", "estimators=none", "dfea=0", "dim=2"}
}

// benchAbout is the description in `fisherscope bench --help`.
const benchAbout = `Without --preset bench runs its own workload, not the demo: schedule=vp
data=checkerboard n=2048 particles=4096 steps=100 solver=ddim jacobian=off
estimators=none dfea=0 dim=2 (the parameter list below shows the demo's
defaults; --set changes either). It prints the steady state, the posterior
kernel the data took and, for a bare posterior step, its GFLOP/s against this
machine's FMA peak measured in the same run. --table runs that workload at
D = 2, 8, 64, 256 in the plane and off it.`

// setupBench defines the flags of `fisherscope bench`: the scenario flags;
// without --preset the workload is benchDefaults.
func setupBench(fs *flag.FlagSet) action {
	var f scenarioFlags
	f.register(fs)
	// Without --preset bench runs its own workload, not the demo.
	pf := fs.Lookup("preset")
	pf.DefValue, pf.Usage = "", "the scenario `NAME|FILE` (default: the bench workload, B=4096, N=2048, 100 DDIM steps, exact trace only)"
	profile := fs.String("cpuprofile", "", "write a CPU profile of the run to `FILE` (read it with go tool pprof)")
	table := fs.Bool("table", false, "instead of one run: the workload (20 steps unless set) at D = 2, 8, 64, 256, in the plane and off it (ambient_noise=0.05), one line each")
	return func(ctx context.Context, _ []string, stdout, stderr io.Writer) error {
		presetGiven := false
		fs.Visit(func(fl *flag.Flag) { presetGiven = presetGiven || fl.Name == "preset" })
		if *table {
			if err := checkTableFlags(presetGiven, f.sets); err != nil {
				return refused(err)
			}
		}
		if !presetGiven {
			defaults := benchDefaults()
			if *table { // eight runs: 20 steps each by default
				defaults = append(defaults, "steps=20")
			}
			f.sets = append(defaults, f.sets...)
		}
		p, err := f.load()
		if err != nil {
			return err
		}
		pk := peak.Measure(300 * time.Millisecond) // before the profile starts
		if *profile != "" {
			stop, err := startProfile(*profile)
			if err != nil {
				return fmt.Errorf("bench: --cpuprofile: %w", err)
			}
			defer stop()
		}
		bar := newProgress(stderr, false)
		if *table {
			return runBenchTable(ctx, p.Runs()[0].Params, &f, stdout, bar, pk)
		}
		return runBench(ctx, p.Runs()[0].Params, &f, stdout, bar, pk)
	}
}

// checkTableFlags refuses what --table would ignore: a preset (the table runs
// the bench workload) and the keys it sets itself.
func checkTableFlags(presetGiven bool, sets setFlags) error {
	if presetGiven {
		return errors.New("bench: --table runs the bench workload at each D; it takes --set (particles, n, steps, …), not --preset")
	}
	for _, kv := range sets {
		if k, _, _ := strings.Cut(kv, "="); k == "dim" || k == "ambient_noise" {
			return fmt.Errorf("bench: --table sets %s itself (D = 2, 8, 64, 256; ambient_noise 0 and 0.05); drop --set %s", k, kv)
		}
	}
	return nil
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
	peak    peak.Peak
}

// work is the particle·point·steps of the steady state.
func (st *benchStats) work() float64 {
	n := float64(st.res.Params.N)
	if len(st.res.Data) > 0 {
		n = float64(len(st.res.Data) / 2)
	}
	return float64(st.params.Particles) * n * float64(st.params.Steps)
}

// gflops is the posterior's arithmetic rate (0 when its kernel is not counted).
func (st *benchStats) gflops() float64 {
	return st.work() * st.res.Kernel.Flops / st.seconds / 1e9
}

// runBench runs params once and reports its steady-state speed.
func runBench(ctx context.Context, params sim.Params, f *scenarioFlags, stdout io.Writer, bar *progress, pk peak.Peak) error {
	st, err := benchOnce(ctx, params, f, bar)
	if err != nil {
		return err
	}
	st.peak = pk
	if err := printBench(stdout, st); err != nil {
		return fmt.Errorf("bench: writing output: %w", err)
	}
	return nil
}

// benchOnce runs params and measures the steady state.
func benchOnce(ctx context.Context, params sim.Params, f *scenarioFlags, bar *progress) (*benchStats, error) {
	st := &benchStats{params: params}
	var t0, t1 time.Time
	last := st.params.Steps
	acc := sim.NewAccelerator()
	defer acc.Close()
	bar.begin("bench")
	var err error
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
	if errors.Is(err, context.Canceled) {
		return nil, errors.New("bench: interrupted")
	}
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	st.seconds = t1.Sub(t0).Seconds()
	return st, nil
}

// printBench writes the report of a bench run.
func printBench(w io.Writer, st *benchStats) error {
	params, res, el := st.params, st.res, st.seconds
	steps := float64(params.Steps)
	work := st.work()
	var b bytes.Buffer
	fmt.Fprintf(&b, "backend            %s\n", res.Backend)
	if res.Note != "" {
		fmt.Fprintf(&b, "note               %s\n", res.Note)
	}
	fmt.Fprintf(&b, "workload           B=%d particles, N=%d points, D=%d, %d %s steps, estimators=%s, jacobian=%s\n",
		params.Particles, len(res.Data)/2, params.Dim, params.Steps, params.Solver, estimatorList(params.Estimators), params.Jacobian)
	fmt.Fprintf(&b, "steady state       %.3f s for %d steps (%.2f ms/step)\n", el, params.Steps, 1e3*el/steps)
	fmt.Fprintf(&b, "throughput         %.3g particle·point·steps/s\n", work/el)
	fmt.Fprintf(&b, "posterior kernel   %s\n", kernelLine(res.Kernel))
	if g := st.gflops(); g > 0 && bareStep(params) {
		fmt.Fprintf(&b, "arithmetic         %s\n", arithmeticLine(g, st.peak))
	} else if g > 0 {
		fmt.Fprintf(&b, "arithmetic         — (the step also runs estimators, Φ or DF-EA; set estimators=none jacobian=off dfea=0 for the kernel's rate)\n")
	}
	fmt.Fprintf(&b, "allocations        %.1f per step (%.0f B/step)\n", float64(st.m1.Mallocs-st.m0.Mallocs)/steps, float64(st.m1.TotalAlloc-st.m0.TotalAlloc)/steps)
	fmt.Fprintf(&b, "total run          %.3f s (GOMAXPROCS=%d)\n", res.Elapsed.Seconds(), runtime.GOMAXPROCS(0))
	_, err := w.Write(b.Bytes())
	return err
}

// estimatorList writes estimators the way --set takes them ("none" for none).
func estimatorList(es []sim.Estimator) string {
	if len(es) == 0 {
		return "none"
	}
	names := make([]string, len(es))
	for i, e := range es {
		names[i] = fmt.Sprint(e)
	}
	return strings.Join(names, ",")
}

// bareStep reports whether a step of params is the posterior and the state
// update only, so that its time is the kernel's.
func bareStep(p sim.Params) bool {
	return len(p.Estimators) == 0 && p.Jacobian == sim.JacobianOff && p.DFEA == 0 && p.Guide == 0
}

// kernelLine describes the posterior kernel and its flop count.
func kernelLine(k model.Kernel) string {
	if k.Flops == 0 {
		return k.Name + " (flops not counted)"
	}
	return fmt.Sprintf("%s, %.0f flops per particle·point", k.Name, k.Flops)
}

// arithmeticLine states the posterior's rate against the measured peak.
func arithmeticLine(g float64, pk peak.Peak) string {
	if pk.GFLOPS == 0 {
		return fmt.Sprintf("%.1f GFLOP/s in the posterior (no FMA peak measured on this CPU)", g)
	}
	return fmt.Sprintf("%.1f GFLOP/s in the posterior = %.0f %% of this machine's FMA peak, %.0f GFLOP/s (%s, %d cores, measured now)",
		g, 100*g/pk.GFLOPS, pk.GFLOPS, pk.ISA, pk.Cores)
}

// benchTableDims are the dimensions of bench --table.
var benchTableDims = []int{2, 8, 64, 256}

// runBenchTable runs base (the default workload with the --set overrides) at each
// of benchTableDims in the plane and off it, and prints one line per run.
func runBenchTable(ctx context.Context, base sim.Params, f *scenarioFlags, stdout io.Writer, bar *progress, pk peak.Peak) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "B=%d particles, N=%d points, %d %s steps; FMA peak %.0f GFLOP/s (%s, %d cores, measured now)\n",
		base.Particles, base.N, base.Steps, base.Solver, pk.GFLOPS, pk.ISA, pk.Cores)
	fmt.Fprintf(&b, "%5s  %-6s  %-24s  %9s  %12s  %8s  %8s  %6s\n", "D", "data", "kernel", "ms/step", "pt·pt·st/s", "flops/pt", "GFLOP/s", "peak")
	flush := func() error { // each line as soon as its run is done
		_, err := stdout.Write(b.Bytes())
		b.Reset()
		if err != nil {
			return fmt.Errorf("bench: writing output: %w", err)
		}
		return nil
	}
	if err := flush(); err != nil {
		return err
	}
	for _, d := range benchTableDims {
		for _, noise := range []float64{0, 0.05} {
			params := base
			params.Dim, params.AmbientNoise = d, noise
			if d == 2 && noise > 0 {
				params.AmbientNoise = 0.05 // noisy 2-D points: no plane, the same kernel
			}
			st, err := benchOnce(ctx, params, f, bar)
			if err != nil {
				return err
			}
			where := "plane"
			if noise > 0 {
				where = "noisy"
			}
			g := st.gflops()
			share := "—"
			if g > 0 && pk.GFLOPS > 0 {
				share = fmt.Sprintf("%.0f %%", 100*g/pk.GFLOPS)
			}
			fmt.Fprintf(&b, "%5d  %-6s  %-24s  %9.2f  %12.3g  %8.0f  %8.1f  %6s\n", d, where, st.res.Kernel.Name,
				1e3*st.seconds/float64(params.Steps), st.work()/st.seconds, st.res.Kernel.Flops, g, share)
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return nil
}
