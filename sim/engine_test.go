package sim

import (
	"context"
	"errors"
	"fisherscope/model"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"
)

// small returns a quick scenario exercising every measurement.
func small() Params {
	p := Defaults()
	p.Particles, p.Steps, p.N, p.Repeats, p.DFEA = 40, 20, 200, 3, 8
	p.Estimators = []Estimator{Hutchinson, HutchPP, NAHutchPP, XTrace}
	return p
}

func runOnce(t *testing.T, p Params) *Result {
	t.Helper()
	res, err := Run(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestDeterministicAcrossCores: identical results for GOMAXPROCS 1, 2 and 7,
// in the plane and off it (the blocked kernel's tiles, a particle count that
// is no multiple of the chunk, Hutch++ sketches kept across steps).
func TestDeterministicAcrossCores(t *testing.T) {
	full := small()
	full.Dim, full.AmbientNoise, full.Particles, full.Refresh = 9, 0.05, 37, 3
	for _, p := range []Params{small(), full} {
		deterministicAcrossCores(t, p)
	}
}

func deterministicAcrossCores(t *testing.T, p Params) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var ref *Result
	for _, procs := range []int{1, 2, 7} {
		runtime.GOMAXPROCS(procs)
		res := runOnce(t, p)
		if ref == nil {
			ref = res
			continue
		}
		for i := range res.Particles {
			for j := range res.Particles[i].End {
				if res.Particles[i].End[j] != ref.Particles[i].End[j] {
					t.Fatalf("GOMAXPROCS=%d: particle %d differs", procs, i)
				}
			}
			if !same(res.Particles[i].LogLik, ref.Particles[i].LogLik) || !same(res.Particles[i].AsymOffDiag, ref.Particles[i].AsymOffDiag) {
				t.Fatalf("GOMAXPROCS=%d: particle %d metrics differ", procs, i)
			}
		}
		for i, r := range res.Rows {
			for e := range r.Est {
				if !same(r.Est[e].Variance.Mean, ref.Rows[i].Est[e].Variance.Mean) || r.Est[e].MatVecs != ref.Rows[i].Est[e].MatVecs {
					t.Fatalf("GOMAXPROCS=%d: row %d estimator %s differs", procs, i, r.Est[e].Name)
				}
			}
			if !same(r.DFEA.Mean, ref.Rows[i].DFEA.Mean) {
				t.Fatalf("GOMAXPROCS=%d: row %d DF-EA differs", procs, i)
			}
		}
	}
}

func same(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

// TestSeedMatters: another seed gives other probes and starts.
func TestSeedMatters(t *testing.T) {
	p := small()
	a := runOnce(t, p)
	p.Seed = 2
	b := runOnce(t, p)
	if a.Particles[0].Start[0] == b.Particles[0].Start[0] {
		t.Error("seed does not change the start states")
	}
}

// TestRowsAreSane checks the rows' structure and basic facts.
func TestRowsAreSane(t *testing.T) {
	p := small()
	res := runOnce(t, p)
	if len(res.Rows) != p.Steps+1 {
		t.Fatalf("%d rows, want %d", len(res.Rows), p.Steps+1)
	}
	r0 := res.Rows[0]
	if r0.AsymFull.Mean != 0 || r0.T != 1 {
		t.Errorf("row 0: asym %g t %g", r0.AsymFull.Mean, r0.T)
	}
	for _, r := range res.Rows {
		if r.TraceF.N != p.Particles {
			t.Fatalf("row %d: %d finite traces", r.Step, r.TraceF.N)
		}
		for _, e := range r.Est {
			if e.MatVecs <= 0 || math.IsNaN(e.RelErr.Mean) {
				t.Fatalf("row %d %s: matvecs %d relerr %g", r.Step, e.Name, e.MatVecs, e.RelErr.Mean)
			}
		}
	}
	// hutchinson spends exactly m per draw.
	if got, want := res.Rows[3].Est[0].MatVecs, int64(p.Particles*p.Repeats*p.Probes); got != want {
		t.Errorf("hutchinson matvecs %d, want %d", got, want)
	}
	// The exact-trace likelihood converges at the solver's order: the identity
	// d/dt log q(x_t) = −tr J holds along exact PF-ODE paths only, so a DDIM
	// path is first order (halving the step halves the error at t = 0.75) and
	// RK4 with its own stages fourth order (÷16).
	for _, c := range []struct {
		solver Solver
		jac    Jacobian
		lo, hi float64
	}{{model.DDIM, JacobianDDIM, 1.6, 2.6}, {model.RK4, JacobianRK4, 12, 20}} {
		q := p
		q.Solver, q.Jacobian, q.Estimators = c.solver, c.jac, nil
		coarse := runOnce(t, q)
		q.Steps *= 2
		fine := runOnce(t, q)
		ce, fe := coarse.Rows[5].NLLErr.Mean, fine.Rows[10].NLLErr.Mean
		if ratio := ce / fe; ratio < c.lo || ratio > c.hi {
			t.Errorf("%s: log-likelihood error %g → %g when halving the step (ratio %.2f, want in [%g, %g])", c.solver, ce, fe, ratio, c.lo, c.hi)
		}
	}
	if res.Rows[len(res.Rows)-1].DFEA.N != p.DFEA {
		t.Errorf("DF-EA filled for %d particles, want %d", res.Rows[len(res.Rows)-1].DFEA.N, p.DFEA)
	}
}

// TestRefreshSavesWork: with q = 5 the sketch is rebuilt every fifth step only.
func TestRefreshSavesWork(t *testing.T) {
	p := small()
	p.Estimators, p.Probes, p.Sketch, p.Target, p.Dim, p.Probe = []Estimator{HutchPP}, 9, 3, TargetCov, 8, model.Gaussian
	p.AmbientNoise, p.Jacobian = 0.05, JacobianOff
	p.Refresh = 5
	res := runOnce(t, p)
	for _, r := range res.Rows {
		want := int64(0)
		if r.Step%5 == 0 {
			want = int64(p.Particles * p.Repeats)
		}
		if r.Est[0].QRs != want {
			t.Fatalf("row %d: %d QRs, want %d", r.Step, r.Est[0].QRs, want)
		}
	}
}

// TestRunCancellation: a cancelled context stops Run promptly with its error.
func TestRunCancellation(t *testing.T) {
	p := Defaults()
	p.Particles, p.Steps = 2000, 5000
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	start := time.Now()
	_, err := Run(ctx, p, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cancellation took %v", d)
	}
}

// TestEngineRestartPauseAndLeaks drives the engine like the TUI does.
func TestEngineRestartPauseAndLeaks(t *testing.T) {
	before := runtime.NumGoroutine()
	e := NewEngine()
	p := small()
	p.Steps = 400
	if err := e.Restart(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	bad := p
	bad.Solver = model.RK4 // with jacobian ddim: invalid
	if err := e.Restart(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "jacobian") {
		t.Fatalf("invalid restart: %v", err)
	}
	if f := e.Latest(); f == nil || f.Params.Solver != model.DDIM {
		t.Fatal("an invalid restart replaced the running scenario")
	}
	e.SetPaused(true)
	time.Sleep(30 * time.Millisecond)
	n1 := len(e.Latest().Rows)
	time.Sleep(30 * time.Millisecond)
	if n2 := len(e.Latest().Rows); n2 > n1+1 {
		t.Fatalf("paused engine advanced from %d to %d rows", n1, n2)
	}
	e.StepOnce()
	waitFor(t, func() bool { return len(e.Latest().Rows) > n1 })
	e.SetPaused(false)
	q := small()
	q.Schedule = "ve"
	for i := 0; i < 5; i++ {
		if err := e.Restart(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, func() bool { f := e.Latest(); return f.Done && f.Params.Schedule == "ve" })
	if f := e.Latest(); f.Err != "" || len(f.Rows) != q.Steps+1 || f.Backend == "" {
		t.Fatalf("final frame: err %q rows %d backend %q", f.Err, len(f.Rows), f.Backend)
	}
	e.Stop()
	waitFor(t, func() bool { return runtime.NumGoroutine() <= before })
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 10 s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestStepDoesNotAllocate: the exact-score, exact-trace step of the bench
// workload allocates nothing in steady state.
func TestStepDoesNotAllocate(t *testing.T) {
	p := Defaults()
	p.Particles, p.N, p.Estimators, p.Jacobian, p.DFEA = 64, 256, nil, JacobianOff, 0
	sc, err := buildScenario(p, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	bt := newBatch(sc)
	be := newCPU(bt, 2)
	defer be.Close()
	rd := newReducer(bt)
	ctx := context.Background()
	i := 0
	allocs := testing.AllocsPerRun(50, func() {
		bt.clearRow()
		bt.recordTrajectory(i)
		if err := be.Step(ctx, bt, i); err != nil {
			t.Fatal(err)
		}
		_ = rd.row(bt, i)
		i++
	})
	if allocs != 0 {
		t.Errorf("%v allocations per step", allocs)
	}
}

func TestValidationMessages(t *testing.T) {
	cases := map[string]string{
		"particles=0":        "particles",
		"schedule=warp":      "allowed",
		"probes=-1":          "probes",
		"t_end=7":            "t_end",
		"data=file:":         "path",
		"estimators=foo":     "estimators",
		"repeats=1e9":        "repeats",
		"dim=1":              "dim",
		"probe=cauchy":       "rademacher",
		"backend=tpu":        "auto, cpu, gpu",
		"ambient_noise=NaN":  "ambient_noise",
		"seed=-1":            "seed",
		"nonsense=1":         "unknown parameter",
		"steps=1000000000":   "steps",
		"target=everything":  "fisher, cov",
		"jacobian=sometimes": "script",
	}
	for kv, want := range cases {
		p := Defaults()
		k, v, _ := strings.Cut(kv, "=")
		err := p.Set(k, v)
		if err == nil {
			err = p.Validate()
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v lacks %q", kv, err, want)
		}
	}
	p := Defaults()
	p.Estimators, p.Probes, p.Sketch = []Estimator{HutchPP}, 4, 2
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "2k+1") {
		t.Errorf("hutch++ budget: %v", err)
	}
	p = Defaults()
	p.Backend = BackendGPU
	if _, err := Run(context.Background(), p, nil); !errors.Is(err, ErrNoGPU) {
		t.Errorf("backend gpu: %v", err)
	}
	for _, k := range KeyNames() {
		d := Defaults()
		v, err := d.Get(k)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Set(k, v); err != nil {
			t.Errorf("%s: default %q does not round-trip: %v", k, v, err)
		}
	}
}

// TestWorkerPanicBecomesError: a panic inside the math ends the run with an
// error instead of crashing the process.
func TestWorkerPanicBecomesError(t *testing.T) {
	p := small()
	sc, err := buildScenario(p, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	bt := newBatch(sc)
	bt.X = nil // corrupt the state: the worker will index out of range
	be := newCPU(bt, 2)
	defer be.Close()
	err = be.Step(context.Background(), bt, 0)
	if err == nil || !strings.Contains(err.Error(), "internal error") {
		t.Fatalf("err = %v", err)
	}
}

// FuzzParamsSet: any key and value either set a valid-looking parameter or
// fail with an error; Validate never panics, and a valid scenario builds.
func FuzzParamsSet(f *testing.F) {
	for _, k := range KeyNames() {
		d := Defaults()
		v, _ := d.Get(k)
		f.Add(k, v)
	}
	f.Add("t_end", "NaN")
	f.Add("estimators", "hutch++,,xtrace")
	f.Add("data", "file:/nonexistent")
	f.Fuzz(func(t *testing.T, key, value string) {
		p := Defaults()
		p.Particles, p.N, p.Steps = 4, 16, 3
		if err := p.Set(key, value); err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			return
		}
		if p.Particles > 64 || p.N > 4096 || p.Steps > 50 || p.Dim > 64 || p.Probes > 64 || p.Repeats > 8 {
			return // valid but too big to run in a fuzz iteration
		}
		if strings.HasPrefix(p.Data, "file:") || strings.HasPrefix(p.Start, "file:") {
			return
		}
		if _, err := buildScenario(p, Limits{}); err != nil {
			t.Fatalf("valid params %s=%q do not build: %v", key, value, err)
		}
	})
}

// TestPlanePhiMatchesDenseRun: with data in a known plane Φ is kept as
// A·I + E·M·Eᵀ; the same run with a vanishing ambient noise (the same
// points, but no known plane) keeps Φ dense. Both must agree.
func TestPlanePhiMatchesDenseRun(t *testing.T) {
	p := small()
	p.Dim, p.Particles, p.Estimators, p.DFEA = 6, 12, nil, 0
	for _, jac := range []Jacobian{JacobianDDIM, JacobianEuler} {
		p.Jacobian = jac
		if jac == JacobianEuler {
			p.Solver = model.Euler
		}
		plane := runOnce(t, p)
		q := p
		q.AmbientNoise = 1e-300
		dense := runOnce(t, q)
		for k := range plane.Particles {
			a, b := plane.Particles[k], dense.Particles[k]
			if len(a.Phi) != p.Dim*p.Dim {
				t.Fatalf("%v: particle %d has no Φ", jac, k)
			}
			for i := range a.Phi {
				if math.Abs(a.Phi[i]-b.Phi[i]) > 1e-9*(1+math.Abs(b.Phi[i])) {
					t.Fatalf("%v: particle %d Φ[%d] = %g, dense %g", jac, k, i, a.Phi[i], b.Phi[i])
				}
			}
			for _, m := range [][2]float64{{a.AsymFull, b.AsymFull}, {a.AsymOffDiag, b.AsymOffDiag}, {a.MinEigSym, b.MinEigSym}} {
				if math.Abs(m[0]-m[1]) > 1e-9*(1+math.Abs(m[1])) {
					t.Fatalf("%v: particle %d measures %v vs dense", jac, k, m)
				}
			}
		}
	}
}
