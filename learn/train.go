package learn

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"fisherscope/model"
)

// timeSampler draws training times: uniform on [t_min, t_max] for continuous
// schedules, uniform over the discrete steps t = k/1000 (k = 0…999, those
// with σ > 0) for the sd-* schedules.
type timeSampler struct {
	discrete   bool
	kmin       int
	tmin, tmax float64
}

func newTimeSampler(s model.Schedule) (timeSampler, error) {
	tmin, tmax := s.Range()
	ts := timeSampler{discrete: model.IsDiscrete(s), tmin: tmin, tmax: tmax}
	if !(tmax > tmin) {
		return ts, fmt.Errorf("schedule %s: empty time range [%g, %g]", s.Name(), tmin, tmax)
	}
	if ts.discrete {
		for ; ts.kmin < 999; ts.kmin++ {
			c, err := s.At(float64(ts.kmin) / 1000)
			if err != nil {
				return ts, fmt.Errorf("schedule %s: %w", s.Name(), err)
			}
			if c.Sigma > 0 {
				break
			}
		}
	}
	return ts, nil
}

func (ts timeSampler) draw(r *rand.Rand) float64 {
	if ts.discrete {
		return float64(ts.kmin+r.IntN(1000-ts.kmin)) / 1000
	}
	return ts.tmin + (ts.tmax-ts.tmin)*r.Float64()
}

// dataScale estimates s_d² = E‖x_0‖²/D from 16384 draws of a generator
// derived from seed (deterministic).
func dataScale(data Source, seed uint64) (float64, error) {
	const n, chunk = 16384, 512
	d := data.Dim()
	r := rand.New(rand.NewPCG(seed, 0xda7a5ca1e))
	buf := make([]float64, chunk*d)
	sum := 0.0
	for i := 0; i < n; i += chunk {
		data.Draw(buf, r)
		for _, v := range buf {
			sum += v * v
		}
	}
	s := sum / float64(n*d)
	if !(s > 0) || math.IsInf(s, 0) {
		return 0, fmt.Errorf("data scale E‖x0‖²/D = %g (must be positive and finite)", s)
	}
	return max(s, 1e-12), nil
}

// batch is one training batch: clean samples, noise, noised samples and
// their coefficients, and the network input rows.
type batch struct {
	n, d        int
	x0, eps, xt []float64
	c           []model.Coeffs
	tf          []float64
}

// draw fills b with n fresh draws: x_0 from data, t from ts, ε ~ N(0, I),
// x_t = α_t x_0 + σ_t ε, and writes the input rows into in.
func (b *batch) draw(in []float32, data Source, s model.Schedule, ts timeSampler, f *featurizer, r *rand.Rand) error {
	n, d := b.n, b.d
	b.x0, b.eps, b.xt = grow(b.x0, n*d), grow(b.eps, n*d), grow(b.xt, n*d)
	b.c, b.tf = grow(b.c, n), grow(b.tf, TimeFeatures)
	data.Draw(b.x0, r)
	nin := d + TimeFeatures
	for i := 0; i < n; i++ {
		c, err := s.At(ts.draw(r))
		if err != nil {
			return fmt.Errorf("schedule %s: %w", s.Name(), err)
		}
		b.c[i] = c
		x0, e, xt := b.x0[i*d:(i+1)*d], b.eps[i*d:(i+1)*d], b.xt[i*d:(i+1)*d]
		for j := range e {
			e[j] = r.NormFloat64()
			xt[j] = c.Alpha*x0[j] + c.Sigma*e[j]
		}
		f.timeTo(b.tf, c)
		rowTo(in[i*nin:(i+1)*nin], xt, f.cin(c), b.tf)
	}
	return nil
}

// targetFunc writes the regression targets of a batch (n × nout) into dst.
type targetFunc func(dst []float32, b *batch, in []float32)

// run is the training loop shared by TrainScore and TrainDFTM: it
// minimises the mean squared error (1/(n·nout)) Σ (out − target)² over
// cfg.Steps batches and returns the kept weights (the EMA, or the last
// weights when cfg.EMA = 0) and the mean loss of the last 1% of the steps.
func run(ctx context.Context, cfg *Config, tp *topology, s model.Schedule, data Source, f *featurizer,
	target targetFunc, progress func(Progress)) ([]float32, float64, string, error) {
	g, err := newGemm32(cfg.Kernel)
	if err != nil {
		return nil, 0, "", err
	}
	ts, err := newTimeSampler(s)
	if err != nil {
		return nil, 0, "", err
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x7a1e))
	st := newStepper(tp, g, cfg, r)
	b := &batch{n: cfg.Batch, d: tp.nx}
	tgt := make([]float32, cfg.Batch*tp.nout)
	start := time.Now()
	every := max(1, cfg.Steps/100)
	var sum, tail float64
	var cnt, tailN int
	for k := 0; k < cfg.Steps; k++ {
		if err := ctx.Err(); err != nil {
			return nil, 0, "", fmt.Errorf("training stopped at step %d of %d: %w", k, cfg.Steps, err)
		}
		in := st.ws.resize(cfg.Batch)
		if err := b.draw(in, data, s, ts, f, r); err != nil {
			return nil, 0, "", err
		}
		target(tgt, b, in)
		loss := st.step(tgt, cfg.lrAt(k, cfg.Steps))
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return nil, 0, "", fmt.Errorf("training diverged at step %d (loss %g)", k, loss)
		}
		sum += loss
		cnt++
		if k >= cfg.Steps-every {
			tail += loss
			tailN++
		}
		if progress != nil && ((k+1)%every == 0 || k+1 == cfg.Steps) {
			progress(Progress{Step: k + 1, Steps: cfg.Steps, Loss: sum / float64(cnt), Elapsed: time.Since(start)})
			sum, cnt = 0, 0
		}
	}
	if cfg.EMA == 0 {
		return st.p, tail / float64(tailN), g.kernelName(), nil
	}
	return st.opt.ema, tail / float64(tailN), g.kernelName(), nil
}

// stepper holds the state of a training run: weights, optimiser, gradient
// and the float32 workspace.
type stepper struct {
	ws      *netWS[float32]
	p, grad []float32
	dout    []float32
	opt     *adam
}

func newStepper(tp *topology, g gemmer[float32], cfg *Config, r *rand.Rand) *stepper {
	p := make([]float32, tp.nparams)
	initParams(p, tp, r)
	return &stepper{ws: newNetWS(tp, g), p: p, grad: make([]float32, tp.nparams),
		dout: make([]float32, cfg.Batch*tp.nout), opt: newAdam(p, cfg.Clip, cfg.EMA)}
}

// step runs one optimisation step on the batch whose input rows are in
// st.ws.in and whose targets are tgt: forward pass, mean squared error and
// its gradient, backward pass, Adam with learning rate lr. It returns the
// loss before the step.
func (st *stepper) step(tgt []float32, lr float64) float64 {
	out := st.ws.forward(st.p)
	loss := mseGrad(st.dout[:len(out)], out, tgt)
	st.ws.backward(st.p, st.grad, st.dout[:len(out)], 1, false)
	st.opt.update(st.p, st.grad, lr)
	return loss
}

// mseGrad returns the mean squared error (1/N) Σ (out − tgt)² over the N
// entries and writes its gradient 2(out − tgt)/N into dout.
func mseGrad(dout, out, tgt []float32) float64 {
	inv := 1 / float64(len(out))
	s := 0.0
	for i, o := range out {
		e := float64(o - tgt[i])
		s += e * e
		dout[i] = float32(2 * e * inv)
	}
	return s * inv
}
