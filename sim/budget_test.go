package sim

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestBudgetRefusesBeforeAllocating runs the settings that crashed the
// process with an out-of-memory error: each is refused at once with a line
// naming the estimate, its drivers and the limit.
func TestBudgetRefusesBeforeAllocating(t *testing.T) {
	lim := Limits{MaxMemory: 4 << 30}
	for _, c := range []struct {
		set  map[string]string
		want []string
	}{
		{map[string]string{"particles": "1048576", "dim": "4096", "jacobian": "off"}, []string{"memory:", "particles=1048576", "dim=4096", "4 GiB"}},
		{map[string]string{"particles": "100000", "dim": "64"}, []string{"memory:", "Φ: particles=100000"}},
		{map[string]string{"probes": "4096", "repeats": "1024", "estimators": "hutch++", "refresh": "5"}, []string{"memory:", "Hutch++ sketches", "repeats=1024"}},
		{map[string]string{"probes": "4096", "dim": "256", "estimators": "xtrace", "jacobian": "off"}, []string{"work:", "probes²"}},
		{map[string]string{"n": "1000000", "dim": "256", "jacobian": "off"}, []string{"work:", "n=1000000"}},
	} {
		p := Defaults()
		for k, v := range c.set {
			if err := p.Set(k, v); err != nil {
				t.Fatal(err)
			}
		}
		start := time.Now()
		_, err := buildScenario(p, lim)
		if err == nil {
			t.Errorf("%v: accepted", c.set)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: error %q lacks %q", c.set, err, w)
			}
		}
		if strings.Contains(err.Error(), "\n") || time.Since(start) > time.Second {
			t.Errorf("%v: not a quick one-line refusal: %q", c.set, err)
		}
	}
	// Hutch++ with refresh 1 keeps no per-draw sketches: the same budget is fine.
	p := Defaults()
	p.Estimators, p.Probes, p.Repeats, p.Refresh = []Estimator{HutchPP}, 4096, 1024, 1
	if err := lim.Check(&p, p.N); err != nil {
		t.Errorf("hutch++ refresh 1: %v", err)
	}
	if c := p.Cost(p.N); c.Memory > 64<<20 {
		t.Errorf("hutch++ refresh 1 costs %s", FormatBytes(c.Memory))
	}
}

// TestServerCaps checks the per-session caps of a served session.
func TestServerCaps(t *testing.T) {
	p := Defaults()
	p.Particles = 5000
	err := Limits{MaxParticles: 4096}.Check(&p, p.N)
	if err == nil || !strings.Contains(err.Error(), "particles: 5000 is above this server's limit 4096") {
		t.Errorf("cap: %v", err)
	}
}

// TestCancelStopsAHeavyParticle: one particle with the largest probes and
// repeats in D = 256 ignored cancellation for minutes; now it stops at once.
func TestCancelStopsAHeavyParticle(t *testing.T) {
	p := Defaults()
	p.Particles, p.Dim, p.Probes, p.Repeats, p.Jacobian, p.DFEA = 1, 256, 4096, 1024, JacobianOff, 0
	p.Estimators, p.AmbientNoise, p.Backend = []Estimator{Hutchinson}, 0.1, BackendCPU
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := RunWith(ctx, p, nil, nil, Limits{})
		done <- err
	}()
	time.Sleep(200 * time.Millisecond)
	cancel()
	t0 := time.Now()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v", err)
		}
		t.Logf("stopped %v after cancel", time.Since(t0))
	case <-time.After(2 * time.Second): // generous for -race on 2 cores; was 262 s
		t.Fatal("run ignored cancellation")
	}
}

// TestFilesConfined checks data=file: and start=file: under Limits.Files:
// no path outside, no server path or file content in errors.
func TestFilesConfined(t *testing.T) {
	files := fstest.MapFS{
		"ok.csv":  {Data: []byte("0,0\n1,1\n2,0\n")},
		"bad.csv": {Data: []byte("root:x:0:0:root:/root:/bin/bash\n")},
	}
	lim := Limits{Files: files}
	for _, c := range []struct{ key, val, want string }{
		{"data", "file:/etc/passwd", "relative paths inside the data directory"},
		{"data", "file:../etc/passwd", "relative paths inside the data directory"},
		{"data", "file:nope.csv", "no such file in the data directory"},
		{"start", "file:/etc/shadow", "relative paths inside the data directory"},
		{"data", "file:bad.csv", "not a CSV of finite points"},
	} {
		p := Defaults()
		p.Particles, p.Steps = 4, 2
		if err := p.Set(c.key, c.val); err != nil {
			t.Fatal(err)
		}
		_, err := buildScenario(p, lim)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "root") {
			t.Errorf("%s=%s: %v", c.key, c.val, err)
		}
	}
	p := Defaults()
	p.Particles, p.Steps, p.Data = 4, 2, "file:ok.csv"
	if _, err := buildScenario(p, lim); err != nil {
		t.Errorf("file inside: %v", err)
	}
	if l, _ := DataFiles(files); strings.Join(l, ",") != "bad.csv,ok.csv" {
		t.Errorf("DataFiles: %v", l)
	}
}

