package learn

import (
	"fmt"
	"math"
	"sync"

	"fisherscope/model"
)

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
