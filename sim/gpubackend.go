package sim

import (
	"context"
	"errors"
	"math"

	"fisherscope/gpu"
	"fisherscope/model"
)

// gpuEligible says why a scenario cannot run its posterior on the GPU, or "".
// The device computes the batched posterior of Dirac data in a known plane
// with equal weights: denoiser, log q and the 2×2 plane covariance C_z. Since
// C = E C_z Eᵀ, the estimators' matvecs and the fundamental-matrix updates
// are then exact on the host in O(D) without the weights.
func gpuEligible(bt *Batch) string {
	p := bt.Params
	switch {
	case !bt.plan.trapezoid:
		return "solver " + p.Solver.String() + " evaluates stages on the CPU (use ddim or euler)"
	}
	d, ok := bt.Mix.(*model.Dirac)
	if !ok {
		return "Gaussian-mixture data run on the CPU"
	}
	if _, _, ok := d.Plane(); !ok {
		return "data off their plane (ambient_noise > 0) run on the CPU"
	}
	if _, ok := d.UniformLogWeight(); !ok {
		return "weighted data run on the CPU"
	}
	return ""
}

// gpuBackend computes each step's posterior on the device, then lets the
// CPU workers do the rest (likelihood, state update) from those summaries.
// After a device error it falls back to CPU posteriors for the rest of the
// run, keeping the run's state.
type gpuBackend struct {
	cpu    *cpu
	dev    posteriorDevice
	data   *gpu.Data2
	e      []float64 // D×2 embedding columns
	logPi  float64
	xp     []float64 // B×2 plane coordinates
	r2     []float64 // B off-plane squared residuals
	out    *gpu.Out2
	failed error
}

// posteriorDevice is what the backend needs of a GPU (gpu.Device, or a fake
// in tests).
type posteriorDevice interface {
	Posterior2(data *gpu.Data2, xs []float64, alpha, sigma float64, out *gpu.Out2) error
	Info() string
}

func newGPUBackend(bt *Batch, dev posteriorDevice, workers int) *gpuBackend {
	d := bt.Mix.(*model.Dirac)
	e, z, _ := d.Plane()
	lp, _ := d.UniformLogWeight()
	g := &gpuBackend{cpu: newCPU(bt, workers), dev: dev, data: gpu.NewData2(z), e: e, logPi: lp,
		xp: make([]float64, 2*bt.B), r2: make([]float64, bt.B), out: gpu.NewOut2(bt.B)}
	bt.ext = &external{mean: make([]float64, bt.B*bt.D), cz: make([]float64, 3*bt.B), logQ: make([]float64, bt.B)}
	return g
}

// Name implements Stepper.
func (g *gpuBackend) Name() string {
	if g.failed != nil {
		return g.cpu.Name() + " (GPU failed: " + g.failed.Error() + ")"
	}
	return "gpu " + g.dev.Info()
}

// Step implements Stepper.
func (g *gpuBackend) Step(ctx context.Context, bt *Batch, i int) error {
	g.prepass(bt, i)
	return g.cpu.Step(ctx, bt, i)
}

// Finish implements Stepper.
func (g *gpuBackend) Finish(ctx context.Context, bt *Batch, i int) error {
	g.prepass(bt, i)
	return g.cpu.Finish(ctx, bt, i)
}

// Close implements Stepper (the device belongs to the Accelerator).
func (g *gpuBackend) Close() { g.cpu.Close() }

// prepass fills bt.ext with the device posterior at row i, or switches the
// batch to CPU posteriors on the first device error.
func (g *gpuBackend) prepass(bt *Batch, i int) {
	c := bt.Coeffs[i]
	if g.failed != nil || c.Sigma <= 0 {
		bt.ext.valid = false
		return
	}
	if err := g.devicePosterior(bt, c); err != nil {
		g.failed = err
		bt.ext.valid = false
		return
	}
	bt.ext.valid = true
}

func (g *gpuBackend) devicePosterior(bt *Batch, c model.Coeffs) error {
	d, b := bt.D, bt.B
	for k := 0; k < b; k++ {
		g.xp[2*k], g.xp[2*k+1], g.r2[k] = model.PlaneProject(g.e, bt.X[k*d:(k+1)*d])
	}
	if err := g.dev.Posterior2(g.data, g.xp, c.Alpha, c.Sigma, g.out); err != nil {
		return err
	}
	s2, a2 := c.Sigma*c.Sigma, c.Alpha*c.Alpha
	norm := 0.5 * float64(d) * math.Log(2*math.Pi*s2)
	for k := 0; k < b; k++ {
		m0 := (g.xp[2*k] - g.out.EU[2*k]) / c.Alpha
		m1 := (g.xp[2*k+1] - g.out.EU[2*k+1]) / c.Alpha
		for j := 0; j < d; j++ {
			bt.ext.mean[k*d+j] = g.e[2*j]*m0 + g.e[2*j+1]*m1
		}
		for j := 0; j < 3; j++ {
			bt.ext.cz[3*k+j] = g.out.CovU[3*k+j] / a2
		}
		bt.ext.logQ[k] = g.out.LogZ[k] + g.logPi - g.r2[k]/(2*s2) - norm
		if math.IsNaN(bt.ext.logQ[k]) || math.IsNaN(bt.ext.cz[3*k]+bt.ext.cz[3*k+2]) || math.IsNaN(m0+m1) {
			return errors.New("gpu: non-finite posterior from the device")
		}
	}
	return nil
}

// external holds posterior summaries computed outside the workers.
type external struct {
	valid bool
	mean  []float64 // B×D denoiser
	cz    []float64 // B×3 plane covariance C_z (c00, c01, c11)
	logQ  []float64 // B
}
