package learn

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"fisherscope/model"
)

// TestMixtureSourceMoments draws 40000 samples from a two-component
// anisotropic GMM with weights 1:3 and compares the sample mean and
// covariance with the mixture's (5 standard errors), and checks that a
// weighted Dirac mixture is sampled with its weights (5 SE).
func TestMixtureSourceMoments(t *testing.T) {
	means := []float64{1, -1, -2, 0.5}
	covs := []float64{0.5, 0.2, 0.2, 0.3, 0.1, 0, 0, 0.4}
	g, err := model.NewGMM(means, covs, 2, []float64{1, 3})
	if err != nil {
		t.Fatal(err)
	}
	src, err := NewMixtureSource(g)
	if err != nil {
		t.Fatal(err)
	}
	const n = 40000
	x := make([]float64, 2*n)
	src.Draw(x, rand.New(rand.NewPCG(1, 1)))
	w := []float64{0.25, 0.75}
	var mu [2]float64
	var cov [4]float64
	for k := 0; k < 2; k++ {
		for i := 0; i < 2; i++ {
			mu[i] += w[k] * means[2*k+i]
		}
	}
	for k := 0; k < 2; k++ {
		for i := 0; i < 2; i++ {
			for j := 0; j < 2; j++ {
				cov[2*i+j] += w[k] * (covs[4*k+2*i+j] + (means[2*k+i]-mu[i])*(means[2*k+j]-mu[j]))
			}
		}
	}
	var m [2]float64
	for i := 0; i < n; i++ {
		m[0] += x[2*i] / n
		m[1] += x[2*i+1] / n
	}
	var c [4]float64
	for i := 0; i < n; i++ {
		for a := 0; a < 2; a++ {
			for b := 0; b < 2; b++ {
				c[2*a+b] += (x[2*i+a] - m[a]) * (x[2*i+b] - m[b]) / n
			}
		}
	}
	for i := 0; i < 2; i++ {
		if se := math.Sqrt(cov[3*i] / n); math.Abs(m[i]-mu[i]) > 5*se {
			t.Errorf("mean %d: %g, want %g ± %g", i, m[i], mu[i], se)
		}
	}
	for i, v := range c {
		a, b := i/2, i%2
		if se := math.Sqrt((cov[3*a]*cov[3*b] + cov[i]*cov[i]) / n * 3); math.Abs(v-cov[i]) > 5*se {
			t.Errorf("covariance %d: %g, want %g ± %g", i, v, cov[i], se)
		}
	}
	d, err := model.NewDirac([]float64{0, 0, 1, 1, 2, 2}, 2, []float64{1, 2, 5})
	if err != nil {
		t.Fatal(err)
	}
	ds, _ := NewMixtureSource(d)
	ds.Draw(x, rand.New(rand.NewPCG(2, 2)))
	var cnt [3]float64
	for i := 0; i < n; i++ {
		cnt[int(x[2*i])]++
	}
	for i, p := range []float64{1. / 8, 2. / 8, 5. / 8} {
		if se := math.Sqrt(p * (1 - p) / n); math.Abs(cnt[i]/n-p) > 5*se {
			t.Errorf("point %d drawn with frequency %g, want %g", i, cnt[i]/n, p)
		}
	}
}

// TestSamplerSource checks the sampler source: fresh points every draw, in
// the checkerboard's square [−4, 4]², lifted into R^D on the data plane (no
// noise: ‖x‖ equals the 2-D norm of its projection); fixed data sets fall
// back to the mixture; bad names and noise are refused.
func TestSamplerSource(t *testing.T) {
	emb, err := model.NewEmbedding(5, 3)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSamplerSource("checkerboard", emb, 0)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 1))
	a, b := make([]float64, 5*64), make([]float64, 5*64)
	s.Draw(a, r)
	s.Draw(b, r)
	same := true
	z := make([]float64, 2)
	for i := 0; i < 64; i++ {
		x := a[5*i : 5*i+5]
		emb.Project(z, x)
		if math.Abs(dotT(x, x)-dotT(z, z)) > 1e-12 || math.Abs(z[0]) > 4 || math.Abs(z[1]) > 4 {
			t.Fatalf("draw %d off the plane or outside the square: %v", i, x)
		}
		same = same && a[5*i] == b[5*i]
	}
	if same {
		t.Fatal("two draws gave the same points")
	}
	mix, _ := model.NewDataset("affine", 1, 0)
	src, err := NewSource(TrainSampler, mix, "affine", nil, 0)
	if _, ok := src.(*MixtureSource); err != nil || !ok {
		t.Fatalf("fixed data set: source %T, err %v; want the mixture", src, err)
	}
	if _, err := NewSamplerSource("nosuch", nil, 0); err == nil {
		t.Error("unknown data set accepted")
	}
	if _, err := NewSamplerSource("moons", nil, -1); err == nil {
		t.Error("negative noise accepted")
	}
	if _, err := NewSource("files", mix, "affine", nil, 0); err == nil {
		t.Error("unknown training data kind accepted")
	}
}

// TestTrainVariants runs short trainings through the other code paths: the
// paper architecture, sampler data lifted into D = 6 with a discrete
// schedule, and a FuncSource; each must produce finite outputs.
func TestTrainVariants(t *testing.T) {
	emb, _ := model.NewEmbedding(6, 2)
	sampler, err := NewSamplerSource("moons", emb, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	mix, _ := model.NewDataset("nonaffine", 1, 0)
	dirac, _ := NewMixtureSource(mix)
	fn := FuncSource{D: 3, Name: "unit-cube", One: func(dst []float64, r *rand.Rand) {
		for i := range dst {
			dst[i] = r.Float64()
		}
	}}
	for _, tc := range []struct {
		name  string
		arch  Arch
		sched string
		src   Source
	}{
		{"paper", ArchPaper, "edm", dirac},
		{"sampler-sd", ArchMLP, "sd-ve", sampler},
		{"func", ArchMLP, "subvp", fn},
	} {
		s, err := model.ScheduleByName(tc.sched)
		if err != nil {
			t.Fatal(err)
		}
		cfg := smallConfig(3)
		cfg.Arch, cfg.Batch, cfg.Widths = tc.arch, 32, []int{16}
		n, err := TrainScore(context.Background(), cfg, s, tc.src, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		c, _ := s.At(0.5)
		x := make([]float64, tc.src.Dim())
		e := make([]float64, len(x))
		n.Eps(e, x, c)
		if tr := n.TraceVJP(x, c); !isFinite(tr) || !isFinite(e[0]) {
			t.Fatalf("%s: non-finite output", tc.name)
		}
	}
}
