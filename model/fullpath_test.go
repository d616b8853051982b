package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGemmBlockMatchesGo compares the AVX2 register block with the portable
// one on random operands for inner dimensions 1…70 (odd and even unrolls).
func TestGemmBlockMatchesGo(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2+FMA on this CPU: the portable block is the only one")
	}
	r := rand.New(rand.NewPCG(3, 4))
	const ldc = 11
	for k := 1; k <= 70; k++ {
		a, b := randSlice(r, gemmMR*k), randSlice(r, gemmNR*k)
		c0 := randSlice(r, 3*ldc+gemmNR)
		c1 := append([]float64(nil), c0...)
		add := k%2 == 0 // both forms: accumulate into c, overwrite c
		gemm4x8AVX2(&a[0], &b[0], k, &c0[0], ldc, add)
		gemm4x8Go(a, b, k, c1, ldc, add)
		for i := range c0 {
			// Both sum the same k products in the same order; only FMA
			// rounding differs: a few ulps of Σ|a||b| ≤ k.
			if math.Abs(c0[i]-c1[i]) > 1e-14*float64(k+1) {
				t.Fatalf("k=%d entry %d: %g vs %g", k, i, c0[i], c1[i])
			}
		}
	}
}

// TestExpRowMatchesMath checks the vectorised exp against math.Exp (2 ulps) over the
// whole range it is used on, and its underflow to exactly 0 below −700.
func TestExpRowMatchesMath(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{4, 8, 1024} {
		l, y2 := make([]float64, n), randSlice(r, n)
		for i := range l {
			l[i] = -720 * r.Float64()
		}
		l[0], l[n-1] = math.Inf(-1), 0
		want := make([]float64, n)
		var w0, w1 float64
		for i, v := range l {
			if v >= -700 {
				want[i] = math.Exp(v)
			}
			w0 += want[i]
			w1 += want[i] * y2[i]
		}
		s0, s1 := expRow(l, y2, 0)
		for i := range l {
			if math.Abs(l[i]-want[i]) > 4.5e-16*want[i] || (want[i] == 0) != (l[i] == 0) {
				t.Fatalf("n=%d exp at %d: %g, want %g", n, i, l[i], want[i])
			}
		}
		checkClose(t, "Σe", s0, w0, 1e-14, 0)
		checkClose(t, "Σe·y2", s1, w1, 1e-13, 0)
	}
}

// TestFullPathMatchesScalar compares the blocked full path (alone and in
// tiles) with the straightforward scalar kernel on random off-plane data:
// dimensions around the register block's multiples, point counts around the
// panel width, unequal weights, σ from 1e-3 to 10 and far-away points.
func TestFullPathMatchesScalar(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, d := range []int{4, 5, 7, 8, 9, 17, 64, 130} {
		for _, n := range []int{1, 3, 8, 9, 300, 1100} {
			y := randSlice(r, n*d)
			wts := make([]float64, n)
			for i := range wts {
				wts[i] = 0.1 + r.Float64()
			}
			m, err := NewDirac(y, d, wts)
			if err != nil {
				t.Fatal(err)
			}
			if m.full == nil {
				t.Fatalf("d=%d: no blocked path", d)
			}
			compareFull(t, r, m, 7)
		}
	}
}

