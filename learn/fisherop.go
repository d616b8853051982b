package learn

import "fisherscope/model"

// FisherOp is the learned diffusion Fisher F_θ = (1/σ) ∂ε_θ/∂x at (X, C) as a
// model.Operator (math-spec §6.2), so that every trace estimator of package
// model runs on the learned model. F_θ is not exactly symmetric; the
// estimators see its action only, and the Hutchinson-type ones estimate
// tr F_θ all the same. The forward pass at X is computed on the first
// MatVec and reused: do not change X or C after that. Not safe for
// concurrent use.
type FisherOp struct {
	Net *ScoreNet
	X   []float64
	C   model.Coeffs
	ws  *evalWS
}

// Dim implements model.Operator.
func (o *FisherOp) Dim() int { return o.Net.Dim() }

func (o *FisherOp) ready() *evalWS {
	if o.ws == nil {
		o.Net.checkArgs(o.C, o.X)
		o.ws, _ = o.Net.forward(o.X, o.C)
	}
	return o.ws
}

// MatVec implements model.Operator: dst = (1/σ) (∂ε_θ/∂x) v (one JVP).
func (o *FisherOp) MatVec(dst, v []float64) {
	ws := o.ready()
	o.Net.checkArgs(o.C, dst, v)
	o.Net.jvpCached(dst, v, o.C, ws)
	for j := range dst {
		dst[j] /= o.C.Sigma
	}
}

// MatVecT writes the transposed action dst = (1/σ) (∂ε_θ/∂x)ᵀ u (one VJP).
func (o *FisherOp) MatVecT(dst, u []float64) {
	ws := o.ready()
	o.Net.checkArgs(o.C, dst, u)
	o.Net.vjpCached(dst, u, o.C, ws, 1)
	for j := range dst {
		dst[j] /= o.C.Sigma
	}
}

// Reset moves the operator to (x, c): the next MatVec runs a new forward
// pass. Use it to reuse one FisherOp for many points.
func (o *FisherOp) Reset(x []float64, c model.Coeffs) { o.X, o.C, o.ws = x, c, nil }
