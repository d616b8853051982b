package learn

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// Kernel selects the float32 matrix-product implementation used in training.
type Kernel string

// The kernels. KernelAuto picks KernelFast where the assembly micro-kernel
// runs (amd64 with AVX2 and FMA, not built with the purego tag) and
// KernelGonum elsewhere, where the portable micro-kernel is slower than gonum.
const (
	KernelAuto  Kernel = "auto"
	KernelFast  Kernel = "fast"  // blocked GEMM: packed panels and a 6×16 micro-kernel
	KernelGonum Kernel = "gonum" // gonum.org/v1/gonum/blas/blas32 Sgemm
)

// gemmer computes C = op(A)·op(B) + β·C for row-major matrices, where op(A) is
// m×k (A, or Aᵀ when tA) and op(B) is k×n. Implementations may keep scratch
// buffers and are then not safe for concurrent use.
type gemmer[T floating] interface {
	gemm(tA, tB bool, m, n, k int, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int)
	// kernelName names the implementation (recorded with trained weights).
	kernelName() string
}

// newGemm32 returns the float32 implementation for kernel k.
func newGemm32(k Kernel) (gemmer[float32], error) {
	switch k {
	case KernelAuto, "":
		if haveAsmKernel {
			return &fastGemm{}, nil
		}
		return gonum32{}, nil
	case KernelFast:
		return &fastGemm{}, nil
	case KernelGonum:
		return gonum32{}, nil
	}
	return nil, fmt.Errorf("unknown kernel %q (allowed: auto, fast, gonum)", k)
}

// newGemm returns the implementation for T: gonum's Dgemm for float64 and
// the kernel k for float32.
func newGemm[T floating](k Kernel) (gemmer[T], error) {
	var z T
	switch any(z).(type) {
	case float64:
		return any(gonum64{}).(gemmer[T]), nil
	default:
		g, err := newGemm32(k)
		if err != nil {
			return nil, err
		}
		return any(g).(gemmer[T]), nil
	}
}

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

// gonum32 is gonum's Sgemm.
type gonum32 struct{}

func (gonum32) gemm(tA, tB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	blas32.Implementation().Sgemm(trans(tA), trans(tB), m, n, k, 1, a, lda, b, ldb, beta, c, ldc)
}

func (gonum32) kernelName() string { return "gonum" }

// gonum64 is gonum's Dgemm.
type gonum64 struct{}

// A single row (one point, the usual evaluation) goes through Dgemv, which
// has much less overhead than Dgemm for it.
func (gonum64) gemm(tA, tB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	impl := blas64.Implementation()
	if m != 1 || n == 0 || k == 0 {
		impl.Dgemm(trans(tA), trans(tB), m, n, k, 1, a, lda, b, ldb, beta, c, ldc)
		return
	}
	inc := 1 // stride of the row of op(A)
	if tA {
		inc = lda
	}
	if tB { // c = B a with B stored n×k
		impl.Dgemv(blas.NoTrans, n, k, 1, b, ldb, a, inc, beta, c, 1)
		return
	}
	impl.Dgemv(blas.Trans, k, n, 1, b, ldb, a, inc, beta, c, 1) // c = Bᵀ a with B stored k×n
}

func (gonum64) kernelName() string { return "gonum64" }
