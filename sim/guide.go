package sim

import (
	"math"

	"fisherscope/model"
)

// Adjoint guidance on the exact DDIM map (paper § adjoint guidance,
// math-spec §4): for L = ½‖x_end − goal‖² the adjoint a_i = ∂L/∂x_{t_i}
// is a_i = M_iᵀ a_{i+1}, M_i = A_i I + B_i (α_i/σ_i²) C(x_i), and guidance
// moves x_i ← x_i − λ a_i at the first guide_steps steps. Beside it the
// DF-EA adjoint (C ≈ x̂₀x̂₀ᵀ − x_θx_θᵀ, x̂₀ the denoised endpoint) is
// propagated along the same path and its relative error reported.

// guideWork is one worker's scratch for guidance.
type guideWork struct {
	xs        []float64 // (n+1)×D predicted trajectory
	a, ae, cv []float64 // exact and DF-EA adjoints, C·a
	xhat      []float64 // denoised endpoint
}

func newGuideWork(rows, d int) *guideWork {
	return &guideWork{xs: make([]float64, rows*d), a: make([]float64, d), ae: make([]float64, d),
		cv: make([]float64, d), xhat: make([]float64, d)}
}

// guide predicts particle k's endpoint from row i, computes the exact and
// the DF-EA adjoints back to row i, records the loss and DF-EA's error, and
// moves x by −λ a_i. It returns errCancelled when the job is cancelled.
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
	end := xs[n*d : (n+1)*d]
	bt.Mix.Posterior(w.post, end, bt.Coeffs[n])
	copy(g.xhat, w.post.Mean)
	loss := 0.0
	for j := 0; j < d; j++ {
		g.a[j] = end[j] - bt.goal[j]
		g.ae[j] = g.a[j]
		loss += g.a[j] * g.a[j] / 2
	}
	for j := n - 1; j >= i; j-- {
		c, to := bt.Coeffs[j], bt.Coeffs[j+1]
		A := to.Sigma / c.Sigma
		kk := (to.Alpha - c.Alpha*A) * c.Alpha / (c.Sigma * c.Sigma)
		bt.Mix.Posterior(w.post, xs[j*d:(j+1)*d], c)
		w.post.CovMatVec(g.cv, g.a)
		ph, pt := dot(g.xhat, g.ae), dot(w.post.Mean, g.ae)
		for m := 0; m < d; m++ {
			g.a[m] = A*g.a[m] + kk*g.cv[m]
			g.ae[m] = A*g.ae[m] + kk*(ph*g.xhat[m]-pt*w.post.Mean[m])
		}
	}
	diff, norm := 0.0, 0.0
	for m := 0; m < d; m++ {
		diff += (g.ae[m] - g.a[m]) * (g.ae[m] - g.a[m])
		norm += g.a[m] * g.a[m]
		x[m] -= w.pl.guide * g.a[m]
	}
	bt.GuideLoss[k], bt.GuideErr[k] = loss, math.Sqrt(diff/norm)
	return nil
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
