package sim

import (
	"context"
	"math"
	"os"
	"strings"
	"testing"

	"fisherscope/model"
)

// smallNet makes a scenario with a tiny, quickly trained network.
func smallNet(t *testing.T) (Params, Env) {
	t.Helper()
	p := Defaults()
	p.Data, p.Particles, p.Steps, p.Repeats, p.DFEA, p.Jacobian = "gaussian", 16, 10, 2, 0, JacobianOff
	p.Net, p.NetWidth, p.NetDepth, p.NetSteps, p.NetBatch = "auto", 32, 2, 300, 128
	return p, Env{CacheDir: t.TempDir()}
}

// TestNetRules: the learned half's rules name the parameter to change.
func TestNetRules(t *testing.T) {
	for _, c := range []struct {
		set  map[string]string
		want string
	}{
		{map[string]string{"estimators": "dftm"}, "net: estimator dftm needs a learned network"},
		{map[string]string{"score": "learned"}, "net: score learned needs a learned network"},
		{map[string]string{"net": "auto", "score": "learned", "solver": "rk4", "jacobian": "off"}, "solver: score learned runs with ddim or euler"},
		{map[string]string{"net": "auto", "score": "learned"}, "jacobian: score learned needs jacobian off"},
		{map[string]string{"net": "auto", "estimators": "vjp", "data": "file:x.csv", "train_data": "sampler"}, "train_data: sampler needs a built-in data set"},
	} {
		p := Defaults()
		for _, k := range KeyNames() {
			if v, ok := c.set[k]; ok {
				if err := p.Set(k, v); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := p.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.set, err, c.want)
		}
	}
}

// TestLearnedEstimatorsAndScore runs the learned estimators beside the exact
// ones and the PF-ODE on the learned score: the rows carry every estimator,
// VJP is deterministic and near the truth at t = 1 (where N(0, I) is easy),
// the networks are cached, and the learned score moves the particles
// differently from the exact one.
func TestLearnedEstimatorsAndScore(t *testing.T) {
	p, env := smallNet(t)
	p.Estimators = []Estimator{Hutchinson, VJP, VJPHutchinson, DFTM, DFTMEps}
	trained := 0
	env.OnTrain = func(tp TrainProgress) { trained++ }
	res, err := RunEnv(context.Background(), p, nil, env)
	if err != nil {
		t.Fatal(err)
	}
	r0 := res.Rows[0]
	for i, want := range []string{"hutchinson", "vjp", "vjp-hutchinson", "dftm", "dftm-eps"} {
		if r0.Est[i].Name != want {
			t.Fatalf("estimator %d is %q, want %q", i, r0.Est[i].Name, want)
		}
	}
	if v := r0.Est[1].Variance.Mean; v > 1e-20 {
		t.Errorf("vjp draws differ: variance %g", v)
	}
	for _, i := range []int{1, 2, 3, 4} { // the learned traces at t = 1 (vjp-hutchinson: every particle its own forward pass)
		if e := r0.Est[i].RelErr.Mean; !(e < 0.2) {
			t.Errorf("%s at t=1: relative error %g", r0.Est[i].Name, e)
		}
	}
	if trained == 0 {
		t.Error("no training reported")
	}
	files, _ := os.ReadDir(env.CacheDir)
	if len(files) != 3 { // score, dftm, dftm-eps
		t.Errorf("cache holds %d files", len(files))
	}
	trained = 0
	if _, err := RunEnv(context.Background(), p, nil, env); err != nil || trained != 0 {
		t.Errorf("second run: err %v, trained %d times (want the cache)", err, trained)
	}
	q := p
	q.Estimators, q.Score = nil, ScoreLearned
	learned, err := RunEnv(context.Background(), q, nil, env)
	if err != nil {
		t.Fatal(err)
	}
	moved := 0.0
	for k := range learned.Particles {
		a, b := learned.Particles[k].End, res.Particles[k].End
		moved = math.Max(moved, math.Hypot(a[0]-b[0], a[1]-b[1]))
	}
	if moved == 0 || moved > 3 {
		t.Errorf("learned vs exact endpoints differ by %g (want > 0 and small for a Gaussian)", moved)
	}
}

