package sim

import (
	"fmt"

	"fisherscope/model"
)

// plan is the scenario's parameters resolved into the functions the workers
// run: no parameter is interpreted on the hot path.
type plan struct {
	advance   stepFunc  // moves one particle one step
	trapezoid bool      // likelihood by the trapezoid rule over the grid (ddim, euler)
	phiCoeffs phiFunc   // Φ ← aΦ + kCΦ after the posterior: a and k (nil: none or done by advance)
	tangent   bool      // advance integrates Φ with the state (jacobian rk4)
	ests      []estFunc // one per estimator, in Params.Estimators order
	cov       bool      // estimators estimate tr C; tr F = d/σ² − (α²/σ⁴) tr C
	probes    int       // m
	sketch    int       // Hutch++ k
	refresh   int       // Hutch++ q
	keepSket  bool      // Hutch++ sketches persist across steps (q > 1)
	probe     model.Probe
	learned   []bool // per estimator: runs on the networks (no tr C conversion)
	evals     int64  // velocity evaluations of one fixed step (rk45 counts its own)
	adaptive  bool   // rk45: the step counts its evaluations
	rtol      float64
	atol      float64
	guide     float64 // adjoint guidance strength λ (0: off)
	guideRows int     // rows from T at which guidance acts
}

// stepFunc advances x (particle k) by h to the coefficients to and returns the
// change of the log-likelihood that the solver integrates itself (0 for the
// trapezoid solvers).
type stepFunc func(w *worker, k int, x []float64, h float64, to model.Coeffs) (float64, error)

// phiFunc returns a and k of the affine Φ update Φ ← aΦ + k·C·Φ of the step
// of length h from the coefficients from to to.
type phiFunc func(from model.Coeffs, h float64, to model.Coeffs) (a, k float64)

// estFunc makes draw r of estimator e for particle k at row i.
type estFunc func(w *worker, op model.Operator, k, e, r, i int) (model.Estimate, error)

// newPlan resolves validated parameters.
func newPlan(p Params) (*plan, error) {
	pl := &plan{probes: p.Probes, sketch: p.SketchSize(), refresh: p.Refresh, keepSket: p.Refresh > 1,
		probe: p.Probe, cov: p.Target == TargetCov, evals: int64(stagesOf(p.Solver)), rtol: p.RTol, atol: p.ATol,
		guide: p.Guide, guideRows: p.GuideSteps}
	switch p.Solver {
	case model.DDIM:
		pl.advance, pl.trapezoid = stepDDIM, true
		if p.Score == ScoreLearned {
			pl.advance = stepDDIMNet
		}
	case model.Euler:
		pl.advance, pl.trapezoid = stepEuler, true
		if p.Score == ScoreLearned {
			pl.advance = stepEulerNet
		}
	case model.Heun:
		pl.advance = stepHeun
	case model.RK4:
		pl.advance = stepRK4
		if p.Jacobian == JacobianRK4 {
			pl.advance, pl.tangent = stepRK4Tangent, true
		}
	case model.RK45:
		pl.advance, pl.adaptive = stepRK45, true
		if p.Jacobian == JacobianRK4 {
			pl.advance, pl.tangent = stepRK45Tangent, true
		}
	default:
		return nil, fmt.Errorf("solver: unknown value %v", p.Solver)
	}
	switch p.Jacobian {
	case JacobianDDIM:
		pl.phiCoeffs = func(from model.Coeffs, _ float64, to model.Coeffs) (float64, float64) {
			return model.PhiDDIMCoeffs(from, to)
		}
	case JacobianEuler:
		pl.phiCoeffs = func(from model.Coeffs, h float64, _ model.Coeffs) (float64, float64) {
			return model.PhiEulerCoeffs(from, h)
		}
	case JacobianScript:
		pl.phiCoeffs = func(from model.Coeffs, h float64, _ model.Coeffs) (float64, float64) {
			return model.PhiScriptCoeffs(from, h)
		}
	}
	for _, e := range p.Estimators {
		f, err := estimatorFunc(e)
		if err != nil {
			return nil, err
		}
		pl.ests = append(pl.ests, f)
		pl.learned = append(pl.learned, e.Learned())
	}
	return pl, nil
}

func estimatorFunc(e Estimator) (estFunc, error) {
	switch e {
	case Hutchinson:
		return func(w *worker, op model.Operator, k, _, _, _ int) (model.Estimate, error) {
			return model.Hutchinson(op, w.pl.probes, w.pl.probe, w.bt.rngs[k], &w.tw), nil
		}, nil
	case HutchPP:
		return drawHutchPP, nil
	case NAHutchPP:
		return func(w *worker, op model.Operator, k, _, _, _ int) (model.Estimate, error) {
			return model.NAHutchPP(op, w.pl.probes, w.pl.probe, w.bt.rngs[k])
		}, nil
	case XTrace:
		return func(w *worker, op model.Operator, k, _, _, _ int) (model.Estimate, error) {
			return model.XTrace(op, w.pl.probes, true, model.Sphere, w.bt.rngs[k])
		}, nil
	case VJP:
		return func(w *worker, _ model.Operator, _, _, _, _ int) (model.Estimate, error) {
			return model.Estimate{Value: w.bt.nets.score.TraceVJP(w.x, w.post.C), MatVecs: w.bt.D}, nil
		}, nil
	case VJPHutchinson:
		return func(w *worker, _ model.Operator, k, _, _, _ int) (model.Estimate, error) {
			w.netOp.Reset(w.x, w.post.C) // a new point: a new forward pass
			return model.Hutchinson(w.netOp, w.pl.probes, w.pl.probe, w.bt.rngs[k], &w.tw), nil
		}, nil
	case DFTM:
		return func(w *worker, _ model.Operator, _, _, _, _ int) (model.Estimate, error) {
			return model.Estimate{Value: w.bt.nets.norm.Trace(w.x, w.post.C)}, nil
		}, nil
	case DFTMEps:
		return func(w *worker, _ model.Operator, _, _, _, _ int) (model.Estimate, error) {
			return model.Estimate{Value: w.bt.nets.eps.Trace(w.x, w.post.C)}, nil
		}, nil
	}
	return nil, fmt.Errorf("estimators: unknown estimator %v", e)
}