// TestUnreachableEndRefused: sd-ve and sd-edm reach σ = 0 at t_end, where
// heun and rk4 evaluate the velocity; refused up front, not at the last step.
func TestUnreachableEndRefused(t *testing.T) {
	for _, s := range []string{"sd-ve", "sd-edm"} {
		for _, solver := range []string{"heun", "rk4"} {
			p := Defaults()
			p.Jacobian = JacobianEuler
			p.Set("schedule", s)
			p.Set("solver", solver)
			if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "σ = 0") {
				t.Errorf("%s with %s: %v", s, solver, err)
			}
		}
	}
}

// FuzzScenario builds a scenario from random key=value lines within a small
// budget and runs it through the engine: any outcome but a panic, a hang or
// a multi-line error is fine.
func FuzzScenario(f *testing.F) {
	f.Add("schedule=sd-ve\nsolver=heun\njacobian=euler")
	f.Add("dim=16\nambient_noise=100\nestimators=xtrace,na-hutch++\nprobes=32\ntarget=cov")
	f.Add("schedule=edm\nsigma_max=10000\nt_end=0.002\nsolver=rk4\njacobian=rk4\nsteps=3")
	f.Add("data=file:x.csv\nstart=file:../etc/passwd\nrefresh=2\nestimators=hutch++\nsketch=4")
	f.Add("schedule=ve-brownian\nt_end=1e-300\nprobe=sphere\nrepeats=4\ndfea=16")
	f.Add("dim=9\nambient_noise=0.1\njacobian=ddim\nestimators=hutchinson,hutch++,xtrace\nprobes=20\ntarget=cov")
	f.Add("dim=12\nsolver=euler\njacobian=euler\nestimators=hutch++\nrefresh=3\nparticles=13")
	f.Add("dim=5\nambient_noise=1e-300\nsigma_max=1e300\nschedule=ve")
	lim := Limits{MaxMemory: 64 << 20, MaxParticles: 16, MaxDim: 16, MaxProbes: 32, MaxRepeats: 4, MaxSteps: 3, MaxN: 256,
		Files: fstest.MapFS{"x.csv": {Data: []byte("0,0\n1e150,1\n")}}}
	f.Fuzz(func(t *testing.T, spec string) {
		p := Defaults()
		p.Particles, p.N, p.Steps, p.Repeats, p.DFEA, p.Backend = 4, 32, 2, 2, 2, BackendCPU
		for _, line := range strings.Split(spec, "\n") {
			if k, v, ok := strings.Cut(line, "="); ok && k != "backend" {
				_ = p.Set(k, v)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := RunWith(ctx, p, nil, nil, lim)
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%q: did not finish within the budget", spec)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Fatalf("%q: multi-line error %q", spec, err)
		}
	})
}

// TestNetBudget: oversized networks are refused before training.
func TestNetBudget(t *testing.T) {
	p := Defaults()
	p.Net, p.Estimators, p.Jacobian = "auto", []Estimator{VJP}, JacobianOff
	p.NetWidth, p.NetDepth, p.NetBatch = 1024, 8, 8192
	if err := (Limits{}).Check(&p, p.N); err == nil || !strings.Contains(err.Error(), "training step") {
		t.Errorf("huge net: %v", err)
	}
	p.NetWidth, p.NetDepth, p.NetBatch, p.Dim = 128, 3, 512, 2048
	if err := (Limits{}).Check(&p, p.N); err == nil || !strings.Contains(err.Error(), "VJP trace") {
		t.Errorf("VJP at dim 2048: %v", err)
	}
	p.Dim, p.NetArch = 2, ArchPaper
	if err := (Limits{}).Check(&p, p.N); err != nil {
		t.Errorf("the paper's net: %v", err)
	}
}