// compareFull evaluates trials random points alone, as one tile and with the
// scalar kernel, and checks that they agree.
func compareFull(t *testing.T, r *rand.Rand, m *Dirac, trials int) {
	t.Helper()
	d, n := m.d, m.n
	tile := NewTile(m, trials)
	p := NewPosterior(m)
	xs := make([]float64, trials*d)
	sigma := math.Pow(10, -3+4*r.Float64())
	c := Coeffs{Alpha: 0.2 + 0.8*r.Float64(), Sigma: sigma}
	for i := range xs {
		xs[i] = 2 * r.NormFloat64()
	}
	copy(xs[:d], m.y[:d]) // on a data point (scaled by α: near it)
	xs[d] = 1e3           // far away
	tile.Eval(xs, c)
	// The same points in the opposite order: every point sits elsewhere in
	// its register block and tile.
	rev := NewTile(m, trials)
	back := make([]float64, len(xs))
	for k := 0; k < trials; k++ {
		copy(back[(trials-1-k)*d:(trials-k)*d], xs[k*d:(k+1)*d])
	}
	rev.Eval(back, c)
	w, mean := make([]float64, n), make([]float64, d)
	for k := 0; k < trials; k++ {
		x := xs[k*d : (k+1)*d]
		m.Posterior(p, x, c)
		sameBits(t, p, tile.Posterior(k), "alone and in a tile")
		sameBits(t, p, rev.Posterior(trials-1-k), "alone and in a reversed tile")
		logZ, trC := diracKernel(w, mean, m.y, d, m.logPi, x, c.Alpha, c.Sigma)
		logQ := logZ - 0.5*float64(d)*math.Log(2*math.Pi*sigma*sigma)
		// log q: the logits are ‖x‖²/σ²-sized; a relative 1e-13 of that scale.
		scale := 1 + dot(x, x)/(sigma*sigma)
		if math.Abs(p.LogDensity-logQ) > 1e-13*scale {
			t.Fatalf("d=%d n=%d σ=%.3g point %d: log q %.17g vs %.17g", d, n, sigma, k, p.LogDensity, logQ)
		}
		checkClose(t, "tr F", p.TraceFisher(), FisherTraceFromCov(d, c, trC), 1e-9, float64(d)/(sigma*sigma))
		checkClose(t, "tr C", p.TrCov, trC, 1e-9, 1e-6)
		for j := range mean {
			checkClose(t, "mean", p.Mean[j], mean[j], 1e-9, 1)
		}
		for i := range w {
			if math.Abs(p.W[i]-w[i]) > 1e-11 {
				t.Fatalf("d=%d n=%d weight %d: %g vs %g", d, n, i, p.W[i], w[i])
			}
		}
	}
	// A tile's posterior evaluated on its own makes its own workspace.
	m.Posterior(p, xs[:d], c)
	m.Posterior(tile.Posterior(0), xs[:d], c)
	sameBits(t, p, tile.Posterior(0), "a tile's posterior alone")
}

// sameBits fails unless a and b hold bit-identical posteriors.
func sameBits(t *testing.T, a, b *Posterior, what string) {
	t.Helper()
	eq := func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) }
	ok := eq(a.LogDensity, b.LogDensity) && eq(a.TrCov, b.TrCov) && eq(a.SecondMoment, b.SecondMoment)
	for j := range a.Mean {
		ok = ok && eq(a.Mean[j], b.Mean[j])
	}
	for i := range a.W {
		ok = ok && eq(a.W[i], b.W[i])
	}
	if !ok {
		t.Fatalf("%s: posteriors differ", what)
	}
}

func randSlice(r *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = r.NormFloat64()
	}
	return s
}

// TestWideBlockMatchesNarrow checks that the AVX-512 4×16 block gives the
// same bits as two AVX2 4×8 blocks (tiles rely on it for determinism).
func TestWideBlockMatchesNarrow(t *testing.T) {
	if !haveAVX512 {
		t.Skip("no AVX-512 on this CPU")
	}
	r := rand.New(rand.NewPCG(7, 7))
	const ldc = 19
	for k := 1; k <= 40; k++ {
		a, b0, b1 := randSlice(r, gemmMR*k), randSlice(r, gemmNR*k), randSlice(r, gemmNR*k)
		c0 := randSlice(r, 3*ldc+2*gemmNR)
		c1 := append([]float64(nil), c0...)
		add := k%2 == 1
		gemm4x16AVX512(&a[0], &b0[0], &b1[0], k, &c0[0], ldc, add)
		gemm4x8AVX2(&a[0], &b0[0], k, &c1[0], ldc, add)
		gemm4x8AVX2(&a[0], &b1[0], k, &c1[gemmNR], ldc, add)
		for i := range c0 {
			if c0[i] != c1[i] {
				t.Fatalf("k=%d entry %d: %g vs %g", k, i, c0[i], c1[i])
			}
		}
	}
}

