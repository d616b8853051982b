package learn

import (
	"context"
	"fmt"
	"math"

	"fisherscope/model"
)

// TraceKind selects what a DF-TM network regresses.
type TraceKind string

// The DF-TM targets.
const (
	// TraceNorm is the paper's Algorithm 1 (math-spec §7): regress
	// ‖x_0‖²/(D s_d²) from x_t; the minimiser is E[‖x_0‖² | x_t]/(D s_d²)
	// (Prop. 6), and with t_θ = D s_d²·output and the learned denoiser x_θ
	//
	//	tr F ≈ D/σ² − (α²/σ⁴) (t_θ − ‖x_θ‖²)          (eq. 17)
	//
	// An error δ_x in x_θ enters to first order: 2(α²/σ⁴) x_θ·δ_x.
	TraceNorm TraceKind = "norm"
	// TraceEps regresses v = ‖ε − ε_θ(x_t, t)‖²/D, with ε_θ the trained
	// score network. Since ε = (x_t − α x_0)/σ, Cov[ε | x_t] = (α²/σ²) C
	// and F = I/σ² − (α²/σ⁴) C = (I − Cov[ε | x_t])/σ² (math-spec §2.1); and
	// E[‖ε − ε_θ‖² | x_t] = tr Cov[ε | x_t] + ‖ε* − ε_θ‖² with ε* = E[ε | x_t].
	// Hence the minimiser v* gives
	//
	//	tr F ≈ (D/σ²)(1 − v_θ) = tr F − ‖ε* − ε_θ‖²/σ²   (at v_θ = v*)
	//
	// a bias that is second order in the score error and never positive.
	TraceEps TraceKind = "eps"
)

// TraceNet is a trained DF-TM network (math-spec §7) together with the score
// network it belongs to. Immutable and safe for concurrent use.
type TraceNet struct {
	network
	score *ScoreNet
}

// TrainDFTM trains the DF-TM network of kind cfg.Target for the score
// network score, on the same schedule and data (it fails if score was
// trained on others). The network reads the same input features as the score
// network; t is drawn as in TrainScore. Other errors as TrainScore.
func TrainDFTM(ctx context.Context, cfg Config, s model.Schedule, data Source, score *ScoreNet, progress func(Progress)) (*TraceNet, error) {
	if cfg.Target == "" {
		cfg.Target = TraceNorm
	}
	si := score.info
	if si.Schedule != s.Name() || si.DataID != data.Identity() || si.Dim != data.Dim() {
		return nil, fmt.Errorf("learn: DF-TM network: score network was trained for schedule %s and data %s, not %s and %s",
			si.Schedule, si.DataID, s.Name(), data.Identity())
	}
	info, tp, _, err := prepare(kindTrace, &cfg, s, data, 1)
	if err != nil {
		return nil, fmt.Errorf("learn: DF-TM network: %w", err)
	}
	info.ScoreKey = score.info.Key
	info.Key = traceKey(cfg, score.info.Key)
	info.DataScale, info.TMin, info.TMax = si.DataScale, si.TMin, si.TMax // same features as the score network
	feat := score.feat
	g, err := newGemm32(cfg.Kernel)
	if err != nil {
		return nil, fmt.Errorf("learn: DF-TM network: %w", err)
	}
	sws := newNetWS(score.tp, g)
	d := data.Dim()
	norm := 1 / (float64(d) * si.DataScale)
	target := func(dst []float32, b *batch, in []float32) {
		if cfg.Target == TraceNorm {
			for i := 0; i < b.n; i++ {
				x0 := b.x0[i*d : (i+1)*d]
				dst[i] = float32(dotT(x0, x0) * norm)
			}
			return
		}
		copy(sws.resize(b.n), in)
		eps := sws.forward(score.w32)
		for i := 0; i < b.n; i++ {
			s := 0.0
			for j := 0; j < d; j++ {
				e := b.eps[i*d+j] - float64(eps[i*d+j])
				s += e * e
			}
			dst[i] = float32(s / float64(d))
		}
	}
	w, loss, kern, err := run(ctx, &cfg, tp, s, data, &feat, target, progress)
	if err != nil {
		return nil, fmt.Errorf("learn: DF-TM network: %w", err)
	}
	info.Loss, info.Kernel = loss, kern
	n := &TraceNet{score: score}
	if err := n.init(info, w); err != nil {
		return nil, fmt.Errorf("learn: DF-TM network: %w", err)
	}
	return n, nil
}

// Score returns the score network n belongs to.
func (n *TraceNet) Score() *ScoreNet { return n.score }

// Kind returns what n regresses.
func (n *TraceNet) Kind() TraceKind { return n.info.Config.Target }

// TraceValue is a DF-TM trace with its parts.
type TraceValue struct {
	Value     float64 // tr F with the clamp tr C ≥ 0 (equivalently tr F ≤ D/σ²)
	Unclamped float64 // tr F without the clamp
	Clamped   bool    // whether the clamp changed the value
	TrCov     float64 // the network's tr C = Cov[x_0 | x_t] before the clamp
	Output    float64 // t_θ ≈ E[‖x_0‖² | x_t] (TraceNorm) or v_θ (TraceEps)
}

// Trace returns the DF-TM trace of the diffusion Fisher at x, clamped so
// that tr C ≥ 0 (C is PSD; math-spec §7): one forward pass of the trace
// network, plus one of the score network for TraceNorm, whatever D.
func (n *TraceNet) Trace(x []float64, c model.Coeffs) float64 { return n.TraceDetail(x, c).Value }

// TraceDetail returns the DF-TM trace at x with its parts (see TraceValue).
func (n *TraceNet) TraceDetail(x []float64, c model.Coeffs) TraceValue {
	n.checkArgs(c, x)
	d := float64(n.info.Dim)
	ws, out := n.forward(x, c)
	var tv TraceValue
	tv.Output = out[0]
	n.pool.Put(ws)
	s2 := c.Sigma * c.Sigma
	if n.Kind() == TraceEps {
		tv.TrCov = s2 / (c.Alpha * c.Alpha) * d * tv.Output // tr C = (σ²/α²) tr Cov[ε|x]
		tv.Unclamped = d / s2 * (1 - tv.Output)
	} else {
		tv.Output *= d * n.info.DataScale
		sws, eps := n.score.forward(x, c)
		xt2 := 0.0 // ‖x_θ‖², x_θ = (x − σ ε_θ)/α
		for j, e := range eps {
			v := (x[j] - c.Sigma*e) / c.Alpha
			xt2 += v * v
		}
		n.score.pool.Put(sws)
		tv.TrCov = tv.Output - xt2
		tv.Unclamped = model.FisherTraceFromCov(n.info.Dim, c, tv.TrCov)
	}
	tv.Value, tv.Clamped = tv.Unclamped, tv.TrCov < 0
	if tv.Clamped {
		tv.Value = d / s2
	}
	return tv
}

// SecondMoment returns the network's output in the units of its target:
// t_θ(x, t) ≈ E[‖x_0‖² | x_t = x] for TraceNorm, v_θ ≈ E‖ε − ε_θ‖²/D for
// TraceEps.
func (n *TraceNet) SecondMoment(x []float64, c model.Coeffs) float64 {
	return n.TraceDetail(x, c).Output
}

// isFinite reports whether v is neither NaN nor infinite.
func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
