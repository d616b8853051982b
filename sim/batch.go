package sim

import (
	"math"
	"math/rand/v2"

	"fisherscope/model"
)

// Batch is the state of all particles of a run and the per-particle
// measurements of the current row. A Stepper advances it one step at a time;
// particle i owns X[i*D:(i+1)*D], Phi[i*D*D:(i+1)*D*D] and entry i of every
// per-particle slice, so backends may split particles across workers freely.
type Batch struct {
	B, D, E int // particles, dimension, estimators
	Mix     model.Mixture
	Sched   model.Schedule
	Grid    []float64
	Coeffs  []model.Coeffs
	Params  Params

	X      []float64 // B×D current states
	Phi    []float64 // B×D×D fundamental matrices (nil when jacobian = off or kept in plane form)
	LogLik []float64 // B: log q_T(x_T) + ∫ tr J (exact trace), accumulated
	EstLL  []float64 // B×E: the same with each estimator's trace (left-point correction)

	// Per-particle measurements at the current row.
	LogQ, TrF, AsymFull, AsymOff, MinEig []float64 // B
	LogLikRow                            []float64 // B: LogLik integrated up to this row's time
	EstLLRow                             []float64 // B×E: EstLL integrated up to this row's time
	Est, EstRelErr, EstVar               []float64 // B×E
	MatVecs, QRs                         []int64   // B×E spent this row
	Evals                                []int64   // B: velocity evaluations spent on the step from this row
	GuideLoss, GuideErr                  []float64 // B: guidance loss of the predicted endpoint, DF-EA adjoint error (NaN: not guided)
	GuideErrVJP, GuideErrEAL             []float64 // B: with networks, the VJP's and the learned-denoiser DF-EA's adjoint error

	plan     *plan            // the parameters resolved into functions
	phiPlane []model.PlanePhi // B: Φ = A·I + E·M·Eᵀ for data in a known plane (nil: dense Φ or none)
	e0, e1   []float64        // the plane's basis columns (with phiPlane)
	goal     []float64        // guidance goal in R^D
	loss     model.GuideLoss  // guidance loss (nil: none)
	stepH    []float64        // B: rk45's next step size per particle
	nets     *nets            // the learned networks (nil: none)
	ext      *external        // posterior summaries from an accelerator (nil: CPU only)
	rngs     []*rand.Rand     // per particle probe streams
	skets    [][]model.Sketch // per particle: E×R sketches (hutch++ with refresh q > 1 only)
	traj     []float64        // DF-EA particles' states at every row
	nTraj    int
}

func newBatch(sc *scenario) *Batch {
	p := sc.p
	b, d, e := p.Particles, p.Dim, len(p.Estimators)
	bt := &Batch{B: b, D: d, E: e, Mix: sc.mix, Sched: sc.sched, Grid: sc.grid, Coeffs: sc.coeffs, Params: p, plan: sc.plan,
		X: append([]float64(nil), sc.start...), LogLik: make([]float64, b), EstLL: make([]float64, b*e),
		LogQ: make([]float64, b), TrF: make([]float64, b), AsymFull: make([]float64, b), AsymOff: make([]float64, b),
		MinEig: make([]float64, b), LogLikRow: make([]float64, b), EstLLRow: make([]float64, b*e), Est: make([]float64, b*e), EstRelErr: make([]float64, b*e), EstVar: make([]float64, b*e),
		MatVecs: make([]int64, b*e), QRs: make([]int64, b*e), Evals: make([]int64, b), stepH: make([]float64, b), rngs: make([]*rand.Rand, b),
		GuideLoss: make([]float64, b), GuideErr: make([]float64, b), goal: sc.goal, loss: sc.loss,
		GuideErrVJP: make([]float64, b), GuideErrEAL: make([]float64, b)}
	e0, e1, inPlane := model.PlaneOf(sc.mix)
	switch {
	case sc.plan.phiCoeffs != nil && inPlane:
		bt.phiPlane, bt.e0, bt.e1 = make([]model.PlanePhi, b), e0, e1
		for i := range bt.phiPlane {
			bt.phiPlane[i] = model.IdentityPlanePhi()
		}
	case p.Jacobian != JacobianOff:
		bt.Phi = make([]float64, b*d*d)
		for i := 0; i < b; i++ {
			for j := 0; j < d; j++ {
				bt.Phi[i*d*d+j*d+j] = 1
			}
		}
	}
	for i := range bt.rngs {
		bt.rngs[i] = rand.New(rand.NewPCG(p.Seed, probeStream+uint64(i)))
	}
	if sc.plan.keepSket && p.HasEstimator(HutchPP) {
		bt.skets = make([][]model.Sketch, b)
		for i := range bt.skets {
			bt.skets[i] = make([]model.Sketch, e*p.Repeats)
		}
	}
	bt.nTraj = min(p.DFEA, b)
	bt.traj = make([]float64, bt.nTraj*len(sc.grid)*d)
	return bt
}

// recordTrajectory stores the DF-EA particles' states at row i.
func (bt *Batch) recordTrajectory(i int) {
	d := bt.D
	for k := 0; k < bt.nTraj; k++ {
		copy(bt.traj[(k*len(bt.Grid)+i)*d:], bt.X[k*d:(k+1)*d])
	}
}

// clearRow marks every per-particle measurement as missing.
func (bt *Batch) clearRow() {
	for _, s := range [][]float64{bt.LogQ, bt.TrF, bt.AsymFull, bt.AsymOff, bt.MinEig, bt.LogLikRow, bt.EstLLRow, bt.Est, bt.EstRelErr, bt.EstVar, bt.GuideLoss, bt.GuideErr, bt.GuideErrVJP, bt.GuideErrEAL} {
		for i := range s {
			s[i] = math.NaN()
		}
	}
	clear(bt.MatVecs)
	clear(bt.QRs)
	clear(bt.Evals)
}