// drawHutchPP makes one Hutch++ estimate, refreshing the sketch basis every
// q steps. With q = 1 nothing reuses a basis, so the worker's one scratch
// sketch serves every particle and draw.
func drawHutchPP(w *worker, op model.Operator, k, e, r, i int) (model.Estimate, error) {
	pl := w.pl
	rng := w.bt.rngs[k]
	sk := &w.sk
	if pl.keepSket {
		sk = &w.bt.skets[k][e*len(w.draws)+r]
	}
	var mv, qr int
	if !pl.keepSket || i%pl.refresh == 0 {
		mv, qr = sk.Refresh(op, pl.sketch, pl.probe, rng, &w.tw), 1
	}
	est := model.HutchPPWithSketch(op, sk, pl.probes-2*pl.sketch, pl.probe, rng, &w.tw)
	est.MatVecs += mv
	est.QRs += qr
	return est, nil
}

func stepDDIM(w *worker, _ int, x []float64, _ float64, to model.Coeffs) (float64, error) {
	model.DDIMStep(x, x, w.post, to)
	return 0, nil
}

func stepEuler(w *worker, _ int, x []float64, h float64, _ model.Coeffs) (float64, error) {
	model.Velocity(w.v, x, w.post)
	for j := range x {
		x[j] += h * w.v[j]
	}
	return 0, nil
}

func stepHeun(w *worker, _ int, x []float64, _ float64, to model.Coeffs) (float64, error) {
	return w.ode.Step(x, x, w.post.C.T, to.T, model.Heun, nil)
}

func stepRK4(w *worker, _ int, x []float64, _ float64, to model.Coeffs) (float64, error) {
	return w.ode.Step(x, x, w.post.C.T, to.T, model.RK4, nil)
}

func stepRK4Tangent(w *worker, k int, x []float64, _ float64, to model.Coeffs) (float64, error) {
	d := w.bt.D
	phi := w.bt.Phi[k*d*d : (k+1)*d*d]
	return w.ode.StepTangent(x, phi, x, phi, w.post.C.T, to.T)
}

// stepDDIMNet is the DDIM step with the learned denoiser x̂₀ = (x − σ ε_θ)/α.
func stepDDIMNet(w *worker, _ int, x []float64, _ float64, to model.Coeffs) (float64, error) {
	c := w.post.C
	w.bt.nets.score.Denoise(w.v, x, c)
	a, b := model.DDIMCoeffs(c, to)
	for j := range x {
		x[j] = a*x[j] + b*w.v[j]
	}
	return 0, nil
}

// stepEulerNet is the Euler step with the learned velocity
// v = (f + g²/(2σ²)) x − (g² α/(2σ²)) x̂₀.
func stepEulerNet(w *worker, _ int, x []float64, h float64, _ model.Coeffs) (float64, error) {
	c := w.post.C
	w.bt.nets.score.Denoise(w.v, x, c)
	s2 := c.Sigma * c.Sigma
	a, b := c.F+c.G2/(2*s2), c.G2*c.Alpha/(2*s2)
	for j := range x {
		x[j] += h * (a*x[j] - b*w.v[j])
	}
	return 0, nil
}

// stepRK45 integrates to the next grid time with Dormand–Prince 5(4), each
// particle carrying its own step size from interval to interval, and counts
// the velocity evaluations it spends.
func stepRK45(w *worker, k int, x []float64, _ float64, to model.Coeffs) (float64, error) {
	bt := w.bt
	dl, n, h, err := w.ode.Adaptive(x, x, w.post.C.T, to.T, w.pl.rtol, w.pl.atol, bt.stepH[k])
	bt.stepH[k] = h
	bt.Evals[k] += int64(n)
	return dl, err
}

// stepRK45Tangent is stepRK45 with Φ integrated by the same stages.
func stepRK45Tangent(w *worker, k int, x []float64, _ float64, to model.Coeffs) (float64, error) {
	bt := w.bt
	d := bt.D
	phi := bt.Phi[k*d*d : (k+1)*d*d]
	dl, n, h, err := w.ode.AdaptiveTangent(x, phi, x, phi, w.post.C.T, to.T, w.pl.rtol, w.pl.atol, bt.stepH[k])
	bt.stepH[k] = h
	bt.Evals[k] += int64(n)
	return dl, err
}
