package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSolverOrdersOnEveryGrid integrates the PF-ODE with the likelihood on
// n and 2n steps of each grid and checks that the error against the closed
// form log q_t(x_t) falls at each solver's order: ×2 for DDIM and Euler,
// ×4 for Heun, ×16 for RK4 (ratios within a factor 1.6 of 2^order).
func TestSolverOrdersOnEveryGrid(t *testing.T) {
	s, _ := ScheduleByName("vp")
	mix, err := NewDataset("8gaussians", 64, 1)
	if err != nil {
		t.Fatal(err)
	}
	const tEnd = 0.05
	o := NewODE(mix, s)
	post := NewPosterior(mix)
	errAt := func(solver Solver, kind GridKind, steps int) float64 {
		g, err := MakeGrid(s, kind, steps, tEnd, 7)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(3, 4))
		sum := 0.0
		for k := 0; k < 6; k++ {
			x := []float64{r.NormFloat64(), r.NormFloat64()}
			c0, _ := s.At(g[0])
			mix.Posterior(post, x, c0)
			ll := post.LogDensity
			for i := 0; i+1 < len(g); i++ {
				dl, err := o.Step(x, x, g[i], g[i+1], solver, nil)
				if err != nil {
					t.Fatal(err)
				}
				ll += dl
			}
			c1, _ := s.At(tEnd)
			mix.Posterior(post, x, c1)
			sum += math.Abs(ll - post.LogDensity)
		}
		return sum / 6
	}
	for _, c := range []struct {
		solver Solver
		order  float64
		steps  int
	}{{DDIM, 1, 200}, {Euler, 1, 400}, {Heun, 2, 100}, {RK4, 4, 80}} {
		for _, kind := range []GridKind{GridUniform, GridLogSNR, GridKarras} {
			coarse, fine := errAt(c.solver, kind, c.steps), errAt(c.solver, kind, 2*c.steps)
			ratio, want := coarse/fine, math.Pow(2, c.order)
			if ratio < want/1.6 || ratio > want*1.6 {
				t.Errorf("%s on grid %d: error %.3g → %.3g, ratio %.2f, want ≈ %g", c.solver, kind, coarse, fine, ratio, want)
			}
		}
	}
}
