package model

import (
	"gonum.org/v1/gonum/mat"
)

// HutchinsonVariance returns the exact variance of the m-probe Hutchinson
// estimate of tr A for the symmetric A (math-spec §6.3):
//
//	Gaussian:   (2/m) ‖A‖_F²
//	Rademacher: (2/m) (‖A‖_F² − Σ A_ii²)
//	Sphere:     (2/m) · d/(d+2) · (‖A‖_F² − (tr A)²/d)
func HutchinsonVariance(a mat.Symmetric, m int, dist Probe) float64 {
	d := a.SymmetricDim()
	fro, diag, tr := 0.0, 0.0, 0.0
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			v := a.At(i, j)
			fro += v * v
		}
		v := a.At(i, i)
		diag += v * v
		tr += v
	}
	switch dist {
	case Gaussian:
		return 2 * fro / float64(m)
	case Rademacher:
		return 2 * (fro - diag) / float64(m)
	case Sphere:
		fd := float64(d)
		return 2 / float64(m) * fd / (fd + 2) * (fro - tr*tr/fd)
	}
	panic("model: unknown probe distribution")
}

// HutchPPConditionalVariance returns the variance of HutchPPWithSketch given
// the sketch, over its g residual probes: the Hutchinson variance of
// P A P with P = I − QQᵀ (math-spec §6.4–6.5).
func HutchPPConditionalVariance(a mat.Symmetric, s *Sketch, g int, dist Probe) float64 {
	d := a.SymmetricDim()
	p := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		p.Set(i, i, 1)
	}
	for c := 0; c < s.rank; c++ {
		q := s.Basis(c)
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				p.Set(i, j, p.At(i, j)-q[i]*q[j])
			}
		}
	}
	var pa, pap mat.Dense
	pa.Mul(p, a)
	pap.Mul(&pa, p)
	sym := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			sym.SetSym(i, j, 0.5*(pap.At(i, j)+pap.At(j, i)))
		}
	}
	return HutchinsonVariance(sym, g, dist)
}
