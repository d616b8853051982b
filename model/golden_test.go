package model

import (
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestGoldenDirac checks the 2-D golden values of paper-figures.md §C
// (ot.py non-affine set, exact Dirac formulas).
func TestGoldenDirac(t *testing.T) {
	data := mustDirac(t, []float64{0.5, 0, 0, -0.5, 0, 0}, 2)
	cases := []struct {
		sched      string
		t          float64
		x          [2]float64
		w          [3]float64
		logq, trF  float64
		f          [3]float64 // F00, F01, F11
		varG, varR float64
	}{
		{"vp", 0.5, [2]float64{0.1, -0.2}, [3]float64{0.332131, 0.337240, 0.330628}, -1.774511, 2.161324, [3]float64{1.080682, -0.002610, 1.080643}, 4.671351, 0.000027},
		{"vp", 0.1, [2]float64{0.1, -0.2}, [3]float64{0.225003, 0.355139, 0.419858}, -0.043607, 10.880648, [3]float64{6.009368, -1.664429, 4.871281}, 130.765047, 11.081296},
		{"subvp", 0.1, [2]float64{0.1, -0.2}, [3]float64{0.002034, 0.165688, 0.832279}, -0.544723, -85.674929, [3]float64{89.029855, -0.652397, -174.704784}, 76897.86, 1.702489},
		{"edm", 0.2, [2]float64{0.1, -0.2}, [3]float64{0.090817, 0.316982, 0.592201}, 0.181296, 3.269731, [3]float64{12.098559, -4.498025, -8.828829}, 529.575611, 80.928898},
		{"edm", 0.2, [2]float64{0.25, -0.25}, [3]float64{1. / 3, 1. / 3, 1. / 3}, -0.181501, -19.444444, [3]float64{-9.722222, -17.361111, -9.722222}, 1583.719136, 1205.632716},
		{"ve", 0.1, [2]float64{0.1, -0.2}, [3]float64{0, 0, 1}, -40.943693, 3641.128406, [3]float64{1820.564203, 0, 1820.564203}, 1.33e7, 0},
	}
	p := NewPosterior(data)
	f := mat.NewSymDense(2, nil)
	for _, c := range cases {
		co := mustAt(t, mustSchedule(t, c.sched), c.t)
		data.Posterior(p, c.x[:], co)
		name := c.sched
		for i := range c.w {
			checkDecimals(t, name+" w", p.W[i], c.w[i], 6)
		}
		checkDecimals(t, name+" log q", p.LogDensity, c.logq, 6)
		checkDecimals(t, name+" tr F", p.TraceFisher(), c.trF, 6)
		p.FisherTo(f)
		checkDecimals(t, name+" F00", f.At(0, 0), c.f[0], 6)
		checkDecimals(t, name+" F01", f.At(0, 1), c.f[1], 6)
		checkDecimals(t, name+" F11", f.At(1, 1), c.f[2], 6)
		checkClose(t, name+" Var Gauss", HutchinsonVariance(f, 1, Gaussian), c.varG, 4e-3, 1e-6) // 1.33e7 has 3 digits
		checkDecimals(t, name+" Var Rade", HutchinsonVariance(f, 1, Rademacher), c.varR, 6)
	}
}

// TestGoldenGMM checks the Gaussian-mixture golden values of paper-figures.md §C.
func TestGoldenGMM(t *testing.T) {
	g, err := NewGMM([]float64{1, 0, -1, 0.5}, []float64{0.2, 0.05, 0.05, 0.1, 0.05, 0, 0, 0.3}, 2, []float64{0.3, 0.7})
	if err != nil {
		t.Fatal(err)
	}
	p := NewPosterior(g)
	x := []float64{0.2, 0.1}
	g.Posterior(p, x, mustAt(t, mustSchedule(t, "vp"), 0.3))
	checkDecimals(t, "log q", p.LogDensity, -1.864795, 6)
	s := make([]float64, 2)
	p.Score(s, x)
	checkDecimals(t, "score0", s[0], -0.539950, 6)
	checkDecimals(t, "score1", s[1], 0.107213, 6)
	f := mat.NewSymDense(2, nil)
	p.FisherTo(f)
	checkDecimals(t, "F00", f.At(0, 0), 0.620115, 6)
	checkDecimals(t, "F01", f.At(0, 1), 0.204923, 6)
	checkDecimals(t, "F11", f.At(1, 1), 1.399513, 6)
	checkDecimals(t, "tr F", p.TraceFisher(), 2.019628, 6)
	checkDecimals(t, "D0", p.Mean[0], -0.200063, 6)
	checkDecimals(t, "D1", p.Mean[1], 0.261649, 6)
	checkDecimals(t, "E|x0|^2", p.SecondMoment, 1.297772, 6)
}