// TestFullCovMatVec compares C v on the blocked path (D > 16, no cached C)
// with the centred sum written out, for data far from the origin too (the
// product runs on points centred on their mean).
func TestFullCovMatVec(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 1))
	for _, d := range []int{17, 40} {
		for _, offset := range []float64{0, 1e3} {
			y := randSlice(r, 300*d)
			for i := range y {
				y[i] += offset
			}
			m, err := NewDirac(y, d, nil)
			if err != nil {
				t.Fatal(err)
			}
			p := NewPosterior(m)
			x := randSlice(r, d)
			for j := range x {
				x[j] = 0.9*offset + 2*x[j]
			}
			m.Posterior(p, x, Coeffs{Alpha: 0.9, Sigma: 1.5})
			v, got, want := randSlice(r, d), make([]float64, d), make([]float64, d)
			p.CovMatVec(got, v)
			for i, w := range p.W {
				yi := y[i*d : (i+1)*d]
				s := 0.0
				for j := range v {
					s += (yi[j] - p.Mean[j]) * v[j]
				}
				for j := range want {
					want[j] += w * s * (yi[j] - p.Mean[j])
				}
			}
			scale := 0.0
			for _, w := range want {
				scale = math.Max(scale, math.Abs(w))
			}
			for j := range want {
				if math.Abs(got[j]-want[j]) > 1e-10*scale {
					t.Fatalf("d=%d offset %g: (Cv)[%d] = %g, want %g", d, offset, j, got[j], want[j])
				}
			}
		}
	}
}

// TestRowBlockMatchesPacked: the register blocks that read A by rows give
// the same bits as the packed ones (the denoiser product relies on it).
func TestRowBlockMatchesPacked(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const ldc, cols = 37, 24
	for k := 1; k <= 30; k++ {
		var rows [gemmMR][]float64
		packed := make([]float64, gemmMR*k)
		for o := range rows {
			rows[o] = randSlice(r, k)
			for p, v := range rows[o] {
				packed[gemmMR*p+o] = v
			}
		}
		b := randSlice(r, cols*k)
		c0 := randSlice(r, 3*ldc+cols)
		c1 := append([]float64(nil), c0...)
		add := k%2 == 0
		gemmRows(&rows, b, k, gemmNR*k, cols, c0, ldc, add)
		gemmCols(packed, b, k, gemmNR*k, cols, c1, ldc, add)
		for i := range c0 {
			if c0[i] != c1[i] {
				t.Fatalf("k=%d entry %d: %g vs %g", k, i, c0[i], c1[i])
			}
		}
		if haveAVX2 {
			c2 := append([]float64(nil), c1...)
			gemm4x8RowsGo(&rows, b, k, c2, ldc, add)
			gemm4x8Go(packed, b, k, c1, ldc, add)
			for i := range c2 {
				if c2[i] != c1[i] {
					t.Fatalf("portable k=%d entry %d: %g vs %g", k, i, c2[i], c1[i])
				}
			}
		}
	}
}

// TestBlockProducts compares CovMatVecs and the block quadratic forms of
// FisherOp and CovOp with one-vector products, on off-plane data with
// spread-out weights (the blocked products) and concentrated ones (the
// per-point loop), for block sizes around the register block.
func TestBlockProducts(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 2))
	for _, d := range []int{17, 40} {
		y := randSlice(r, 500*d)
		m, err := NewDirac(y, d, nil)
		if err != nil {
			t.Fatal(err)
		}
		p := NewPosterior(m)
		for _, sigma := range []float64{3, 0.05} {
			m.Posterior(p, randSlice(r, d), Coeffs{Alpha: 0.8, Sigma: sigma})
			for _, k := range []int{1, 2, 4, 5, 9, 70} {
				vs := randSlice(r, k*d)
				got, want := make([]float64, k*d), make([]float64, k*d)
				p.CovMatVecs(got, vs)
				for q := 0; q < k; q++ {
					p.CovMatVec(want[q*d:(q+1)*d], vs[q*d:(q+1)*d])
				}
				for i := range got {
					if math.Abs(got[i]-want[i]) > 1e-11*(1+math.Abs(want[i])) {
						t.Fatalf("d=%d σ=%g k=%d: C v [%d] = %g, want %g", d, sigma, k, i, got[i], want[i])
					}
				}
				scratch := make([]float64, d)
				for _, op := range []BlockOperator{FisherOp{P: p}, CovOp{P: p}} {
					qs := make([]float64, k)
					op.Quads(qs, vs, scratch)
					mv := make([]float64, k*d)
					op.MatVecs(mv, vs)
					for q := 0; q < k; q++ {
						v := vs[q*d : (q+1)*d]
						one := make([]float64, d)
						op.MatVec(one, v)
						w := dot(v, one)
						if math.Abs(qs[q]-w) > 1e-11*(1+math.Abs(w)) || math.Abs(dot(v, mv[q*d:(q+1)*d])-w) > 1e-11*(1+math.Abs(w)) {
							t.Fatalf("d=%d σ=%g k=%d %T: vector %d: quad %g, block %g, want %g", d, sigma, k, op, q, qs[q], dot(v, mv[q*d:(q+1)*d]), w)
						}
					}
				}
			}
		}
	}
}

