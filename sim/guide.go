package sim

import (
	"gonum.org/v1/gonum/floats"

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
		xj := xs[j*d : (j+1)*d]
		bt.Mix.Posterior(w.post, xj, c)
		w.post.CovMatVec(g.cv, g.a)
		model.DDIMAdjointStep(g.a, g.cv, c, to)
		model.DFEACovMatVec(g.cv, g.ae, g.xhat, w.post.Mean)
		model.DDIMAdjointStep(g.ae, g.cv, c, to)
		if net {
			w.netOp.Reset(xj, c)
			w.netOp.MatVecT(g.fv, g.av) // aᵀF_θ
			model.CovFromFisher(g.cv, g.av, g.fv, c)
			model.DDIMAdjointStep(g.av, g.cv, c, to)
			bt.nets.score.Denoise(g.xt, xj, c)
			model.DFEACovMatVec(g.cv, g.al, g.xhatL, g.xt)
			model.DDIMAdjointStep(g.al, g.cv, c, to)
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

// relDist is ‖a − b‖/‖b‖.
func relDist(a, b []float64) float64 { return floats.Distance(a, b, 2) / floats.Norm(b, 2) }
