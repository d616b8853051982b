package learn

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"fisherscope/model"
)

// smallConfig is a network and run small enough for unit tests (about a
// second per run on one core): widths 64-64, batch 256, learning rate 3e-3.
func smallConfig(steps int) Config {
	cfg := DefaultConfig()
	cfg.Widths = []int{64, 64}
	cfg.Steps = steps
	cfg.Batch = 256
	cfg.LR = 3e-3
	return cfg
}

// gaussianNets trains, once per test binary, a score network and both DF-TM
// networks on the "gaussian" data set N((0.5, 0.5), 0.1 I) with the VP
// schedule (1500 steps each).
var gaussianNets = sync.OnceValues(func() (*gaussFixture, error) {
	mix, err := model.NewDataset("gaussian", 1, 0)
	if err != nil {
		return nil, err
	}
	src, err := NewMixtureSource(mix)
	if err != nil {
		return nil, err
	}
	s, err := model.ScheduleByName("vp")
	if err != nil {
		return nil, err
	}
	cfg := smallConfig(1500)
	f := &gaussFixture{mix: mix, src: src, s: s}
	ctx := context.Background()
	if f.score, err = TrainScore(ctx, cfg, s, src, nil); err != nil {
		return nil, err
	}
	if f.norm, err = TrainDFTM(ctx, cfg, s, src, f.score, nil); err != nil {
		return nil, err
	}
	cfg.Target = TraceEps
	if f.eps, err = TrainDFTM(ctx, cfg, s, src, f.score, nil); err != nil {
		return nil, err
	}
	return f, nil
})

type gaussFixture struct {
	mix       model.Mixture
	src       Source
	s         model.Schedule
	score     *ScoreNet
	norm, eps *TraceNet
}

// TestSingleGaussian compares the learned quantities with the closed forms
// of a single isotropic Gaussian N(μ, s²I), s² = 0.1, D = 2 (math-spec
// §2.3): ε* = σ(x − αμ)/(α²s² + σ²), tr F = D/(α²s² + σ²) (constant in x),
// E[‖x_0‖² | x_t] from the model's exact posterior. Errors are averaged over
// 200 points x_t ~ q_t at each t. Tolerances are about 3× the values this
// seed reaches (listed in the table) and reflect how the errors scale: the
// VJP trace and the ε-space DF-TM inherit the score's O(1e-2) relative
// error; the ‖x_0‖²-space DF-TM (eq. 17) multiplies the regression error
// by α²/σ⁴, which is why it is only accurate for σ ≳ 0.5 (t ≥ 0.2 here) and
// blows up at small t — the weakness math-spec §7 predicts; its tolerance
// at t = 0.1 only checks that it is not wildly off.
func TestSingleGaussian(t *testing.T) {
	f, err := gaussianNets()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		t                          float64
		eps, vjp, dftmNorm, dftmEp float64 // tolerances: mean ‖ε_θ − ε*‖, mean relative trace errors
	}{
		{0.05, 0.1, 0.15, math.Inf(1), 0.25},
		{0.1, 0.05, 0.05, 0.75, 0.05},
		{0.2, 0.05, 0.05, 0.05, 0.02},
		{0.4, 0.05, 0.05, 0.02, 0.01},
		{0.8, 0.05, 0.05, 0.01, 0.01},
	} {
		e := gaussianErrors(f, tc.t, 200)
		t.Logf("t=%.2f: ‖ε_θ−ε*‖ %.4f, relative trace errors: VJP %.4f, DF-TM norm %.4f (clamped %d), DF-TM eps %.4f; |t_θ − E‖x0‖²| %.4f",
			tc.t, e.eps, e.vjp, e.norm, e.clamped, e.epsTM, e.moment)
		if e.eps > tc.eps || e.vjp > tc.vjp || e.norm > tc.dftmNorm || e.epsTM > tc.dftmEp {
			t.Errorf("t=%.2f: errors above tolerance (ε %.4f/%g, VJP %.4f/%g, DF-TM norm %.4f/%g, DF-TM eps %.4f/%g)",
				tc.t, e.eps, tc.eps, e.vjp, tc.vjp, e.norm, tc.dftmNorm, e.epsTM, tc.dftmEp)
		}
	}
}

type gaussErr struct {
	eps, vjp, norm, epsTM, moment float64
	clamped                       int
}

