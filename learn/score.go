package learn

import (
	"context"
	"fmt"

	"fisherscope/model"
)

// ScoreNet is a trained noise-prediction network ε_θ(x, t) ≈ E[ε | x_t = x]
// (math-spec §0), evaluated in float64. Score, Denoise, JVP and VJP follow
// from it by Tweedie's relations:
//
//	s_θ = −ε_θ/σ,   x_θ = (x − σ ε_θ)/α,   F_θ = −∂s_θ/∂x = (1/σ) ∂ε_θ/∂x.
//
// A ScoreNet is immutable and safe for concurrent use: every method takes a
// workspace from an internal pool.
type ScoreNet struct{ network }

// TrainScore trains a noise-prediction network by denoising score matching:
// it minimises E‖ε_θ(α_t x_0 + σ_t ε, t) − ε‖² over x_0 from data,
// ε ~ N(0, I) and t uniform (see Config and timeSampler), with Adam, and
// keeps the EMA of the weights. progress (may be nil) is called about 100
// times. It fails for an invalid configuration, on cancellation of ctx and
// if the loss diverges.
func TrainScore(ctx context.Context, cfg Config, s model.Schedule, data Source, progress func(Progress)) (*ScoreNet, error) {
	info, tp, feat, err := prepare(kindScore, &cfg, s, data, data.Dim())
	if err != nil {
		return nil, fmt.Errorf("learn: score network: %w", err)
	}
	d := data.Dim()
	target := func(dst []float32, b *batch, _ []float32) {
		for i, e := range b.eps[:b.n*d] {
			dst[i] = float32(e)
		}
	}
	w, loss, kern, err := run(ctx, &cfg, tp, s, data, &feat, target, progress)
	if err != nil {
		return nil, fmt.Errorf("learn: score network: %w", err)
	}
	info.Loss, info.Kernel = loss, kern
	n := &ScoreNet{}
	if err := n.init(info, w); err != nil {
		return nil, fmt.Errorf("learn: score network: %w", err)
	}
	return n, nil
}

// Eps writes ε_θ(x, t) into dst (length D).
func (n *ScoreNet) Eps(dst, x []float64, c model.Coeffs) {
	n.checkArgs(c, dst, x)
	ws, out := n.forward(x, c)
	copy(dst, out)
	n.pool.Put(ws)
}

// EpsBatch writes ε_θ at the B points xs (B×D row-major), all at the same
// time, into dst (B×D).
func (n *ScoreNet) EpsBatch(dst, xs []float64, c model.Coeffs) {
	n.checkArgs(c)
	if len(xs)%n.info.Dim != 0 || len(dst) != len(xs) {
		panic("learn: EpsBatch length mismatch")
	}
	if len(xs) == 0 {
		return
	}
	ws, out := n.forward(xs, c)
	copy(dst, out)
	n.pool.Put(ws)
}

// Score writes the learned score s_θ = −ε_θ/σ into dst.
func (n *ScoreNet) Score(dst, x []float64, c model.Coeffs) {
	n.Eps(dst, x, c)
	for j := range dst {
		dst[j] = -dst[j] / c.Sigma
	}
}

// Denoise writes the learned denoiser x_θ = (x − σ ε_θ)/α into dst.
func (n *ScoreNet) Denoise(dst, x []float64, c model.Coeffs) {
	n.Eps(dst, x, c)
	for j := range dst {
		dst[j] = (x[j] - c.Sigma*dst[j]) / c.Alpha
	}
}

// JVP writes (∂ε_θ/∂x)·v at x into dst (forward mode: one tangent pass).
func (n *ScoreNet) JVP(dst, x, v []float64, c model.Coeffs) {
	n.checkArgs(c, dst, x, v)
	ws, _ := n.forward(x, c)
	n.jvpCached(dst, v, c, ws)
	n.pool.Put(ws)
}

// VJP writes (∂ε_θ/∂x)ᵀ·u at x into dst (reverse mode: one backward pass).
func (n *ScoreNet) VJP(dst, x, u []float64, c model.Coeffs) {
	n.checkArgs(c, dst, x, u)
	ws, _ := n.forward(x, c)
	n.vjpCached(dst, u, c, ws, 1)
	n.pool.Put(ws)
}

// jvpCached is JVP after ws's forward pass at x: the input tangent is c_in·v.
func (n *ScoreNet) jvpCached(dst, v []float64, c model.Coeffs, ws *evalWS) {
	cin := n.feat.cin(c)
	ws.v = grow(ws.v, len(v))
	for j, vj := range v {
		ws.v[j] = cin * vj
	}
	copy(dst, ws.net.jvp(n.w64, ws.v, 1))
}

// vjpCached is VJP after ws's forward pass for per cotangent rows u
// (per×D): dst (per×D) = c_in · (∂net/∂u_x)ᵀ u.
func (n *ScoreNet) vjpCached(dst, u []float64, c model.Coeffs, ws *evalWS, per int) {
	g := ws.net.backward(n.w64, nil, u, per, true)
	cin := n.feat.cin(c)
	for j, v := range g {
		dst[j] = cin * v
	}
}

// TraceVJP returns tr((1/σ) ∂ε_θ/∂x) at x, the learned model's "VJP" trace
// of the diffusion Fisher (math-spec §6.2, the paper's eq. 15): one forward
// pass and the D backward passes Σ_i e_iᵀ ∂ε_θ/∂x e_i, run as one batched
// backward pass of D cotangent rows, so its cost grows linearly with D.
func (n *ScoreNet) TraceVJP(x []float64, c model.Coeffs) float64 {
	n.checkArgs(c, x)
	d := n.info.Dim
	ws, _ := n.forward(x, c)
	ws.v = grow(ws.v, d*d)
	u := ws.v
	clear(u)
	for i := 0; i < d; i++ {
		u[i*d+i] = 1
	}
	g := ws.net.backward(n.w64, nil, u, d, true)
	tr := 0.0
	for i := 0; i < d; i++ {
		tr += g[i*d+i]
	}
	n.pool.Put(ws)
	return n.feat.cin(c) * tr / c.Sigma
}
