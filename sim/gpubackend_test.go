package sim

import (
	"context"
	"errors"
	"fisherscope/model"
	"math"
	"strings"
	"testing"

	"fisherscope/gpu"
)

// gpuParams is a scenario the GPU path accepts.
func gpuParams() Params {
	p := Defaults()
	p.Particles, p.N, p.Steps, p.Estimators, p.Jacobian, p.DFEA = 64, 300, 30, nil, JacobianOff, 0
	return p
}

func TestGPUEligibility(t *testing.T) {
	cases := map[string]func(*Params){
		"rk4":      func(p *Params) { p.Solver, p.Jacobian = model.RK4, JacobianOff },
		"Gaussian": func(p *Params) { p.Data = "gaussian" },
		"ambient":  func(p *Params) { p.Dim, p.AmbientNoise = 4, 0.1 },
	}
	for want, mod := range cases {
		p := gpuParams()
		mod(&p)
		sc, err := buildScenario(p, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if r := gpuEligible(newBatch(sc)); !strings.Contains(r, want) {
			t.Errorf("%s: reason %q", want, r)
		}
	}
	sc, _ := buildScenario(gpuParams(), Limits{})
	if r := gpuEligible(newBatch(sc)); r != "" {
		t.Errorf("eligible scenario refused: %s", r)
	}
}

// TestAutoWithoutGPU: backend auto runs on the CPU and says why; backend gpu
// fails with that reason.
func TestAutoWithoutGPU(t *testing.T) {
	acc := NewAccelerator()
	if _, _, err := acc.device(); err == nil {
		t.Skip("a GPU is present")
	}
	res, err := RunWith(context.Background(), gpuParams(), nil, acc, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Backend, "cpu") || !strings.Contains(res.Note, "GPU not used") {
		t.Errorf("backend %q note %q", res.Backend, res.Note)
	}
	p := gpuParams()
	p.Backend = BackendGPU
	if _, err := RunWith(context.Background(), p, nil, acc, Limits{}); !errors.Is(err, ErrNoGPU) {
		t.Errorf("backend gpu: %v", err)
	}
}

// fakeDevice runs the device algorithm on the CPU (gpu.Reference2) and
// fails from call number failAt on.
type fakeDevice struct{ calls, failAt int }

func (f *fakeDevice) Info() string { return "fake" }

func (f *fakeDevice) Posterior2(data *gpu.Data2, xs []float64, alpha, sigma float64, out *gpu.Out2) error {
	f.calls++
	if f.failAt > 0 && f.calls >= f.failAt {
		return errors.New("fake device lost")
	}
	for i := 0; i < len(xs)/2; i++ {
		eu, cov, l := gpu.Reference2(data.Y0, data.Y1, float32(xs[2*i]), float32(xs[2*i+1]), float32(alpha), float32(1/(2*sigma*sigma)))
		out.EU[2*i], out.EU[2*i+1], out.LogZ[i] = float64(eu[0]), float64(eu[1]), float64(l)
		for j := range cov {
			out.CovU[3*i+j] = float64(cov[j])
		}
	}
	return nil
}

// runFake runs p with the GPU path on a fake device.
func runFake(t *testing.T, p Params, dev *fakeDevice) *Result {
	t.Helper()
	sc, err := buildScenario(p, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	bt := newBatch(sc)
	be := newGPUBackend(bt, dev, 2)
	defer be.Close()
	rd := newReducer(bt)
	var rows []Row
	last := len(sc.grid) - 1
	for i := 0; i <= last; i++ {
		bt.clearRow()
		if i < last {
			err = be.Step(context.Background(), bt, i)
		} else {
			err = be.Finish(context.Background(), bt, i)
		}
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, rd.row(bt, i))
	}
	return &Result{Params: p, Backend: be.Name(), Rows: rows, Particles: particles(bt, sc.start)}
}

// TestGPUPathMatchesCPU: the GPU path (float32 device algorithm) tracks the
// float64 CPU run — also with estimators and the fundamental matrix, which
// then work from the device's C_z, in 2-D and embedded in D = 8 — and a device
// failure mid-run falls back to the CPU without losing the run.
func TestGPUPathMatchesCPU(t *testing.T) {
	p := gpuParams()
	p.Backend = BackendCPU
	p.Estimators, p.Jacobian, p.Probes, p.Repeats = []Estimator{Hutchinson, HutchPP}, JacobianDDIM, 6, 3
	for _, dim := range []int{2, 8} {
		p.Dim = dim
		gpuMatchesCPU(t, p)
	}
}

func gpuMatchesCPU(t *testing.T, p Params) {
	t.Helper()
	ref := runOnce(t, p)
	for _, failAt := range []int{0, 10} {
		res := runFake(t, p, &fakeDevice{failAt: failAt})
		if failAt > 0 && !strings.Contains(res.Backend, "GPU failed: fake device lost") {
			t.Errorf("backend after failure: %q", res.Backend)
		}
		for i, r := range res.Rows {
			if e := math.Abs(r.TraceF.Mean-ref.Rows[i].TraceF.Mean) / math.Abs(ref.Rows[i].TraceF.Mean); e > 1e-4 {
				t.Errorf("failAt %d row %d: tr F %g vs %g", failAt, i, r.TraceF.Mean, ref.Rows[i].TraceF.Mean)
			}
		}
		for k, q := range res.Particles {
			for j := range q.End {
				if math.Abs(q.End[j]-ref.Particles[k].End[j]) > 1e-3 {
					t.Fatalf("failAt %d particle %d: end %v vs %v", failAt, k, q.End, ref.Particles[k].End)
				}
			}
			if math.Abs(q.AsymFull-ref.Particles[k].AsymFull) > 1e-4*math.Max(1, ref.Particles[k].AsymFull) {
				t.Fatalf("failAt %d particle %d: asym %g vs %g", failAt, k, q.AsymFull, ref.Particles[k].AsymFull)
			}
		}
		for e := range p.Estimators {
			last := len(res.Rows) - 2
			a, b := res.Rows[last].Est[e].Estimate.Mean, ref.Rows[last].Est[e].Estimate.Mean
			if math.Abs(a-b) > 1e-4*math.Abs(b) {
				t.Errorf("failAt %d %s: estimate %g vs %g", failAt, p.Estimators[e], a, b)
			}
		}
	}
}