// TestEvalsAndRK45: fixed-step solvers count their stages per particle and
// step; rk45 reaches the grid times, counts what its controller spent and
// integrates the likelihood to its tolerance.
func TestEvalsAndRK45(t *testing.T) {
	p := Defaults()
	p.Particles, p.Steps, p.N, p.Estimators, p.Jacobian, p.DFEA, p.Grid = 20, 10, 128, nil, JacobianOff, 0, model.GridLogSNR
	for _, c := range []struct {
		solver Solver
		per    int64
	}{{model.DDIM, 1}, {model.Heun, 2}, {model.RK4, 4}} {
		q := p
		q.Solver = c.solver
		res := runOnce(t, q)
		if got := res.Rows[3].Evals; got != c.per*int64(q.Particles) {
			t.Errorf("%s: %d evaluations per row, want %d", c.solver, got, c.per*int64(q.Particles))
		}
	}
	q := p
	q.Solver, q.RTol, q.ATol = model.RK45, 1e-8, 1e-8
	res := runOnce(t, q)
	end := res.Rows[len(res.Rows)-1]
	if end.T != res.Rows[len(res.Rows)-1].T || end.NLLErr.Mean > 1e-5 {
		t.Errorf("rk45 at 1e-8: mean |ΔNLL| %g nats", end.NLLErr.Mean)
	}
	var evals int64
	for _, r := range res.Rows {
		evals += r.Evals
	}
	if evals < 7*int64(q.Particles*q.Steps) {
		t.Errorf("rk45 spent %d evaluations, fewer than one step per interval", evals)
	}
}

// TestGuidanceInTheEngine: guided runs end nearer the goal than unguided
// ones, rows carry the predicted loss and DF-EA's adjoint error at the
// guided steps only, and the goal lifts into R^D.
func TestGuidanceInTheEngine(t *testing.T) {
	for _, dim := range []int{2, 5} {
		p := Defaults()
		p.Data, p.N, p.Particles, p.Steps, p.Estimators, p.Jacobian, p.DFEA = "8gaussians", 128, 40, 30, nil, JacobianOff, 0
		p.Dim, p.Grid, p.GuideSteps = dim, model.GridLogSNR, 6
		base := runOnce(t, p)
		p.Guide = 0.5
		res := runOnce(t, p)
		goal := res.Rows[0].GuideLoss
		if goal.N != p.Particles || !math.IsNaN(res.Rows[10].GuideLoss.Mean) || res.Rows[3].GuideErr.N == 0 {
			t.Fatalf("D=%d: guided rows %+v, row 10 %+v", dim, goal, res.Rows[10].GuideLoss)
		}
		sc, _ := buildScenario(p, Limits{})
		far := func(r *Result) float64 {
			s := 0.0
			for _, q := range r.Particles {
				for j := range q.End {
					s += (q.End[j] - sc.goal[j]) * (q.End[j] - sc.goal[j]) / 2
				}
			}
			return s / float64(len(r.Particles))
		}
		if g, b := far(res), far(base); !(g < b/3) {
			t.Errorf("D=%d: guided loss %g, unguided %g", dim, g, b)
		}
	}
	p := Defaults()
	p.Guide, p.Solver, p.Jacobian = 0.5, model.RK4, JacobianOff
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "guide:") {
		t.Errorf("guide with rk4: %v", err)
	}
}

// TestGuidanceLossesAndNets: the region and half-plane losses guide too, and
// with networks the VJP and learned DF-EA adjoint errors are reported.
func TestGuidanceLossesAndNets(t *testing.T) {
	p, env := smallNet(t)
	p.Data, p.N, p.Particles, p.Steps, p.Grid, p.GuideSteps, p.Estimators = "8gaussians", 128, 30, 30, model.GridLogSNR, 6, nil
	for li := range guideLossNames {
		p.GuideLoss, p.Guide = li, 0
		base, err := RunEnv(context.Background(), p, nil, env)
		if err != nil {
			t.Fatal(err)
		}
		p.Guide = 0.5
		res, err := RunEnv(context.Background(), p, nil, env)
		if err != nil {
			t.Fatal(err)
		}
		sc, _ := buildScenario(p, Limits{})
		mean := func(r *Result) float64 {
			s := 0.0
			for _, q := range r.Particles {
				s += sc.loss.Value(q.End)
			}
			return s / float64(len(r.Particles))
		}
		if g, b := mean(res), mean(base); !(g < b) {
			t.Errorf("%s: guided loss %g, unguided %g", guideLossNames[li], g, b)
		}
		if r := res.Rows[2]; r.GuideErrVJP.N == 0 || r.GuideErrEAL.N == 0 {
			t.Errorf("%s: no learned adjoint errors: %+v %+v", guideLossNames[li], r.GuideErrVJP, r.GuideErrEAL)
		}
	}
}
