package paper

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"fisherscope/model"
	"fisherscope/sim"
)

// smallGuider is a guider on 8gaussians (VP, 30 DDIM steps) without networks.
func smallGuider(t *testing.T) *guider {
	t.Helper()
	mix, _ := model.NewDataset("8gaussians", 64, 1)
	s, _ := model.ScheduleByName("vp")
	grid, _ := model.MakeGrid(s, model.GridLogSNR, 30, s.DefaultTEnd(), 7)
	coeffs := make([]model.Coeffs, len(grid))
	for i, tt := range grid {
		coeffs[i], _ = s.At(tt)
	}
	return &guider{mix: mix, coeffs: coeffs, loss: model.GoalLoss{Goal: []float64{2.8, 0}}, d: 2, post: model.NewPosterior(mix)}
}

// TestExactAdjointIsTheGradient: the exact adjoint a_i equals central finite
// differences of L(x_end(x_i)) through the DDIM solver.
func TestExactAdjointIsTheGradient(t *testing.T) {
	g := smallGuider(t)
	exact := adjointMethod{name: "exact", covMV: func(dst, a, x []float64, c model.Coeffs) {
		g.mix.Posterior(g.post, x, c)
		g.post.CovMatVec(dst, a)
	}}
	xs, a := g.buffers(), g.buffers()
	r := rand.New(rand.NewPCG(1, 1))
	for k := 0; k < 5; k++ {
		for j := range xs[0] {
			xs[0][j] = r.NormFloat64()
		}
		g.forward(xs, 0)
		g.adjoint(a, xs, exact, 0)
		for _, i := range []int{0, 10, 25} {
			saved := append([]float64(nil), xs[i]...)
			for j := 0; j < 2; j++ {
				const h = 1e-6
				xs[i][j] = saved[j] + h
				g.forward(xs, i)
				lp := g.loss.Value(xs[len(xs)-1])
				xs[i][j] = saved[j] - h
				g.forward(xs, i)
				lm := g.loss.Value(xs[len(xs)-1])
				xs[i][j] = saved[j]
				fd := (lp - lm) / (2 * h)
				if math.Abs(fd-a[i][j]) > 1e-5*math.Max(1, math.Abs(fd)) {
					t.Errorf("particle %d row %d: adjoint %g, finite differences %g", k, i, a[i][j], fd)
				}
			}
			g.forward(xs, i)
		}
	}
}

// TestDFEAImprovesTowardsTheEnd: with x̂₀ the trajectory's endpoint, DF-EA's
// adjoint error falls as t → t_end, where the posterior concentrates on the
// endpoint's data point (the paper's argument, math-spec §8).
func TestDFEAImprovesTowardsTheEnd(t *testing.T) {
	p := sim.Defaults()
	p.Data, p.N, p.Particles, p.Steps, p.Grid, p.Jacobian = "8gaussians", 64, 30, 30, model.GridLogSNR, sim.JacobianOff
	p.Net, p.NetWidth, p.NetDepth, p.NetSteps, p.NetBatch = "auto", 16, 2, 100, 64
	env := sim.Env{CacheDir: t.TempDir()}
	g1, err := MeasureGuidance(context.Background(), p, model.GoalLoss{Goal: []float64{2.8, 0}}, 0.5, 6, env)
	if err != nil {
		t.Fatal(err)
	}
	dfea := g1.Err[2] // DF-EA with the exact denoiser
	if !(dfea[len(dfea)-1].RelErr < dfea[1].RelErr/2) {
		t.Errorf("DF-EA adjoint error %v does not fall towards t_end", dfea)
	}
	if e := g1.Err[0][0].RelErr; e != 0 {
		t.Errorf("exact against itself: %g", e)
	}
	if g1.Final[0].Loss >= g1.Final[len(g1.Final)-1].Loss {
		t.Errorf("exact guidance did not lower the loss: %+v", g1.Final)
	}
	g2, err := MeasureGuidance(context.Background(), p, model.GoalLoss{Goal: []float64{2.8, 0}}, 0.5, 6, env)
	if err != nil {
		t.Fatal(err)
	}
	for mi := range g1.Err {
		for i := range g1.Err[mi] {
			if g1.Err[mi][i] != g2.Err[mi][i] {
				t.Fatalf("not reproducible: %v vs %v", g1.Err[mi][i], g2.Err[mi][i])
			}
		}
	}
}

// TestLossGradients: every loss's gradient equals central finite
// differences of its value, in 2-D and in R^5.
func TestLossGradients(t *testing.T) {
	for _, d := range []int{2, 5} {
		goal, w := make([]float64, d), make([]float64, d)
		goal[0], w[0] = 2.8, 1
		mix, _ := model.NewDataset("8gaussians", 64, 1)
		if d > 2 {
			em, _ := model.NewEmbedding(d, 1)
			mix, _ = em.Apply(mix, 0, 1)
		}
		losses, err := model.GuideLosses(mix, farthestAlongFirst(mix))
		if err != nil {
			t.Fatal(err)
		}
		losses = append(losses, model.GoalLoss{Goal: goal}, model.HalfPlane{W: w, B: 3})
		r := rand.New(rand.NewPCG(5, 6))
		for _, l := range losses {
			x, grad := make([]float64, d), make([]float64, d)
			for j := range x {
				x[j] = r.NormFloat64()
			}
			l.Grad(grad, x)
			for j := range x {
				const h = 1e-6
				xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
				xp[j] += h
				xm[j] -= h
				fd := (l.Value(xp) - l.Value(xm)) / (2 * h)
				if math.Abs(fd-grad[j]) > 1e-5*math.Max(1, math.Abs(fd)) {
					t.Errorf("D=%d %s: ∂/∂x_%d = %g, finite differences %g", d, l.Name(), j, grad[j], fd)
				}
			}
		}
	}
}

// TestHalfPlaneSkipsFlatParticles: particles that end inside a half-plane
// have a zero exact adjoint; they are left out of the errors (no NaN in the
// table), and the exact method still scores 0 against itself.
func TestHalfPlaneSkipsFlatParticles(t *testing.T) {
	p := sim.Defaults()
	p.Data, p.N, p.Particles, p.Steps, p.Grid, p.Jacobian = "8gaussians", 64, 30, 30, model.GridLogSNR, sim.JacobianOff
	p.Net, p.NetWidth, p.NetDepth, p.NetSteps, p.NetBatch = "auto", 16, 2, 100, 64
	loss := model.HalfPlane{W: []float64{1, 0}, B: -1} // most of 8gaussians lies in x ≥ −1
	g, err := MeasureGuidance(context.Background(), p, loss, 0.5, 6, sim.Env{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	for mi := range g.Err {
		for i, e := range g.Err[mi] {
			if e.N > p.Particles || (e.N > 0 && (math.IsNaN(e.RelErr) || math.IsNaN(e.Cos))) {
				t.Fatalf("method %d time %d: %+v", mi, i, e)
			}
		}
	}
	if e := g.Err[0][0]; e.N == 0 || e.N == p.Particles || e.RelErr != 0 {
		t.Fatalf("exact row %+v: want some but not all particles counted, error 0", e)
	}
	var b strings.Builder
	if err := WriteGuidance(&b, g); err != nil || strings.Contains(b.String(), "NaN") {
		t.Fatalf("table: %v\n%s", err, b.String())
	}
}
