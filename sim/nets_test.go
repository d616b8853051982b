package sim

import (
	"context"
	"math"
	"os"
	"strings"
	"testing"
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
	for _, i := range []int{1, 3, 4} { // deterministic learned traces at t = 1
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