func gaussianErrors(f *gaussFixture, tt float64, n int) gaussErr {
	c, err := f.s.At(tt)
	if err != nil {
		panic(err)
	}
	r := rand.New(rand.NewPCG(9, uint64(tt*1000)))
	post := model.NewPosterior(f.mix)
	x0, x, eps, want := make([]float64, 2), make([]float64, 2), make([]float64, 2), make([]float64, 2)
	var e gaussErr
	const s2 = model.GaussianVariance
	for i := 0; i < n; i++ {
		f.src.Draw(x0, r)
		for j := range x {
			x[j] = c.Alpha*x0[j] + c.Sigma*r.NormFloat64()
		}
		f.mix.Posterior(post, x, c)
		for j := range want { // closed form ε* = σ(x − αμ)/(α²s² + σ²)
			want[j] = c.Sigma * (x[j] - c.Alpha*0.5) / (c.Alpha*c.Alpha*s2 + c.Sigma*c.Sigma)
		}
		f.score.Eps(eps, x, c)
		e.eps += math.Hypot(eps[0]-want[0], eps[1]-want[1])
		trF := 2 / (c.Alpha*c.Alpha*s2 + c.Sigma*c.Sigma)
		e.vjp += relErr(f.score.TraceVJP(x, c), trF)
		tv := f.norm.TraceDetail(x, c)
		e.norm += relErr(tv.Value, trF)
		e.moment += math.Abs(tv.Output - post.SecondMoment)
		if tv.Clamped {
			e.clamped++
		}
		e.epsTM += relErr(f.eps.Trace(x, c), trF)
	}
	fn := float64(n)
	e.eps, e.vjp, e.norm, e.epsTM, e.moment = e.eps/fn, e.vjp/fn, e.norm/fn, e.epsTM/fn, e.moment/fn
	return e
}

