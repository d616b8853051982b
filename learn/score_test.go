package learn

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"fisherscope/model"
)

// TestScoreNetDerivatives checks the public float64 API of a (random,
// untrained) network for both architectures against central differences
// of Eps in x (h = 1e-5; tolerance 1e-6 relative + 1e-8, see
// TestBackpropMatchesFiniteDifferences): JVP, VJP, the adjoint identity,
// TraceVJP against the exact trace through the JVP-based FisherOp
// (model.TraceExact: D forward-mode passes vs D reverse-mode ones, 1e-10),
// and the Tweedie relations of Score and Denoise.
func TestScoreNetDerivatives(t *testing.T) {
	for _, tc := range []struct {
		arch   Arch
		widths []int
		d      int
	}{{ArchMLP, []int{32, 32}, 3}, {ArchPaper, nil, 2}} {
		n := randomScore(t, tc.arch, tc.widths, tc.d, 4, 2)
		r := rand.New(rand.NewPCG(8, 8))
		c := vpAt(t, 0.3)
		d := tc.d
		x, v, u := randVec(r, d), randVec(r, d), randVec(r, d)
		jv, jtu := make([]float64, d), make([]float64, d)
		n.JVP(jv, x, v, c)
		n.VJP(jtu, x, u, c)
		const h = 1e-5
		ep, em := make([]float64, d), make([]float64, d)
		xp, xm := make([]float64, d), make([]float64, d)
		for j := range x {
			xp[j], xm[j] = x[j]+h*v[j], x[j]-h*v[j]
		}
		n.Eps(ep, xp, c)
		n.Eps(em, xm, c)
		for i := range jv {
			if fd := (ep[i] - em[i]) / (2 * h); math.Abs(fd-jv[i]) > 1e-6*math.Abs(fd)+1e-8 {
				t.Fatalf("%s JVP %d: %.12g, finite difference %.12g", tc.arch, i, jv[i], fd)
			}
		}
		if a, b := dotT(u, jv), dotT(jtu, v); math.Abs(a-b) > 1e-12*(math.Abs(a)+1) {
			t.Fatalf("%s: ⟨u, Jv⟩ = %.15g, ⟨Jᵀu, v⟩ = %.15g", tc.arch, a, b)
		}
		op := &FisherOp{Net: n, X: x, C: c}
		exact := model.TraceExact(op, &model.TraceWork{}).Value
		if got := n.TraceVJP(x, c); relErr(got, exact) > 1e-10 {
			t.Fatalf("%s: TraceVJP %.15g, trace by JVPs %.15g", tc.arch, got, exact)
		}
		op.MatVecT(ep, u)
		for i := range ep {
			if math.Abs(ep[i]-jtu[i]/c.Sigma) > 1e-12*(math.Abs(ep[i])+1) {
				t.Fatalf("%s: MatVecT %g, VJP/σ %g", tc.arch, ep[i], jtu[i]/c.Sigma)
			}
		}
		eps, sc, den := make([]float64, d), make([]float64, d), make([]float64, d)
		n.Eps(eps, x, c)
		n.Score(sc, x, c)
		n.Denoise(den, x, c)
		for j := range eps {
			if math.Abs(sc[j]+eps[j]/c.Sigma) > 1e-12 || math.Abs(den[j]-(x[j]-c.Sigma*eps[j])/c.Alpha) > 1e-12 {
				t.Fatalf("%s: Score or Denoise inconsistent with Eps", tc.arch)
			}
		}
	}
}

// TestEpsBatchAndConcurrency checks that EpsBatch equals row-by-row Eps
// (1e-12) and that concurrent goroutines get the same results as a serial
// run (run with -race to check the workspace pool).
func TestEpsBatchAndConcurrency(t *testing.T) {
	n := randomScore(t, ArchMLP, []int{16, 16}, 4, 5, 1)
	c := vpAt(t, 0.5)
	r := rand.New(rand.NewPCG(1, 1))
	xs := randVec(r, 4*7)
	batch := make([]float64, len(xs))
	n.EpsBatch(batch, xs, c)
	want := make([]float64, len(xs))
	for i := 0; i < 7; i++ {
		n.Eps(want[i*4:(i+1)*4], xs[i*4:(i+1)*4], c)
	}
	for i := range want {
		if math.Abs(batch[i]-want[i]) > 1e-12 {
			t.Fatalf("EpsBatch %d: %g, Eps %g", i, batch[i], want[i])
		}
	}
	trWant := n.TraceVJP(xs[:4], c)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := make([]float64, 4)
			for k := 0; k < 50; k++ {
				i := k % 7
				n.Eps(out, xs[i*4:(i+1)*4], c)
				for j := range out {
					if out[j] != want[i*4+j] {
						errs <- "Eps differs under concurrency"
						return
					}
				}
				if n.TraceVJP(xs[:4], c) != trWant {
					errs <- "TraceVJP differs under concurrency"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

// TestHutchinsonOnLearnedFisher runs model.Hutchinson (one Rademacher probe
// per estimate, 4000 estimates) on the learned FisherOp of a random D = 5
// network: the mean must lie within 4 standard errors of the exact trace of
// (1/σ) ∂ε_θ/∂x (TraceVJP), and the sample variance within 20% of the
// Rademacher formula 2 Σ_{i≠j} (A_s)_ij² (math-spec §6.3) with A_s the
// symmetric part of the learned F_θ (relative SE of a variance from 4000
// draws of this kurtosis is about 3%).
func TestHutchinsonOnLearnedFisher(t *testing.T) {
	const d, reps = 5, 4000
	n := randomScore(t, ArchMLP, []int{32, 32}, d, 6, 2)
	r := rand.New(rand.NewPCG(2, 3))
	x := randVec(r, d)
	c := vpAt(t, 0.4)
	op := &FisherOp{Net: n, X: x, C: c}
	exact := n.TraceVJP(x, c)
	var w model.TraceWork
	var sum, sum2 float64
	for i := 0; i < reps; i++ {
		e := model.Hutchinson(op, 1, model.Rademacher, r, &w)
		sum += e.Value
		sum2 += e.Value * e.Value
	}
	mean := sum / reps
	variance := (sum2 - reps*mean*mean) / (reps - 1)
	se := math.Sqrt(variance / reps)
	a := make([]float64, d*d) // columns A e_j
	e := make([]float64, d)
	for j := 0; j < d; j++ {
		clear(e)
		e[j] = 1
		op.MatVec(a[j*d:(j+1)*d], e)
	}
	want := 0.0
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			if i != j {
				s := (a[j*d+i] + a[i*d+j]) / 2
				want += 2 * s * s
			}
		}
	}
	t.Logf("exact %.6g, Hutchinson mean %.6g ± %.3g (SE), variance %.4g vs %.4g", exact, mean, se, variance, want)
	if math.Abs(mean-exact) > 4*se {
		t.Errorf("Hutchinson mean %.6g is %.1f SE from the exact trace %.6g", mean, math.Abs(mean-exact)/se, exact)
	}
	if relErr(variance, want) > 0.2 {
		t.Errorf("Hutchinson variance %.4g, Rademacher formula %.4g", variance, want)
	}
}
