package model

import (
	"fmt"
	"math"
	"math/rand/v2"
)

func sqrt(x float64) float64 { return math.Sqrt(x) }

// Sketch is an orthonormal basis Q (d × rank) of range(A S) for a random
// sketch S: the deflation part of Hutch++. A sketch may be kept and reused for
// several steps (the GenHutch++ QR refresh interval, math-spec §6.5): the
// estimate stays unbiased for any Q independent of the residual probes; a
// stale Q only raises the variance. Not safe for concurrent use.
type Sketch struct {
	d, rank int
	q       []float64 // rank columns of length d, one after another
}

// Rank returns the number of orthonormal columns of Q.
func (s *Sketch) Rank() int { return s.rank }

// Basis returns column c of Q (a view).
func (s *Sketch) Basis(c int) []float64 { return s.q[c*s.d : (c+1)*s.d] }

// Refresh recomputes Q = orth(A S) for k sketch probes from dist, reusing the
// sketch's storage. It returns the matvecs spent (k). It panics if k < 1.
func (s *Sketch) Refresh(op Operator, k int, dist Probe, r *rand.Rand, w *TraceWork) int {
	if k < 1 {
		panic("model: sketch size k must be ≥ 1")
	}
	d := op.Dim()
	if cap(s.q) < k*d {
		s.q = make([]float64, k*d)
	}
	s.d, s.q = d, s.q[:k*d]
	zs := w.matrix(k * d)
	for c := 0; c < k; c++ {
		dist.Fill(zs[c*d:(c+1)*d], r)
	}
	matVecs(op, s.q, zs)
	s.rank = orthonormalize(s.q, d, k)
	return k
}

// HutchPPWithSketch returns tr(QᵀAQ) + (1/g) Σ_j z'_jᵀ A z'_j with
// z'_j = (I − QQᵀ) z_j for g fresh residual probes (math-spec §6.4–6.5); it
// spends rank + g matvecs. It panics if g < 1 or the sketch has another dimension.
func HutchPPWithSketch(op Operator, s *Sketch, g int, dist Probe, r *rand.Rand, w *TraceWork) Estimate {
	d := op.Dim()
	if g < 1 || s.d != d {
		panic("model: HutchPPWithSketch needs g ≥ 1 and a sketch of the operator's dimension")
	}
	az, qs := w.vec(1, d), w.vec(3, max(s.rank, g))
	top := 0.0
	quads(op, qs[:s.rank], s.q[:s.rank*d], az)
	for _, q := range qs[:s.rank] {
		top += q
	}
	zs, coef := w.matrix(g*d), w.vec(2, s.rank)
	for j := 0; j < g; j++ {
		z := zs[j*d : (j+1)*d]
		dist.Fill(z, r)
		projectOut(z, s.q, d, s.rank, coef)
	}
	quads(op, qs[:g], zs, az)
	res := 0.0
	for _, q := range qs[:g] {
		res += q
	}
	return Estimate{Value: top + res/float64(g), MatVecs: s.rank + g}
}

// HutchPP is Hutch++ with the split of Meyer et al.: ⌈m/3⌉ sketch probes,
// ⌊m/3⌋ residual probes, a fresh sketch (2⌈m/3⌉ + ⌊m/3⌋ matvecs at most).
// It fails if m < 3.
func HutchPP(op Operator, m int, dist Probe, r *rand.Rand, s *Sketch, w *TraceWork) (Estimate, error) {
	if m < 3 {
		return Estimate{}, fmt.Errorf("hutch++: probes m=%d < 3", m)
	}
	mv := s.Refresh(op, (m+2)/3, dist, r, w)
	e := HutchPPWithSketch(op, s, m/3, dist, r, w)
	e.MatVecs += mv
	e.QRs = 1
	return e, nil
}

// GenHutchPP is the single-query form of the GenHutch++ code
// (divergence_hutchplusplus_m, math-spec §6.5): S and G are d × m, Q = orth(A S),
// estimate tr(QᵀAQ) + (1/m) tr(G'ᵀAG'); at most 3m matvecs. It panics if m < 1.
func GenHutchPP(op Operator, m int, dist Probe, r *rand.Rand, s *Sketch, w *TraceWork) Estimate {
	mv := s.Refresh(op, m, dist, r, w)
	e := HutchPPWithSketch(op, s, m, dist, r, w)
	e.MatVecs += mv
	e.QRs = 1
	return e
}
