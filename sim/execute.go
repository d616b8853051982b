package sim

import (
	"context"
	"math"
	"slices"
	"time"

	"gonum.org/v1/gonum/mat"

	"fisherscope/model"
)

// Result is the outcome of a completed run.
type Result struct {
	Params    Params
	Backend   string // e.g. "cpu (2 cores)"
	Note      string // why the GPU was not used, for backend=auto
	Rows      []Row
	Particles []Particle
	Data      []float64 // data points in the plane, N×2
	Elapsed   time.Duration
	Kernel    model.Kernel // the CPU posterior kernel the data took (bench divides by its flops)
}

// Particle is one trajectory's outcome.
type Particle struct {
	Start, End  []float64 // x_T and x_{t_end} (D)
	Phi         []float64 // Φ(t_end) = ∂x_{t_end}/∂x_T, D×D row-major (nil when jacobian = off)
	AsymFull    float64   // ‖Φ − Φᵀ‖_F/‖Φ‖_F
	AsymOffDiag float64   // the OT script's off-diagonal index
	MinEigSym   float64   // smallest eigenvalue of (Φ + Φᵀ)/2
	LogLik      float64   // log q_T(x_T) + ∫ tr J dt with the exact trace (nats)
	LogQ        float64   // closed-form log q_{t_end}(x_{t_end}) (NaN when σ(t_end) = 0)
}

// observer watches a run: it may block before each row (pause) and sees
// every row as it is made.
type observer interface {
	wait(ctx context.Context) error
	row(bt *Batch, rows []Row, backend, note string)
}

// execute runs a scenario to the end (or until ctx is cancelled).
func execute(ctx context.Context, sc *scenario, obs observer, env Env) (*Result, error) {
	n, err := acquireNets(ctx, sc, env)
	if err != nil {
		return nil, err
	}
	bt := newBatch(sc)
	bt.nets = n
	be, note, err := newBackend(bt, env.Acc)
	if err != nil {
		return nil, err
	}
	defer be.Close()
	rd := newReducer(bt)
	rows := make([]Row, 0, len(sc.grid))
	name := be.Name()
	start := time.Now()
	last := len(sc.grid) - 1
	for i := 0; i <= last; i++ {
		if err := obs.wait(ctx); err != nil {
			return nil, err
		}
		bt.clearRow()
		bt.recordTrajectory(i)
		if i < last {
			err = be.Step(ctx, bt, i)
		} else {
			err = be.Finish(ctx, bt, i)
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, rd.row(bt, i))
		obs.row(bt, rows, name, note)
	}
	rows = slices.Clone(rows) // published frames share the old rows: never modify them
	if err := fillDFEA(ctx, bt, rows, rd.scratch); err != nil {
		return nil, err
	}
	return &Result{Params: sc.p, Backend: be.Name(), Note: note, Rows: rows, Particles: particles(bt, sc.start),
		Data: sc.data2d, Elapsed: time.Since(start), Kernel: model.KernelOf(sc.mix)}, nil
}

// particles collects each trajectory's outcome.
func particles(bt *Batch, start []float64) []Particle {
	d := bt.D
	out := make([]Particle, bt.B)
	for k := range out {
		p := Particle{Start: start[k*d : (k+1)*d], End: append([]float64(nil), bt.X[k*d:(k+1)*d]...),
			AsymFull: math.NaN(), AsymOffDiag: math.NaN(), MinEigSym: math.NaN(), LogLik: bt.LogLik[k], LogQ: bt.LogQ[k]}
		switch {
		case bt.phiPlane != nil:
			p.Phi = make([]float64, d*d)
			bt.phiPlane[k].Dense(p.Phi, bt.e0, bt.e1)
			p.AsymFull, p.AsymOffDiag, p.MinEigSym = bt.AsymFull[k], bt.AsymOff[k], bt.MinEig[k]
		case bt.Phi != nil:
			p.Phi = append([]float64(nil), bt.Phi[k*d*d:(k+1)*d*d]...)
			p.AsymFull, p.AsymOffDiag, p.MinEigSym = bt.AsymFull[k], bt.AsymOff[k], bt.MinEig[k]
		}
		out[k] = p
	}
	return out
}

// fillDFEA computes the DF-EA error along the stored trajectories, with
// x̂_0 the clean sample each trajectory ends at, D(x_{t_end}, t_end) (the
// state itself when σ(t_end) = 0), and x_θ the exact denoiser.
func fillDFEA(ctx context.Context, bt *Batch, rows []Row, scratch []float64) error {
	n := bt.nTraj
	if n == 0 {
		return nil
	}
	d, g := bt.D, len(bt.Grid)
	post := model.NewPosterior(bt.Mix)
	work := mat.NewSymDense(d, nil)
	vals := make([]float64, n)
	xhats := make([]float64, n*d)
	end := bt.Coeffs[g-1]
	for k := 0; k < n; k++ {
		xend := bt.traj[(k*g+g-1)*d : (k*g+g)*d]
		copy(xhats[k*d:], xend)
		if end.Sigma > 0 {
			bt.Mix.Posterior(post, xend, end)
			copy(xhats[k*d:], post.Mean)
		}
	}
	for i := range rows {
		if err := ctx.Err(); err != nil {
			return err
		}
		c := bt.Coeffs[i]
		for k := 0; k < n; k++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			vals[k] = math.NaN()
			if c.Sigma <= 0 {
				continue
			}
			x := bt.traj[(k*g+i)*d : (k*g+i+1)*d]
			xhat := xhats[k*d : (k+1)*d]
			bt.Mix.Posterior(post, x, c)
			_, vals[k] = model.DFEAError(post, xhat, post.Mean, work)
		}
		rows[i].DFEA = summarize(vals, 0, 1, n, scratch)
	}
	return nil
}