// TestPhiAffineBlock: the Φ update off a known plane (all columns as one
// block) equals the column-by-column update.
func TestPhiAffineBlock(t *testing.T) {
	for _, d := range []int{20, 40} { // one block, two chunks of columns
		phiAffineBlockCase(t, d)
	}
}

func phiAffineBlockCase(t *testing.T, d int) {
	r := rand.New(rand.NewPCG(14, uint64(d)))
	m, _ := NewDirac(randSlice(r, 400*d), d, nil)
	p := NewPosterior(m)
	m.Posterior(p, randSlice(r, d), Coeffs{Alpha: 0.7, Sigma: 2})
	phi := randSlice(r, d*d)
	want := make([]float64, d*d)
	col, out := make([]float64, d), make([]float64, d)
	for j := 0; j < d; j++ {
		for i := 0; i < d; i++ {
			col[i] = phi[i*d+j]
		}
		p.CovMatVec(out, col)
		for i := 0; i < d; i++ {
			want[i*d+j] = 0.9*col[i] - 0.3*out[i]
		}
	}
	PhiAffine(phi, p, 0.9, -0.3, col, out)
	for i := range phi {
		if math.Abs(phi[i]-want[i]) > 1e-12*(1+math.Abs(want[i])) {
			t.Fatalf("Φ[%d] = %g, want %g", i, phi[i], want[i])
		}
	}
}

// FuzzFullPath compares the blocked posterior with the scalar formula on
// fuzzed sizes, scales and coefficients (relative to the conditioning of
// the logits, as TestFullPathMatchesScalar).
func FuzzFullPath(f *testing.F) {
	f.Add(uint8(4), uint8(1), 1.0, 0.5, 1.0, uint64(1))
	f.Add(uint8(17), uint8(9), 1e-3, 0.99, 30.0, uint64(2))
	f.Add(uint8(40), uint8(60), 1e3, 0.01, 1e-3, uint64(3))
	f.Fuzz(func(t *testing.T, d8, n8 uint8, sigma, alpha, scale float64, seed uint64) {
		d, n := 4+int(d8)%40, 1+int(n8)%64
		if !(sigma >= 1e-4 && sigma <= 1e4) || !(alpha >= 0 && alpha <= 1) || !(scale >= 1e-3 && scale <= 1e3) {
			return
		}
		r := rand.New(rand.NewPCG(seed, 5))
		y := randSlice(r, n*d)
		m, err := NewDirac(y, d, nil)
		if err != nil {
			t.Fatal(err)
		}
		x := randSlice(r, d)
		for j := range x {
			x[j] *= scale
		}
		p := NewPosterior(m)
		c := Coeffs{Alpha: alpha, Sigma: sigma}
		m.Posterior(p, x, c)
		w, mean := make([]float64, n), make([]float64, d)
		logZ, trC := diracKernel(w, mean, y, d, m.logPi, x, alpha, sigma)
		logQ := logZ - 0.5*float64(d)*math.Log(2*math.Pi*sigma*sigma)
		cond := 1 + (dot(x, x)+alpha*alpha*dot(y, y))/(sigma*sigma)
		if math.Abs(p.LogDensity-logQ) > 1e-13*(cond+math.Abs(logQ)) {
			t.Fatalf("log q %.17g vs %.17g", p.LogDensity, logQ)
		}
		if math.Abs(p.TraceFisher()-FisherTraceFromCov(d, c, trC)) > 1e-9*float64(d)/(sigma*sigma)+1e-9*cond*alpha*alpha/(sigma*sigma) {
			t.Fatalf("tr F %g vs %g", p.TraceFisher(), FisherTraceFromCov(d, c, trC))
		}
		for j := range mean {
			if math.Abs(p.Mean[j]-mean[j]) > 1e-9*(1+math.Abs(mean[j]))+1e-12*cond {
				t.Fatalf("mean[%d] %g vs %g", j, p.Mean[j], mean[j])
			}
		}
	})
}
