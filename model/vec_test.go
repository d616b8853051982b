package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestVectorHelpers compares dot, dot2, addScaled and comb3 with plain loops
// on every length 0…70 (every tail of the 4- and 16-wide loops).
func TestVectorHelpers(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 9))
	for n := 0; n <= 70; n++ {
		a, b, v, y := randSlice(r, n), randSlice(r, n), randSlice(r, n), randSlice(r, n)
		var wa, wb float64
		for i := range v {
			wa += a[i] * v[i]
			wb += b[i] * v[i]
		}
		tol := 1e-14 * float64(n+1)
		if got := dot(a, v); math.Abs(got-wa) > tol {
			t.Fatalf("n=%d dot %g, want %g", n, got, wa)
		}
		if ga, gb := dot2(a, b, v); math.Abs(ga-wa) > tol || math.Abs(gb-wb) > tol {
			t.Fatalf("n=%d dot2 %g %g, want %g %g", n, ga, gb, wa, wb)
		}
		want := make([]float64, n)
		for i := range want {
			want[i] = y[i] + 0.7*a[i]
		}
		addScaled(y, 0.7, a)
		for i := range want {
			if math.Abs(y[i]-want[i]) > 1e-15 {
				t.Fatalf("n=%d addScaled[%d] %g, want %g", n, i, y[i], want[i])
			}
		}
		dst := make([]float64, n)
		comb3(dst, v, a, b, 2, -3, 0.5)
		for i := range dst {
			if w := 2*v[i] - 3*a[i] + 0.5*b[i]; math.Abs(dst[i]-w) > 1e-14 {
				t.Fatalf("n=%d comb3[%d] %g, want %g", n, i, dst[i], w)
			}
		}
	}
}

// TestProjectOut checks (I − QQᵀ)z against the explicit formula for every
// rank 0…13 (the four-column blocks and the rest) and lengths around the
// vector width, and that the result is orthogonal to Q.
func TestProjectOut(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 1))
	for _, d := range []int{3, 8, 13, 64, 70} {
		for rank := 0; rank <= min(13, d); rank++ {
			q := randSlice(r, rank*d)
			if got := orthonormalize(q, d, rank); got != rank {
				t.Fatalf("d=%d: rank %d of %d random columns", d, got, rank)
			}
			z := randSlice(r, d)
			want := append([]float64(nil), z...)
			for c := 0; c < rank; c++ {
				qc := q[c*d : (c+1)*d]
				p := 0.0
				for i := range qc {
					p += qc[i] * z[i]
				}
				for i := range want {
					want[i] -= p * qc[i]
				}
			}
			projectOut(z, q, d, rank, make([]float64, rank))
			for i := range z {
				if math.Abs(z[i]-want[i]) > 1e-13 {
					t.Fatalf("d=%d rank=%d: z[%d] = %g, want %g", d, rank, i, z[i], want[i])
				}
			}
			for c := 0; c < rank; c++ {
				if p := dot(q[c*d:(c+1)*d], z); math.Abs(p) > 1e-13 {
					t.Fatalf("d=%d rank=%d: residual has %g along column %d", d, rank, p, c)
				}
			}
		}
	}
}

// TestOrthonormalizeIllConditioned: nearly dependent columns (a common
// direction plus 1e-9 of noise) still give QᵀQ = I to working precision,
// and exactly dependent ones are dropped.
func TestOrthonormalizeIllConditioned(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	const d, k = 40, 9
	base := randSlice(r, d)
	cols := make([]float64, k*d)
	for c := 0; c < k; c++ {
		for i := 0; i < d; i++ {
			cols[c*d+i] = base[i] + 1e-9*r.NormFloat64()
		}
	}
	copy(cols[(k-1)*d:], cols[:d]) // an exact repeat
	rank := orthonormalize(cols, d, k)
	if rank != k-1 {
		t.Fatalf("rank %d, want %d", rank, k-1)
	}
	for a := 0; a < rank; a++ {
		for b := 0; b < rank; b++ {
			want := 0.0
			if a == b {
				want = 1
			}
			if g := dot(cols[a*d:(a+1)*d], cols[b*d:(b+1)*d]); math.Abs(g-want) > 1e-13 {
				t.Fatalf("QᵀQ[%d][%d] = %g", a, b, g)
			}
		}
	}
}

// TestQuadMatchesMatVec: the quadratic forms of FisherOp and CovOp equal
// zᵀ(Az) through a matvec, for 2-D data (F formed with the posterior), data
// in a plane of R^7 (one pass) and off-plane data in R^5 (generic).
func TestQuadMatchesMatVec(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 1))
	base, _ := NewDataset("checkerboard", 200, 1)
	s := mustSchedule(t, "vp")
	for _, cfg := range []struct {
		d     int
		noise float64
	}{{2, 0}, {7, 0}, {5, 0.1}} {
		em, _ := NewEmbedding(cfg.d, 3)
		m, _ := em.Apply(base, cfg.noise, 4)
		p := NewPosterior(m)
		x := randSlice(r, cfg.d)
		m.Posterior(p, x, mustAt(t, s, 0.2))
		z, az, scratch := randSlice(r, cfg.d), make([]float64, cfg.d), make([]float64, cfg.d)
		for _, op := range []QuadOperator{FisherOp{P: p}, CovOp{P: p}} {
			op.MatVec(az, z)
			want := dot(z, az)
			got := op.Quad(z, scratch)
			if math.Abs(got-want) > 1e-12*(math.Abs(want)+dot(z, z)/(p.C.Sigma*p.C.Sigma)) {
				t.Fatalf("d=%d %T: Quad %g, zᵀAz %g", cfg.d, op, got, want)
			}
		}
	}
}

// TestRademacherBits: bit i of each draw gives entry i (1 → +1, 0 → −1), in
// the vectorised, nibble and tail paths alike.
func TestRademacherBits(t *testing.T) {
	for _, n := range []int{1, 7, 64, 65, 130, 200} {
		r1, r2 := rand.New(rand.NewPCG(5, 5)), rand.New(rand.NewPCG(5, 5))
		z := make([]float64, n)
		Rademacher.Fill(z, r1)
		var bits uint64
		for i := range z {
			if i%64 == 0 {
				bits = r2.Uint64()
			}
			want := -1.0
			if bits>>(i%64)&1 == 1 {
				want = 1
			}
			if z[i] != want {
				t.Fatalf("n=%d entry %d: %g, want %g", n, i, z[i], want)
			}
		}
	}
}
