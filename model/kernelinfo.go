package model

// Kernel names the posterior computation a mixture runs on this CPU and its
// arithmetic per particle·point, counted from the kernel's instructions (an
// FMA is 2 flops, the exp's polynomial and range reduction included, max,
// compares and stores not). It is what `fisherscope bench` divides by.
type Kernel struct {
	Name  string  // e.g. "2-D AVX-512", "blocked O(N·D) AVX-512"
	Flops float64 // per particle·point (0: not counted for this path)
}

// Flop counts of the vectorised kernels per particle·point (see kernel2_amd64.s,
// gemm_amd64.s): the 2-D passes are distances 8, exp 34 and its sums 5,
// centred 2×2 covariance 11; the blocked path adds two products of 2D flops
// each to bias 3, exp 34, sums 3 and the weights' normalisation 1.
const (
	flops2D       = 8 + 34 + 5 + 11
	flopsFullBase = 3 + 34 + 3 + 1
)

// KernelOf returns the kernel m's posterior takes here.
func KernelOf(m Mixture) Kernel {
	isa := "scalar"
	switch {
	case haveAVX512:
		isa = "AVX-512"
	case haveAVX2:
		isa = "AVX2"
	}
	dm, ok := m.(*Dirac)
	switch {
	case !ok:
		return Kernel{Name: "Gaussian mixture, scalar"}
	case dm.soa != nil && haveAVX2 && dm.plane != nil:
		return Kernel{Name: "plane " + isa, Flops: flops2D}
	case dm.soa != nil && haveAVX2:
		return Kernel{Name: "2-D " + isa, Flops: flops2D}
	case dm.full != nil:
		return Kernel{Name: "blocked O(N·D) " + isa, Flops: 4*float64(dm.d) + flopsFullBase}
	}
	return Kernel{Name: "scalar O(N·D)"}
}