// TestAlgorithm1ReachesMinimiser trains the ‖x_0‖² regressor of Algorithm 1
// on the paper's three-point "nonaffine" set (VE geometric, so that t
// uniform gives log σ uniform and about half the draws carry information
// about x_0; with VP or EDM most draws have σ ≫ the data and the gap below
// is tiny) and compares its loss on
// 20000 fresh (x_0, t, x_t) with the loss of the exact minimiser
// t* = E[‖x_0‖² | x_t] = ‖D‖² + tr C from the model's posterior (Prop. 6)
// and of the best constant E‖x_0‖². The excess loss L_θ − L* equals
// E(t_θ − t*)² in expectation; the network must close at least 90% of the
// gap L_0 − L* (this seed: 96.6% after 1500 steps), and E(t_θ − t*)²
// must be below 10% of the gap (this seed: 3.6%).
func TestAlgorithm1ReachesMinimiser(t *testing.T) {
	mix, err := model.NewDataset("nonaffine", 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	src, err := NewMixtureSource(mix)
	if err != nil {
		t.Fatal(err)
	}
	s, err := model.ScheduleByName("ve")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	score, err := TrainScore(ctx, smallConfig(200), s, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	tn, err := TrainDFTM(ctx, smallConfig(1500), s, src, score, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts, err := newTimeSampler(s)
	if err != nil {
		t.Fatal(err)
	}
	const n = 20000
	r := rand.New(rand.NewPCG(11, 12))
	post := model.NewPosterior(mix)
	x0, x := make([]float64, 2), make([]float64, 2)
	mean := 0.0
	for _, p := range [][]float64{{0, 0.5}, {0, 0}, {0.5, 0}} {
		mean += dotT(p, p) / 3
	}
	var lt, ls, l0, gap float64
	for i := 0; i < n; i++ {
		src.Draw(x0, r)
		c, err := s.At(ts.draw(r))
		if err != nil {
			t.Fatal(err)
		}
		for j := range x {
			x[j] = c.Alpha*x0[j] + c.Sigma*r.NormFloat64()
		}
		mix.Posterior(post, x, c)
		y := dotT(x0, x0)
		th, star := tn.SecondMoment(x, c), post.SecondMoment
		lt += (th - y) * (th - y)
		ls += (star - y) * (star - y)
		l0 += (mean - y) * (mean - y)
		gap += (th - star) * (th - star)
	}
	lt, ls, l0, gap = lt/n, ls/n, l0/n, gap/n
	closed := (l0 - lt) / (l0 - ls)
	t.Logf("L_θ = %.5f, L* = %.5f, L_0 = %.5f, E(t_θ − t*)² = %.5f, gap closed %.1f%%", lt, ls, l0, gap, 100*closed)
	if closed < 0.9 || gap > 0.1*(l0-ls) {
		t.Errorf("Algorithm 1 did not approach its minimiser: closed %.3f of the gap, E(t_θ − t*)² = %.5f", closed, gap)
	}
}

// TestSameSeedSameWeights trains twice with the same seed (bitwise equal
// weights, loss and key) and once with another seed (different weights).
func TestSameSeedSameWeights(t *testing.T) {
	mix, _ := model.NewDataset("nonaffine", 1, 0)
	src, err := NewMixtureSource(mix)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := model.ScheduleByName("ve")
	cfg := smallConfig(25)
	cfg.Widths = []int{16, 16}
	train := func(seed uint64) *ScoreNet {
		c := cfg
		c.Seed = seed
		n, err := TrainScore(context.Background(), c, s, src, nil)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	a, b, other := train(7), train(7), train(8)
	for i := range a.w32 {
		if math.Float32bits(a.w32[i]) != math.Float32bits(b.w32[i]) {
			t.Fatalf("weight %d differs between runs with the same seed: %g vs %g", i, a.w32[i], b.w32[i])
		}
	}
	if a.info.Loss != b.info.Loss || a.info.Key != b.info.Key {
		t.Fatal("same seed: loss or key differ")
	}
	same := true
	for i := range a.w32 {
		same = same && a.w32[i] == other.w32[i]
	}
	if same || a.info.Key == other.info.Key {
		t.Fatal("a different seed gave the same weights or key")
	}
}

// TestTrainingCancelled checks that a cancelled context stops training with
// an error wrapping context.Canceled, and that progress is reported.
func TestTrainingCancelled(t *testing.T) {
	mix, _ := model.NewDataset("affine", 1, 0)
	src, _ := NewMixtureSource(mix)
	s, _ := model.ScheduleByName("vp")
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	cfg := smallConfig(1000)
	cfg.Widths = []int{8}
	_, err := TrainScore(ctx, cfg, s, src, func(p Progress) {
		calls++
		if p.Step >= 50 {
			cancel()
		}
		if p.Steps != 1000 || !(p.Loss > 0) {
			t.Errorf("bad progress %+v", p)
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if calls != 5 {
		t.Errorf("%d progress reports before cancelling at step 50, want 5 (every 10 steps)", calls)
	}
}

// TestInvalidConfig checks that bad fields are refused with an error.
func TestInvalidConfig(t *testing.T) {
	mix, _ := model.NewDataset("affine", 1, 0)
	src, _ := NewMixtureSource(mix)
	s, _ := model.ScheduleByName("vp")
	for name, mod := range map[string]func(*Config){
		"steps":  func(c *Config) { c.Steps = 0 },
		"batch":  func(c *Config) { c.Batch = -1 },
		"lr":     func(c *Config) { c.LR = math.NaN() },
		"ema":    func(c *Config) { c.EMA = 1 },
		"clip":   func(c *Config) { c.Clip = -1 },
		"data":   func(c *Config) { c.TrainData = "files" },
		"arch":   func(c *Config) { c.Arch = "cnn" },
		"width":  func(c *Config) { c.Widths = []int{0} },
		"kernel": func(c *Config) { c.Kernel = "cuda" },
		"target": func(c *Config) { c.Target = "hessian" },
	} {
		cfg := smallConfig(1)
		mod(&cfg)
		if _, err := TrainScore(context.Background(), cfg, s, src, nil); err == nil {
			t.Errorf("%s: invalid config accepted", name)
		}
	}
}

// TestDiscreteScheduleTimes checks the time draws of the sd-* schedules:
// only the grid k/1000, and never k = 0 where σ = 0 (sd-ve, sd-edm).
func TestDiscreteScheduleTimes(t *testing.T) {
	for name, kmin := range map[string]int{"sd-vp": 0, "sd-ve": 1, "sd-edm": 1} {
		s, err := model.ScheduleByName(name)
		if err != nil {
			t.Fatal(err)
		}
		ts, err := newTimeSampler(s)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(1, 1))
		seen := map[int]bool{}
		for i := 0; i < 20000; i++ {
			tt := ts.draw(r)
			k := int(math.Round(tt * 1000))
			if float64(k)/1000 != tt || k < kmin || k > 999 {
				t.Fatalf("%s: drew t = %g", name, tt)
			}
			seen[k] = true
		}
		if !seen[kmin] || !seen[999] || len(seen) < 990 {
			t.Errorf("%s: %d distinct steps, ends %v %v", name, len(seen), seen[kmin], seen[999])
		}
	}
}
