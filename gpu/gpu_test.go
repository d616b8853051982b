package gpu

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"fisherscope/model"
)

// parityCase draws data, particles and coefficients.
func parityCase(r *rand.Rand) (z, xs []float64, c model.Coeffs) {
	n, b := 64+r.IntN(2000), 256
	z = make([]float64, 2*n)
	for i := range z {
		z[i] = 4 * (2*r.Float64() - 1)
	}
	xs = make([]float64, 2*b)
	sched, _ := model.ScheduleByName("vp")
	c, _ = sched.At(0.02 + 0.98*r.Float64())
	for i := range xs {
		xs[i] = c.Alpha*4*(2*r.Float64()-1) + c.Sigma*r.NormFloat64()
	}
	return z, xs, c
}

// relL2 returns ‖a − b‖/‖b‖.
func relL2(a, b []float64) float64 {
	num, den := 0.0, 0.0
	for i := range a {
		num += (a[i] - b[i]) * (a[i] - b[i])
		den += b[i] * b[i]
	}
	return math.Sqrt(num / den)
}

// fromDevice turns device outputs into the score −E[u]/σ², tr F =
// 2/σ² − tr Cov(u)/σ⁴ and the Fisher entries F = I/σ² − Cov(u)/σ⁴.
func fromDevice(out *Out2, c model.Coeffs) (score, trF, fisher []float64) {
	s2 := c.Sigma * c.Sigma
	b := len(out.LogZ)
	score, trF, fisher = make([]float64, 2*b), make([]float64, b), make([]float64, 3*b)
	for i, v := range out.EU {
		score[i] = -v / s2
	}
	for i := 0; i < b; i++ {
		c00, c01, c11 := out.CovU[3*i], out.CovU[3*i+1], out.CovU[3*i+2]
		trF[i] = 2/s2 - (c00+c11)/(s2*s2)
		fisher[3*i], fisher[3*i+1], fisher[3*i+2] = 1/s2-c00/(s2*s2), -c01/(s2*s2), 1/s2-c11/(s2*s2)
	}
	return score, trF, fisher
}

// exact computes the float64 score, tr F and Fisher entries with the model.
func exact(t *testing.T, z, xs []float64, c model.Coeffs) (score, trF, fisher []float64) {
	m, err := model.NewDirac(z, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := model.NewPosterior(m)
	f := mat.NewSymDense(2, nil)
	b := len(xs) / 2
	score, trF, fisher = make([]float64, 2*b), make([]float64, b), make([]float64, 3*b)
	for i := 0; i < b; i++ {
		m.Posterior(p, xs[2*i:2*i+2], c)
		p.Score(score[2*i:2*i+2], xs[2*i:2*i+2])
		trF[i] = p.TraceFisher()
		p.FisherTo(f)
		fisher[3*i], fisher[3*i+1], fisher[3*i+2] = f.At(0, 0), f.At(0, 1), f.At(1, 1)
	}
	return score, trF, fisher
}

// checkParity compares device outputs with the float64 model: relative L2
// error ≤ 1e-5 on the score, the trace and the Fisher entries.
func checkParity(t *testing.T, z, xs []float64, c model.Coeffs, out *Out2) {
	t.Helper()
	gs, gt, gf := fromDevice(out, c)
	es, et, ef := exact(t, z, xs, c)
	for _, q := range []struct {
		name string
		a, b []float64
	}{{"score", gs, es}, {"trace", gt, et}, {"Fisher", gf, ef}} {
		if e := relL2(q.a, q.b); e > 1e-5 {
			t.Errorf("t=%.3f: %s relative L2 error %.3g > 1e-5", c.T, q.name, e)
		}
	}
}

// TestReferenceParity is the CPU parity harness: the device algorithm in
// float32 (accumulating u = x − αy) against the float64 model.
func TestReferenceParity(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	for trial := 0; trial < 20; trial++ {
		z, xs, c := parityCase(r)
		data := NewData2(z)
		b := len(xs) / 2
		out := NewOut2(b)
		for i := 0; i < b; i++ {
			eu, cov, lz := Reference2(data.Y0, data.Y1, float32(xs[2*i]), float32(xs[2*i+1]), float32(c.Alpha), float32(1/(2*c.Sigma*c.Sigma)))
			out.EU[2*i], out.EU[2*i+1], out.LogZ[i] = float64(eu[0]), float64(eu[1]), float64(lz)
			for j := range cov {
				out.CovU[3*i+j] = float64(cov[j])
			}
		}
		checkParity(t, z, xs, c, out)
	}
}

// TestGPUParity compares the device kernel with the float64 CPU posterior on
// fresh random inputs; it runs only where a GPU exists.
func TestGPUParity(t *testing.T) {
	d, err := Open()
	if err != nil {
		t.Skipf("no GPU: %v", err)
	}
	defer d.Close()
	t.Log(d.Info())
	r := rand.New(rand.NewPCG(7, 7))
	for trial := 0; trial < 20; trial++ {
		z, xs, c := parityCase(r)
		out := NewOut2(len(xs) / 2)
		if err := d.Posterior2(NewData2(z), xs, c.Alpha, c.Sigma, out); err != nil {
			t.Fatal(err)
		}
		checkParity(t, z, xs, c, out)
	}
}
