package sim

import (
	"errors"
	"fmt"
	"math"

	"fisherscope/learn"
	"fisherscope/model"
)

// worker advances chunks of a batch's particles with private workspaces.
type worker struct {
	bt        *Batch
	pl        *plan
	post      *model.Posterior
	ode       *model.ODE
	tw        model.TraceWork
	sk        model.Sketch // scratch sketch when no basis is reused
	col, out  []float64
	v         []float64
	draws     []float64 // R draws of one estimator
	first     []float64 // E: the first draw of each estimator (for the likelihood)
	fullEigen bool
	done      <-chan struct{} // the job's cancellation
	cop       cancelOp        // the operator of the current particle
	x         []float64       // the current particle's state (for the learned estimators)
	netOp     *learn.FisherOp // the learned Fisher at x (nil without networks)
	gw        *guideWork      // guidance scratch (nil: no guidance)
	tile      *model.Tile     // blocked posteriors of several particles (nil: one at a time)
	own       *model.Posterior
}

// tileSize is the number of particles a worker takes at a time, and whose
// posteriors the blocked kernel evaluates together: the data are read once
// per tile, and 16 rows of logits (16·N values) stay in the L2 cache.
const tileSize = 16

// cancelled reports whether the job's context is done (a channel poll: cheap
// enough for every particle and every draw).
func (w *worker) cancelled() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

// cancelOp is an operator that costs nothing once done is closed: its
// matvecs then write zeros, so an estimate in flight finishes at once and
// the worker returns the context's error after it. It polls done every
// cancelPoll matvecs (a poll costs more than a 2-D matvec).
type cancelOp struct {
	model.Operator
	quad      model.QuadOperator  // the operator's quadratic form (nil: none)
	block     model.BlockOperator // the operator's block products (nil: none)
	done      <-chan struct{}
	n         int
	cancelled bool
}

// cancelPoll is the number of matvecs between two polls of done.
const cancelPoll = 16

// poll counts an operator call and reports whether the job is cancelled,
// looking at done every cancelPoll calls.
func (o *cancelOp) poll() bool {
	if o.n%cancelPoll == 0 && !o.cancelled {
		select {
		case <-o.done:
			o.cancelled = true
		default:
		}
	}
	o.n++
	return o.cancelled
}

// MatVec implements model.Operator.
func (o *cancelOp) MatVec(dst, v []float64) {
	if o.poll() {
		clear(dst)
		return
	}
	o.Operator.MatVec(dst, v)
}

// MatVecs implements model.BlockOperator: the wrapped operator's block
// product when it has one (zeros once cancelled), else one MatVec per vector.
func (o *cancelOp) MatVecs(dst, vs []float64) {
	d := o.Dim()
	if o.block == nil {
		for r := 0; r < len(vs)/d; r++ {
			o.MatVec(dst[r*d:(r+1)*d], vs[r*d:(r+1)*d])
		}
		return
	}
	if o.poll() {
		clear(dst)
		return
	}
	o.block.MatVecs(dst, vs)
}

// Quads implements model.BlockOperator like MatVecs.
func (o *cancelOp) Quads(out, vs, scratch []float64) {
	d := o.Dim()
	if o.block == nil {
		for r := range out {
			out[r] = o.Quad(vs[r*d:(r+1)*d], scratch)
		}
		return
	}
	if o.poll() {
		clear(out)
		return
	}
	o.block.Quads(out, vs, scratch)
}

// Quad implements model.QuadOperator: zᵀAz through the wrapped operator's
// quadratic form when it has one, polled like MatVec (0 once cancelled).
func (o *cancelOp) Quad(z, scratch []float64) float64 {
	if o.quad == nil {
		o.MatVec(scratch, z)
		s := 0.0
		for i, v := range z {
			s += v * scratch[i]
		}
		return s
	}
	if o.poll() {
		return 0
	}
	return o.quad.Quad(z, scratch)
}

func newWorker(bt *Batch) *worker {
	var op *learn.FisherOp
	if bt.nets != nil {
		op = &learn.FisherOp{Net: bt.nets.score}
	}
	var gw *guideWork
	if bt.plan.guide > 0 {
		gw = newGuideWork(len(bt.Coeffs), bt.D)
	}
	w := &worker{netOp: op, gw: gw, bt: bt, pl: bt.plan, post: model.NewPosterior(bt.Mix), ode: model.NewODE(bt.Mix, bt.Sched),
		col: make([]float64, bt.D), out: make([]float64, bt.D), v: make([]float64, bt.D),
		draws: make([]float64, bt.Params.Repeats), first: make([]float64, bt.E), fullEigen: bt.D <= 16}
	w.own = w.post
	// Guidance moves a particle before its posterior is taken: no tiles then.
	if gw == nil {
		if t := model.NewTile(bt.Mix, min(tileSize, bt.B)); t.Size() > 1 {
			w.tile = t
		}
	}
	return w
}

