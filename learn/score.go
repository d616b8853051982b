package learn

import (
	"context"
	"fmt"
	"math"
	"sync"

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

// network is what score and trace networks share: their description,
// topology, input features and weights, and a pool of float64 workspaces.
type network struct {
	info Info
	tp   *topology
	feat featurizer
	w32  []float32 // trained weights (as saved)
	w64  []float64 // their float64 copy, used for evaluation
	pool sync.Pool // *evalWS
}

// evalWS is a float64 workspace of one evaluation.
type evalWS struct {
	net *netWS[float64]
	tf  []float64
	v   []float64
}

// init assembles the network from its info and weights.
func (n *network) init(info Info, w []float32) error {
	switch {
	case info.Kind != kindScore && info.Kind != kindTrace:
		return fmt.Errorf("unknown network kind %q", info.Kind)
	case info.Dim < 1 || info.Dim > model.MaxDim:
		return fmt.Errorf("data dimension %d outside [1, %d]", info.Dim, model.MaxDim)
	case !(info.DataScale > 0) || math.IsInf(info.DataScale, 0):
		return fmt.Errorf("data scale %g (must be positive and finite)", info.DataScale)
	case !(info.TMax > info.TMin) || math.IsInf(info.TMax-info.TMin, 0):
		return fmt.Errorf("time range [%g, %g] invalid", info.TMin, info.TMax)
	case info.Kind == kindTrace && info.Config.Target != TraceNorm && info.Config.Target != TraceEps:
		return fmt.Errorf("DF-TM target %q (allowed: %s, %s)", info.Config.Target, TraceNorm, TraceEps)
	}
	nout := info.Dim
	if info.Kind == kindTrace {
		nout = 1
	}
	tp, err := newTopology(info.Config.Arch, info.Config.widths(), info.Dim, TimeFeatures, nout)
	if err != nil {
		return err
	}
	if len(w) != tp.nparams {
		return fmt.Errorf("%d weights for a %s network with %d parameters", len(w), tp, tp.nparams)
	}
	info.Params, info.Layers = tp.nparams, tp.String()
	n.info, n.tp, n.feat = info, tp, newFeaturizer(info.TMin, info.TMax, info.DataScale)
	n.w32, n.w64 = w, make([]float64, len(w))
	for i, v := range w {
		n.w64[i] = float64(v)
	}
	n.pool.New = func() any {
		return &evalWS{net: newNetWS(tp, gemmer[float64](gonum64{})), tf: make([]float64, TimeFeatures)}
	}
	return nil
}

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

// prepare validates cfg and builds the info, topology and featurizer of a
// network of the given kind with nout outputs.
func prepare(kind string, cfg *Config, s model.Schedule, data Source, nout int) (Info, *topology, featurizer, error) {
	if cfg.Kernel == "" {
		cfg.Kernel = KernelAuto
	}
	if err := cfg.validate(); err != nil {
		return Info{}, nil, featurizer{}, err
	}
	d := data.Dim()
	if d < 1 || d > model.MaxDim {
		return Info{}, nil, featurizer{}, fmt.Errorf("data dimension %d outside [1, %d]", d, model.MaxDim)
	}
	tp, err := newTopology(cfg.Arch, cfg.widths(), d, TimeFeatures, nout)
	if err != nil {
		return Info{}, nil, featurizer{}, err
	}
	sd2, err := dataScale(data, cfg.Seed)
	if err != nil {
		return Info{}, nil, featurizer{}, err
	}
	tmin, tmax := s.Range()
	info := Info{Kind: kind, Config: *cfg, Schedule: s.Name(), Dim: d, DataID: data.Identity(), DataScale: sd2,
		TMin: tmin, TMax: tmax, Params: tp.nparams, Layers: tp.String()}
	info.Config.Widths = append([]int(nil), cfg.widths()...)
	if kind == kindScore {
		info.Key = CacheKey(*cfg, s, data)
	}
	return info, tp, newFeaturizer(tmin, tmax, sd2), nil
}

// Info returns the network's description (a copy).
func (n *network) Info() Info {
	i := n.info
	i.Config.Widths = append([]int(nil), i.Config.Widths...)
	return i
}

// Dim returns the data dimension D.
func (n *network) Dim() int { return n.info.Dim }

// checkArgs panics on programmer misuse: wrong lengths or a σ that is not
// finite and positive.
func (n *network) checkArgs(c model.Coeffs, xs ...[]float64) {
	for _, x := range xs {
		if len(x) != n.info.Dim {
			panic(fmt.Sprintf("learn: vector of length %d, network dimension is %d", len(x), n.info.Dim))
		}
	}
	if !(c.Sigma > 0) || math.IsInf(c.Sigma, 0) || !(c.Alpha > 0) || math.IsInf(c.Alpha, 0) {
		panic(fmt.Sprintf("learn: network needs finite α > 0 and σ > 0, got α=%g σ=%g", c.Alpha, c.Sigma))
	}
}

// forward evaluates the network at the rows of xs (B×D) and returns the
// workspace (to be put back by the caller) and the output (B × nout).
func (n *network) forward(xs []float64, c model.Coeffs) (*evalWS, []float64) {
	ws := n.pool.Get().(*evalWS)
	d := n.info.Dim
	rows := len(xs) / d
	in := ws.net.resize(rows)
	n.feat.timeTo(ws.tf, c)
	cin := n.feat.cin(c)
	nin := n.tp.nin()
	for i := 0; i < rows; i++ {
		rowTo(in[i*nin:(i+1)*nin], xs[i*d:(i+1)*d], cin, ws.tf)
	}
	return ws, ws.net.forward(n.w64)
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
