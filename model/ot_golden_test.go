package model

import (
	"fmt"
	"testing"
)

// scriptRun integrates the OT script's recurrence (math-spec §9.4): DDIM for the
// state, explicit Euler with B = 2fI − J for A, on the SD grid.
func scriptRun(t *testing.T, sched string, steps int, xT []float64) []float64 {
	t.Helper()
	s := mustSchedule(t, sched)
	grid, err := s.Grid(steps, 0)
	if err != nil {
		t.Fatal(err)
	}
	data := mustDirac(t, []float64{0.5, 0, 0, -0.5, 0, 0}, 2)
	p := NewPosterior(data)
	x := append([]float64(nil), xT...)
	a := []float64{1, 0, 0, 1}
	col, out := make([]float64, 2), make([]float64, 2)
	for i := 0; i+1 < len(grid); i++ {
		c, to := mustAt(t, s, grid[i]), mustAt(t, s, grid[i+1])
		data.Posterior(p, x, c)
		PhiScriptUpdate(a, p, grid[i+1]-grid[i], col, out)
		DDIMStep(x, x, p, to)
	}
	return a
}

// TestGoldenTable3Script reproduces the "ot.py-compatible" golden values of
// paper-figures.md §A.3 (20 steps, non-affine ot.py set) to 1e-4 relative.
func TestGoldenTable3Script(t *testing.T) {
	cases := []struct {
		sched string
		x     [2]float64
		index float64 // percent
		a     [4]float64
	}{
		{"sd-ve", [2]float64{0.3, -0.7}, 7.1394, [4]float64{3.39901, -0.90343, -0.81649, 2.38821}},
		{"sd-ve", [2]float64{1.0, 0.5}, 12.1358, [4]float64{3.28077, -0.25338, -0.30115, 4.54309}},
		{"sd-vp", [2]float64{0.3, -0.7}, 4.7694, [4]float64{331.86431, -100.77936, -94.20002, 249.83749}},
		{"sd-vp", [2]float64{1.0, 0.5}, 8.7880, [4]float64{350.3613, -27.59085, -31.25462, 444.19295}},
		{"sd-subvp", [2]float64{0.3, -0.7}, 4.1708, [4]float64{303.02902, -78.3401, -73.84974, 242.90501}},
		{"sd-edm", [2]float64{0.3, -0.7}, 31.4487, [4]float64{13.3464, -3.5669, -2.24198, 6.22788}},
		{"sd-edm", [2]float64{1.0, 0.5}, 13.4085, [4]float64{12.81935, -1.00321, -1.21442, 18.06982}},
	}
	for _, c := range cases {
		name := fmt.Sprintf("%s %v", c.sched, c.x)
		a := scriptRun(t, c.sched, 19, c.x[:]) // 20 timesteps = 19 transitions
		for i := range a {
			checkClose(t, name+" A", a[i], c.a[i], 1e-4, 1e-3)
		}
		checkClose(t, name+" index", 100*AsymmetryOffDiag(a, 2), c.index, 1e-4, 0)
	}
}

// TestExactDDIMJacobianGolden checks the exact-Jacobian comparison values of
// §A.3: product of symmetric DDIM step Jacobians for sd-vp at (0.3, −0.7).
func TestExactDDIMJacobianGolden(t *testing.T) {
	s := mustSchedule(t, "sd-vp")
	grid, _ := s.Grid(19, 0) // the script's 20 timesteps
	data := mustDirac(t, []float64{0.5, 0, 0, -0.5, 0, 0}, 2)
	p := NewPosterior(data)
	x := []float64{0.3, -0.7}
	phi := []float64{1, 0, 0, 1}
	col, out := make([]float64, 2), make([]float64, 2)
	for i := 0; i+1 < len(grid); i++ {
		c, to := mustAt(t, s, grid[i]), mustAt(t, s, grid[i+1])
		data.Posterior(p, x, c)
		PhiDDIMUpdate(phi, p, to, col, out)
		DDIMStep(x, x, p, to)
	}
	checkDecimals(t, "off-diagonal index %", 100*AsymmetryOffDiag(phi, 2), 7.9966, 4)
	checkDecimals(t, "full index %", 100*AsymmetryFull(phi, 2), 5.6755, 4)
}
