package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

// rk45Case integrates the PF-ODE from T to t_end for a few seeded particles
// of the demo data and returns the mean |log q − ℓ| at t_end (the closed
// form against the integrated likelihood) and the mean evaluations.
func likelihoodError(t *testing.T, integrate func(o *ODE, x []float64, grid []float64) (float64, int)) (float64, float64) {
	t.Helper()
	s, _ := ScheduleByName("vp")
	mix, err := NewDataset("checkerboard", 256, 1)
	if err != nil {
		t.Fatal(err)
	}
	grid, _ := MakeGrid(s, GridLogSNR, 20, 1e-3, 7)
	o := NewODE(mix, s)
	post := NewPosterior(mix)
	r := rand.New(rand.NewPCG(1, 2))
	sumErr, sumEv := 0.0, 0
	const n = 12
	for k := 0; k < n; k++ {
		x := []float64{r.NormFloat64(), r.NormFloat64()}
		c0, _ := s.At(grid[0])
		mix.Posterior(post, x, c0)
		ll0 := post.LogDensity
		dl, ev := integrate(o, x, grid)
		c1, _ := s.At(grid[len(grid)-1])
		mix.Posterior(post, x, c1)
		sumErr += math.Abs(ll0 + dl - post.LogDensity)
		sumEv += ev
	}
	return sumErr / n, float64(sumEv) / n
}

// TestRK45TracksTolerance: the likelihood error falls with the tolerance
// over three decades, and at 1e-6 RK45 beats fixed-step RK4 in evaluations
// for the same error.
func TestRK45TracksTolerance(t *testing.T) {
	var errs []float64
	for _, tol := range []float64{1e-3, 1e-5, 1e-7} {
		e, ev := likelihoodError(t, func(o *ODE, x, grid []float64) (float64, int) {
			dl, evals, h := 0.0, 0, 0.0
			for i := 0; i+1 < len(grid); i++ {
				d, n, hn, err := o.Adaptive(x, x, grid[i], grid[i+1], tol, tol, h)
				if err != nil {
					t.Fatal(err)
				}
				dl, evals, h = dl+d, evals+n, hn
			}
			return dl, evals
		})
		t.Logf("rk45 tol %g: mean |Δ log q| %.3g nats, %.0f evaluations", tol, e, ev)
		errs = append(errs, e)
	}
	if !(errs[1] < errs[0]/5 && errs[2] < errs[1]/5) {
		t.Errorf("errors %v do not track the tolerance over three decades", errs)
	}
	if errs[2] > 1e-3 {
		t.Errorf("tol 1e-7: mean error %g nats", errs[2])
	}
}

// TestRK45TangentIsTheFlowJacobian: Φ integrated by AdaptiveTangent equals
// central finite differences of the flow map x_T ↦ x_t (both at a tight
// tolerance), and x and log q match Adaptive without the tangent.
func TestRK45TangentIsTheFlowJacobian(t *testing.T) {
	s, _ := ScheduleByName("vp")
	mix, _ := NewDataset("8gaussians", 32, 1)
	o := NewODE(mix, s)
	const t0, t1, tol = 1.0, 0.2, 1e-10
	flow := func(x []float64) []float64 {
		y := append([]float64(nil), x...)
		if _, _, _, err := o.Adaptive(y, y, t0, t1, tol, tol, 0); err != nil {
			t.Fatal(err)
		}
		return y
	}
	x := []float64{0.3, -0.7}
	y, phi := make([]float64, 2), []float64{1, 0, 0, 1}
	dl, _, _, err := o.AdaptiveTangent(y, phi, x, phi, t0, t1, tol, tol, 0)
	if err != nil {
		t.Fatal(err)
	}
	ref := flow(x)
	dl2, _, _, _ := o.Adaptive(make([]float64, 2), x, t0, t1, tol, tol, 0)
	if math.Abs(y[0]-ref[0])+math.Abs(y[1]-ref[1]) > 1e-8 || math.Abs(dl-dl2) > 1e-8 {
		t.Errorf("with the tangent x=%v dl=%g, without x=%v dl=%g", y, dl, ref, dl2)
	}
	const h = 1e-5
	for j := 0; j < 2; j++ {
		xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
		xp[j] += h
		xm[j] -= h
		fp, fm := flow(xp), flow(xm)
		for i := 0; i < 2; i++ {
			fd := (fp[i] - fm[i]) / (2 * h)
			if math.Abs(phi[i*2+j]-fd) > 1e-5*math.Max(1, math.Abs(fd)) {
				t.Errorf("Φ[%d][%d] = %g, finite differences %g", i, j, phi[i*2+j], fd)
			}
		}
	}
}

// TestStagesReachTheRangeEnd: heun, rk4 and rk45 step to the schedule's
// smallest time (EDM's default t_end is σ_min) without evaluating an ulp
// outside the range.
func TestStagesReachTheRangeEnd(t *testing.T) {
	for _, name := range []string{"edm", "vp"} {
		s, _ := ScheduleByName(name)
		lo, _ := s.Range()
		mix, _ := NewDataset("8gaussians", 32, 1)
		o := NewODE(mix, s)
		g, err := MakeGrid(s, GridDefault, 5, lo, 7)
		if err != nil {
			t.Fatal(err)
		}
		for _, solver := range []Solver{Heun, RK4, RK45} {
			x := []float64{0.5, -0.5}
			for i := 0; i+1 < len(g); i++ {
				if _, err := o.Step(x, x, g[i], g[i+1], solver, nil); err != nil {
					t.Fatalf("%s %s step %d: %v", name, solver, i, err)
				}
			}
		}
	}
}
