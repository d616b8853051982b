package learn

import (
	"math"
	"math/rand/v2"
	"testing"

	"fisherscope/model"
)

// randomInit makes n an untrained network of the given kind with weights
// drawn from seed (scaled by gain to make the non-linearities matter).
func randomInit(tb testing.TB, n *network, kind string, arch Arch, widths []int, d int, seed uint64, gain float64) {
	tb.Helper()
	cfg := DefaultConfig()
	cfg.Arch, cfg.Widths = arch, widths
	info := Info{Kind: kind, Config: cfg, Schedule: "vp", Dim: d, DataScale: 0.7, TMin: 1e-5, TMax: 1, Key: "test"}
	nout := d
	if kind == kindTrace {
		nout = 1
	}
	tp, err := newTopology(arch, cfg.widths(), d, TimeFeatures, nout)
	if err != nil {
		tb.Fatal(err)
	}
	w := make([]float32, tp.nparams)
	initParams(w, tp, rand.New(rand.NewPCG(seed, 9)))
	for i := range w {
		w[i] *= float32(gain)
	}
	if err := n.init(info, w); err != nil {
		tb.Fatal(err)
	}
}

func randomScore(tb testing.TB, arch Arch, widths []int, d int, seed uint64, gain float64) *ScoreNet {
	s := &ScoreNet{}
	randomInit(tb, &s.network, kindScore, arch, widths, d, seed, gain)
	return s
}

func randVec(r *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = r.NormFloat64()
	}
	return v
}

func vpAt(tb testing.TB, t float64) model.Coeffs {
	tb.Helper()
	s, err := model.ScheduleByName("vp")
	if err != nil {
		tb.Fatal(err)
	}
	c, err := s.At(t)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func relErr(got, want float64) float64 {
	return math.Abs(got-want) / math.Max(math.Abs(want), 1e-300)
}
