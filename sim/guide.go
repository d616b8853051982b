package sim

import (
	"math"

	"fisherscope/model"
)

// Adjoint guidance on the exact DDIM map (paper § adjoint guidance,
// math-spec §4): for a loss L(x_end) the adjoint a_i = ∂L/∂x_{t_i} is
// a_i = M_iᵀ a_{i+1}, M_i = A_i I + B_i (α_i/σ_i²) C(x_i), and guidance moves
// x_i ← x_i − λ a_i at the first guide_steps steps. Along the same predicted
// path the approximations are propagated too and their relative errors
// reported: DF-EA (C ≈ x̂₀x̂₀ᵀ − x_θx_θᵀ, x̂₀ the denoised endpoint) with the
// exact denoiser, and, with networks, the VJP of the learned score and
// DF-EA with the learned denoiser.

// guideWork is one worker's scratch for guidance.
type guideWork struct {
	xs                  []float64 // (n+1)×D predicted trajectory
	a, ae, av, al, cv   []float64 // adjoints: exact, DF-EA, VJP, DF-EA learned; C·a
	xhat, xhatL, xt, fv []float64 // denoised endpoints (exact, learned), learned x_θ, F_θ·a
}

func newGuideWork(rows, d int) *guideWork {
	v := func() []float64 { return make([]float64, d) }
	return &guideWork{xs: make([]float64, rows*d), a: v(), ae: v(), av: v(), al: v(), cv: v(),
		xhat: v(), xhatL: v(), xt: v(), fv: v()}
}

// guide predicts particle k's endpoint from row i, computes the adjoints
// back to row i, records the loss and the approximations' errors, and moves
// x by −λ a_i. It returns errCancelled when the job is cancelled.
func (w *worker) guide(k, i int, x []float64) error {
	bt, g := w.bt, w.gw
	d, n := bt.D, len(bt.Coeffs)-1
	xs := g.xs
	copy(xs[i*d:(i+1)*d], x)
	for j := i; j < n; j++ {
		if w.cancelled() {
			return errCancelled
		}
		bt.Mix.Posterior(w.post, xs[j*d:(j+1)*d], bt.Coeffs[j])
		model.DDIMStep(xs[(j+1)*d:(j+2)*d], xs[j*d:(j+1)*d], w.post, bt.Coeffs[j+1])
	}
	end, cEnd := xs[n*d:(n+1)*d], bt.Coeffs[n]
	bt.Mix.Posterior(w.post, end, cEnd)
	copy(g.xhat, w.post.Mean)
	net := bt.nets != nil
	if net {
		bt.nets.score.Denoise(g.xhatL, end, cEnd)
	}
	bt.loss.Grad(g.a, end)
	copy(g.ae, g.a)
	copy(g.av, g.a)
	copy(g.al, g.a)
	for j := n - 1; j >= i; j-- {
		if w.cancelled() {
			return errCancelled
		}
		c, to := bt.Coeffs[j], bt.Coeffs[j+1]
		A := to.Sigma / c.Sigma
		kk := (to.Alpha - c.Alpha*A) * c.Alpha / (c.Sigma * c.Sigma)
		xj := xs[j*d : (j+1)*d]
		bt.Mix.Posterior(w.post, xj, c)
		w.post.CovMatVec(g.cv, g.a)
		eaStep(g.ae, g.xhat, w.post.Mean, A, kk)
		for m := 0; m < d; m++ {
			g.a[m] = A*g.a[m] + kk*g.cv[m]
		}
		if net {
			w.netOp.Reset(xj, c)
			w.netOp.MatVecT(g.fv, g.av) // aᵀF_θ; C a = (σ⁴/α²)(a/σ² − F_θ a)
			s2 := c.Sigma * c.Sigma
			kc := s2 * s2 / (c.Alpha * c.Alpha)
			for m := 0; m < d; m++ {
				g.av[m] = A*g.av[m] + kk*kc*(g.av[m]/s2-g.fv[m])
			}
			bt.nets.score.Denoise(g.xt, xj, c)
			eaStep(g.al, g.xhatL, g.xt, A, kk)
		}
	}
	bt.GuideLoss[k] = bt.loss.Value(end)
	bt.GuideErr[k] = relDist(g.ae, g.a)
	if net {
		bt.GuideErrVJP[k], bt.GuideErrEAL[k] = relDist(g.av, g.a), relDist(g.al, g.a)
	}
	for m := 0; m < d; m++ {
		x[m] -= w.pl.guide * g.a[m]
	}
	return nil
}

// eaStep moves a DF-EA adjoint one step back: a ← A a + k (x̂₀x̂₀ᵀ − x_θx_θᵀ) a.
func eaStep(a, xhat, xtheta []float64, A, k float64) {
	ph, pt := dot(xhat, a), dot(xtheta, a)
	for m := range a {
		a[m] = A*a[m] + k*(ph*xhat[m]-pt*xtheta[m])
	}
}

// relDist is ‖a − b‖/‖b‖.
func relDist(a, b []float64) float64 {
	diff, norm := 0.0, 0.0
	for m := range a {
		diff += (a[m] - b[m]) * (a[m] - b[m])
		norm += b[m] * b[m]
	}
	return math.Sqrt(diff / norm)
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