func (w *worker) run(j job) error {
	w.done = j.ctx.Done()
	w.ode.Done = w.done // rk45 checks it between attempts
	defer func() { w.post = w.own }()
	bt := w.bt
	c := bt.Coeffs[j.i]
	tiled := w.tile != nil && c.Sigma > 0 && !(bt.ext != nil && bt.ext.valid)
	for {
		k0 := int(j.next.Add(tileSize)) - tileSize
		if k0 >= bt.B {
			return nil
		}
		k1 := min(k0+tileSize, bt.B)
		if tiled {
			if w.cancelled() {
				return j.ctx.Err()
			}
			w.tile.Eval(bt.X[k0*bt.D:k1*bt.D], c)
		}
		for k := k0; k < k1; k++ {
			if w.cancelled() {
				return j.ctx.Err()
			}
			if tiled {
				w.post = w.tile.Posterior(k - k0)
			}
			if err := w.particle(k, j.i, j.finish, tiled); err != nil {
				if errors.Is(err, errCancelled) || errors.Is(err, model.ErrCancelled) {
					return j.ctx.Err()
				}
				return fmt.Errorf("particle %d, step %d: %w", k, j.i, err)
			}
		}
	}
}

// particle measures particle k at row i and, unless finish, steps it to row
// i+1. With evaluated, w.post already holds the posterior at the particle.
func (w *worker) particle(k, i int, finish, evaluated bool) error {
	bt := w.bt
	d := bt.D
	x := bt.X[k*d : (k+1)*d]
	c := bt.Coeffs[i]
	w.measurePhi(k, finish)
	if c.Sigma <= 0 {
		return nil // σ = 0 (sd-ve, sd-edm at t = 0): the Fisher is undefined there
	}
	if w.gw != nil && i < w.pl.guideRows && !finish {
		if err := w.guide(k, i, x); err != nil {
			return err
		}
	}
	switch {
	case evaluated:
	case bt.ext != nil && bt.ext.valid:
		cz := bt.ext.cz[3*k : 3*k+3]
		w.post.SetPlaneSummary(c, bt.ext.mean[k*d:(k+1)*d], bt.ext.logQ[k], [3]float64{cz[0], cz[1], cz[2]})
	default:
		bt.Mix.Posterior(w.post, x, c)
	}
	trF := w.post.TraceFisher()
	bt.LogQ[k], bt.TrF[k] = w.post.LogDensity, trF
	if i == 0 {
		bt.LogLik[k] = w.post.LogDensity
		for e := 0; e < bt.E; e++ {
			bt.EstLL[k*bt.E+e] = w.post.LogDensity
		}
	}
	w.x = x
	if err := w.estimate(k, i, trF); err != nil {
		return err
	}
	// The likelihood of DDIM and Euler runs uses the trapezoid rule over the
	// grid: row i adds the second half of step i−1 and the first half of step i.
	trapezoid := w.pl.trapezoid
	integrand := model.LikelihoodIntegrand(c, d, trF)
	var hPrev, hNext float64
	if i > 0 {
		hPrev = c.T - bt.Coeffs[i-1].T
	}
	if !finish {
		hNext = bt.Coeffs[i+1].T - c.T
	}
	if trapezoid { // complete step i−1 with its second half
		bt.LogLik[k] += -hPrev / 2 * integrand
		for e := 0; e < bt.E; e++ {
			bt.EstLL[k*bt.E+e] += -hPrev / 2 * (integrand + 0.5*c.G2*(w.first[e]-trF))
		}
	}
	bt.LogLikRow[k] = bt.LogLik[k] // integrated up to t_i
	copy(bt.EstLLRow[k*bt.E:(k+1)*bt.E], bt.EstLL[k*bt.E:(k+1)*bt.E])
	if trapezoid { // first half of step i
		bt.LogLik[k] += -hNext / 2 * integrand
		for e := 0; e < bt.E; e++ {
			bt.EstLL[k*bt.E+e] += -hNext / 2 * (integrand + 0.5*c.G2*(w.first[e]-trF))
		}
	}
	if finish {
		return nil
	}
	to := bt.Coeffs[i+1]
	w.updatePhi(k, hNext, to)
	dl, err := w.advance(k, x, hNext, to)
	if err != nil {
		return err
	}
	if !w.pl.adaptive {
		bt.Evals[k] += w.pl.evals
	}
	if !trapezoid {
		bt.LogLik[k] += dl
		for e := 0; e < bt.E; e++ {
			bt.EstLL[k*bt.E+e] += dl - hNext*0.5*c.G2*(w.first[e]-trF)
		}
	}
	return nil
}

