package learn

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
)

// TestFastGemmMatchesGonum compares the blocked kernel (and, where it runs,
// the assembly micro-kernel and the portable one separately) with gonum's
// Sgemm on edge shapes and every transpose combination, with β ∈ {0, 1, ½}
// and strided operands. Both sum the same products in a different order, so
// the tolerance is relative to Σ|a||b|: 1e-5 (k ≤ 600 float32 products).
func TestFastGemmMatchesGonum(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	shapes := [][3]int{{1, 1, 1}, {1, 1, 7}, {2, 3, 0}, {5, 17, 3}, {6, 16, 1}, {7, 33, 129},
		{513, 129, 3}, {3, 129, 513}, {100, 1, 300}, {97, 259, 260}, {12, 16, 257}}
	for _, sh := range shapes {
		m, n, k := sh[0], sh[1], sh[2]
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				for _, beta := range []float32{0, 1, 0.5} {
					checkGemmCase(t, r, tA, tB, m, n, k, beta)
				}
			}
		}
	}
}

func checkGemmCase(t *testing.T, r *rand.Rand, tA, tB bool, m, n, k int, beta float32) {
	t.Helper()
	ar, ac := m, k
	if tA {
		ar, ac = k, m
	}
	br, bc := k, n
	if tB {
		br, bc = n, k
	}
	lda, ldb, ldc := ac+2, bc+1, n+3
	a := randSlice32(r, max(ar*lda, 1))
	b := randSlice32(r, max(br*ldb, 1))
	c0 := randSlice32(r, max(m*ldc, 1))
	want := append([]float32(nil), c0...)
	gonum32{}.gemm(tA, tB, m, n, k, a, lda, b, ldb, beta, want, ldc)
	var abs []float32 = make([]float32, len(c0))
	absA, absB := absSlice(a), absSlice(b)
	gonum32{}.gemm(tA, tB, m, n, k, absA, lda, absB, ldb, 0, abs, ldc)
	g := &fastGemm{}
	got := append([]float32(nil), c0...)
	g.gemm(tA, tB, m, n, k, a, lda, b, ldb, beta, got, ldc)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			o := i*ldc + j
			tol := 1e-5 * (float64(abs[o]) + math.Abs(float64(c0[o])) + 1e-6)
			if d := math.Abs(float64(got[o] - want[o])); d > tol {
				t.Fatalf("tA=%v tB=%v m=%d n=%d k=%d β=%g: C[%d,%d] = %g, gonum %g", tA, tB, m, n, k, beta, i, j, got[o], want[o])
			}
		}
	}
	// Entries outside the m×n window (the ldc padding) are untouched.
	for i := 0; i < m; i++ {
		for j := n; j < ldc && i*ldc+j < len(got); j++ {
			if got[i*ldc+j] != c0[i*ldc+j] {
				t.Fatalf("m=%d n=%d k=%d: padding C[%d,%d] overwritten", m, n, k, i, j)
			}
		}
	}
}

// TestMicroKernelsAgree runs the assembly and portable micro-kernels on the
// same packed panels (skipped where there is no assembly kernel).
func TestMicroKernelsAgree(t *testing.T) {
	if !haveAsmKernel {
		t.Skip("no AVX2/FMA micro-kernel on this build or CPU")
	}
	r := rand.New(rand.NewPCG(3, 4))
	for _, kb := range []int{1, 2, 3, 4, 5, 8, 255, 256} {
		a := randSlice32(r, kb*gemmMR)
		b := randSlice32(r, kb*gemmNR)
		c1 := randSlice32(r, gemmMR*20)
		c2 := append([]float32(nil), c1...)
		microKernel(kb, a, b, c1, 20)
		microKernelGo(kb, a, b, c2, 20)
		for i := range c1 {
			if math.Abs(float64(c1[i]-c2[i])) > 1e-5*float64(kb) {
				t.Fatalf("kb=%d: entry %d asm %g go %g", kb, i, c1[i], c2[i])
			}
		}
	}
}

func randSlice32(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

func absSlice(s []float32) []float32 {
	o := make([]float32, len(s))
	for i, v := range s {
		o[i] = float32(math.Abs(float64(v)))
	}
	return o
}

func benchGemm(b *testing.B, g gemmer[float32], tA, tB bool, m, n, k int) {
	r := rand.New(rand.NewPCG(1, 1))
	a, bb, c := randSlice32(r, m*k), randSlice32(r, k*n), make([]float32, m*n)
	lda, ldb := k, n
	if tA {
		lda = m
	}
	if tB {
		ldb = k
	}
	b.SetBytes(0)
	b.ResetTimer()
	for b.Loop() {
		g.gemm(tA, tB, m, n, k, a, lda, bb, ldb, 0, c, n)
	}
	b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkGemm512x128x128(b *testing.B) {
	for _, tc := range []struct {
		name    string
		tA, tB  bool
		m, n, k int
	}{{"NN", false, false, 512, 128, 128}, {"NT", false, true, 512, 128, 128}, {"TN", true, false, 128, 128, 512}} {
		b.Run(tc.name+"/gonum", func(b *testing.B) { benchGemm(b, gonum32{}, tc.tA, tc.tB, tc.m, tc.n, tc.k) })
		b.Run(tc.name+"/fast", func(b *testing.B) { benchGemm(b, &fastGemm{}, tc.tA, tc.tB, tc.m, tc.n, tc.k) })
	}
}

// TestGonum64SingleRow checks the Dgemv shortcut of the float64 product
// against Dgemm for one row, every transpose combination and β ∈ {0, 1}.
func TestGonum64SingleRow(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for _, tA := range []bool{false, true} {
		for _, tB := range []bool{false, true} {
			for _, beta := range []float64{0, 1} {
				const n, k = 7, 5
				lda, ldb := k+1, n+2
				if tA {
					lda = 3
				}
				if tB {
					ldb = k + 2
				}
				a, b := randVec(r, k*lda+1), randVec(r, max(n, k)*ldb)
				c0 := randVec(r, n)
				want := append([]float64(nil), c0...)
				blas64Gemm(tA, tB, 1, n, k, a, lda, b, ldb, beta, want, n)
				got := append([]float64(nil), c0...)
				gonum64{}.gemm(tA, tB, 1, n, k, a, lda, b, ldb, beta, got, n)
				for i := range want {
					if math.Abs(got[i]-want[i]) > 1e-12*(1+math.Abs(want[i])) {
						t.Fatalf("tA=%v tB=%v β=%g: c[%d] = %g, Dgemm %g", tA, tB, beta, i, got[i], want[i])
					}
				}
			}
		}
	}
}

func blas64Gemm(tA, tB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	blas64.Implementation().Dgemm(trans(tA), trans(tB), m, n, k, 1, a, lda, b, ldb, beta, c, ldc)
}