// measurePhi records the asymmetry of particle k's Φ at the current row.
func (w *worker) measurePhi(k int, finish bool) {
	bt := w.bt
	switch {
	case bt.phiPlane != nil:
		full, off, lo := bt.phiPlane[k].Measures(bt.e0, bt.e1)
		bt.AsymFull[k], bt.AsymOff[k] = full, off
		if w.fullEigen || finish {
			bt.MinEig[k] = lo
		}
	case bt.Phi != nil:
		d := bt.D
		phi := bt.Phi[k*d*d : (k+1)*d*d]
		bt.AsymFull[k] = model.AsymmetryFull(phi, d)
		bt.AsymOff[k] = model.AsymmetryOffDiag(phi, d)
		if w.fullEigen || finish {
			bt.MinEig[k] = model.MinEigSym(phi, d)
		}
	}
}

// updatePhi advances particle k's Φ by one step (rk4 tangent mode is done in advance).
func (w *worker) updatePhi(k int, h float64, to model.Coeffs) {
	bt := w.bt
	if w.pl.phiCoeffs == nil {
		return
	}
	a, kc := w.pl.phiCoeffs(w.post.C, h, to)
	if bt.phiPlane != nil {
		bt.phiPlane[k].Affine(w.post, a, kc)
		return
	}
	d := bt.D
	model.PhiAffine(bt.Phi[k*d*d:(k+1)*d*d], w.post, a, kc, w.col, w.out)
}

// advance moves x one step and returns the change of the log-likelihood
// (for heun and rk4, integrated with the solver's own stages; ddim and euler
// return 0: their likelihood is accumulated by the trapezoid rule).
func (w *worker) advance(k int, x []float64, h float64, to model.Coeffs) (float64, error) {
	return w.pl.advance(w, k, x, h, to)
}

// estimate runs every estimator R times on particle k's posterior. An
// estimator's failure ends the run with an error naming it.
func (w *worker) estimate(k, i int, trF float64) error {
	bt, pl := w.bt, w.pl
	var op model.Operator = model.FisherOp{P: w.post}
	if pl.cov {
		op = model.CovOp{P: w.post}
	}
	w.cop = cancelOp{Operator: op, done: w.done}
	w.cop.quad, _ = op.(model.QuadOperator)
	w.cop.block, _ = op.(model.BlockOperator)
	op = &w.cop // a pointer: no allocation per estimate
	for e, f := range pl.ests {
		var mv, qr int64
		for r := range w.draws {
			est, err := f(w, op, k, e, r, i)
			if w.cancelled() {
				return errCancelled
			}
			if err != nil {
				return fmt.Errorf("estimator %s: %w", bt.Params.Estimators[e], err)
			}
			if pl.cov && !pl.learned[e] {
				est.Value = model.FisherTraceFromCov(bt.D, w.post.C, est.Value)
			}
			w.draws[r] = est.Value
			mv += int64(est.MatVecs)
			qr += int64(est.QRs)
		}
		w.first[e] = w.draws[0]
		idx := k*bt.E + e
		bt.Est[idx], bt.EstVar[idx], bt.EstRelErr[idx] = drawStats(w.draws, trF)
		bt.MatVecs[idx], bt.QRs[idx] = mv, qr
	}
	return nil
}

// drawStats returns the mean, the sample variance (NaN for one draw) and the
// root-mean-square relative error of the draws against exact.
func drawStats(draws []float64, exact float64) (mean, variance, rms float64) {
	n := float64(len(draws))
	for _, v := range draws {
		mean += v
		rms += (v - exact) * (v - exact)
	}
	mean /= n
	rms = math.Sqrt(rms/n) / math.Abs(exact)
	if len(draws) < 2 {
		return mean, math.NaN(), rms
	}
	for _, v := range draws {
		variance += (v - mean) * (v - mean)
	}
	return mean, variance / (n - 1), rms
}

// errCancelled unwinds a particle whose job was cancelled mid-estimate.
var errCancelled = errors.New("cancelled")
