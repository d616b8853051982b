package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Operator is a symmetric linear operator on R^Dim given by its action.
// MatVec writes A v into dst; dst and v have length Dim and do not alias.
type Operator interface {
	Dim() int
	MatVec(dst, v []float64)
}

// QuadOperator is an Operator that can also evaluate the quadratic form
// zᵀAz without forming Az, more cheaply than a matvec and a dot product
// (for data in a plane: one pass over z instead of three). The estimators
// use it wherever they only need zᵀAz; it counts as one matvec.
type QuadOperator interface {
	Operator
	// Quad returns zᵀAz; scratch has length Dim and may be overwritten.
	Quad(z, scratch []float64) float64
}

// BlockOperator is an Operator that applies itself, or its quadratic form,
// to several vectors at once faster than one at a time (for data off a known
// plane: two blocked matrix products instead of a pass over the points per
// vector). Blocks are row-major: vector r at vs[r·Dim:(r+1)·Dim]. Each
// vector counts as one matvec.
type BlockOperator interface {
	Operator
	// MatVecs writes A v_r into dst (same layout as vs; no aliasing).
	MatVecs(dst, vs []float64)
	// Quads writes v_rᵀ A v_r into out[r] for len(out) vectors; scratch has length Dim.
	Quads(out, vs, scratch []float64)
}

// matVecs applies op to the block vs, through its MatVecs when it has one.
func matVecs(op Operator, dst, vs []float64) {
	if b, ok := op.(BlockOperator); ok {
		b.MatVecs(dst, vs)
		return
	}
	d := op.Dim()
	for r := 0; r < len(vs)/d; r++ {
		op.MatVec(dst[r*d:(r+1)*d], vs[r*d:(r+1)*d])
	}
}

// quads writes the quadratic forms of op at the block vs into out, through
// its Quads when it has one (scratch: length Dim).
func quads(op Operator, out, vs, scratch []float64) {
	if b, ok := op.(BlockOperator); ok {
		b.Quads(out, vs, scratch)
		return
	}
	d := op.Dim()
	for r := range out {
		out[r] = quad(op, vs[r*d:(r+1)*d], scratch)
	}
}

// quad returns zᵀAz, through op's Quad when it has one (scratch: length Dim).
func quad(op Operator, z, scratch []float64) float64 {
	if q, ok := op.(QuadOperator); ok {
		return q.Quad(z, scratch)
	}
	op.MatVec(scratch, z)
	return dot(z, scratch)
}

// FisherOp is the diffusion Fisher F at a posterior, as an Operator.
type FisherOp struct{ P *Posterior }

// Dim implements Operator.
func (o FisherOp) Dim() int { return o.P.mix.Dim() }

// MatVec implements Operator.
func (o FisherOp) MatVec(dst, v []float64) { o.P.FisherMatVec(dst, v) }

// MatVecs implements BlockOperator.
func (o FisherOp) MatVecs(dst, vs []float64) {
	p := o.P
	if p.fishVal {
		for r := 0; r < len(vs)/2; r++ {
			p.FisherMatVec(dst[2*r:2*r+2], vs[2*r:2*r+2])
		}
		return
	}
	p.CovMatVecs(dst, vs)
	inv, sc := 1/(p.C.Sigma*p.C.Sigma), p.FisherScale()
	for i, v := range vs {
		dst[i] = v*inv - sc*dst[i]
	}
}

// Quads implements BlockOperator.
func (o FisherOp) Quads(out, vs, scratch []float64) {
	p := o.P
	if p.fishVal {
		for r := range out {
			out[r] = o.Quad(vs[2*r:2*r+2], scratch)
		}
		return
	}
	p.covQuads(out, vs, scratch, 1/(p.C.Sigma*p.C.Sigma), -p.FisherScale())
}

// Quad implements QuadOperator.
func (o FisherOp) Quad(z, scratch []float64) float64 {
	p := o.P
	if p.fishVal { // D = 2: F was formed with the posterior
		z0, z1 := z[0], z[1]
		return p.fish[0]*z0*z0 + 2*p.fish[1]*z0*z1 + p.fish[2]*z1*z1
	}
	return p.quadForm(z, scratch, 1/(p.C.Sigma*p.C.Sigma), -p.FisherScale())
}

// CovOp is the posterior covariance C at a posterior, as an Operator: the part
// of F = I/σ² − (α²/σ⁴) C worth estimating (math-spec §6.3).
type CovOp struct{ P *Posterior }

// Dim implements Operator.
func (o CovOp) Dim() int { return o.P.mix.Dim() }

// MatVec implements Operator.
func (o CovOp) MatVec(dst, v []float64) { o.P.CovMatVec(dst, v) }

// Quad implements QuadOperator.
func (o CovOp) Quad(z, scratch []float64) float64 { return o.P.quadForm(z, scratch, 0, 1) }

// MatVecs implements BlockOperator.
func (o CovOp) MatVecs(dst, vs []float64) { o.P.CovMatVecs(dst, vs) }

// Quads implements BlockOperator.
func (o CovOp) Quads(out, vs, scratch []float64) { o.P.covQuads(out, vs, scratch, 0, 1) }

// DenseOp wraps a symmetric matrix as an Operator.
type DenseOp struct{ A *mat.SymDense }

// Dim implements Operator.
func (o DenseOp) Dim() int { return o.A.SymmetricDim() }

// MatVec implements Operator.
func (o DenseOp) MatVec(dst, v []float64) {
	mat.NewVecDense(len(dst), dst).MulVec(o.A, mat.NewVecDense(len(v), v))
}

// Probe is a distribution of probe vectors z with E[z zᵀ] = I.
type Probe int

// The probe distributions.
const (
	Rademacher Probe = iota // independent ±1 entries
	Gaussian                // independent N(0, 1) entries
	Sphere                  // uniform on the sphere of radius √d
)

var probeNames = []string{"rademacher", "gaussian", "sphere"}

// String returns the probe distribution's name.
func (p Probe) String() string {
	if p < 0 || int(p) >= len(probeNames) {
		return fmt.Sprintf("Probe(%d)", int(p))
	}
	return probeNames[p]
}

// ParseProbe returns the probe distribution with the given name.
func ParseProbe(name string) (Probe, error) {
	for i, n := range probeNames {
		if strings.EqualFold(strings.TrimSpace(name), n) {
			return Probe(i), nil
		}
	}
	return 0, fmt.Errorf("unknown probe distribution %q (allowed: %s)", name, strings.Join(probeNames, ", "))
}

// signNibbles[b] holds the four Rademacher values of the bits of b (bit 0
// first): +1 for a 1, −1 for a 0. A constant table.
var signNibbles = func() (t [16][4]float64) {
	for b := range t {
		for j := range t[b] {
			t[b][j] = float64(2*((b>>j)&1) - 1)
		}
	}
	return t
}()

// Fill writes one probe vector drawn from r into dst.
func (p Probe) Fill(dst []float64, r *rand.Rand) {
	switch p {
	case Rademacher:
		// One draw gives 64 signs, bit 1 → +1 and bit 0 → −1, four at a time.
		i := 0
		if haveAVX512 {
			for ; i+64 <= len(dst); i += 64 {
				signsAVX512(&dst[i], r.Uint64(), 64)
			}
		}
		for ; i+64 <= len(dst); i += 64 {
			bits := r.Uint64()
			for j := i; j < i+64; j += 4 {
				d, s := dst[j:j+4:j+4], &signNibbles[bits&15]
				d[0], d[1], d[2], d[3] = s[0], s[1], s[2], s[3]
				bits >>= 4
			}
		}
		if i < len(dst) {
			bits := r.Uint64()
			for j := range dst[i:] {
				dst[i+j] = signNibbles[(bits>>j)&1][0]
			}
		}
	case Gaussian:
		for i := range dst {
			dst[i] = r.NormFloat64()
		}
	case Sphere:
		for {
			n := 0.0
			for i := range dst {
				dst[i] = r.NormFloat64()
				n += dst[i] * dst[i]
			}
			if n > 0 {
				s := math.Sqrt(float64(len(dst)) / n)
				for i := range dst {
					dst[i] *= s
				}
				return
			}
		}
	default:
		panic("model: unknown probe distribution")
	}
}

// Estimate is the result of a trace estimator.
type Estimate struct {
	Value   float64 // the estimate of tr A
	MatVecs int     // operator applications spent
	QRs     int     // orthonormalisations (QR factorisations) performed
	ErrEst  float64 // the estimator's own error estimate (XTrace), else 0
}

// TraceExact returns tr A = Σ e_iᵀ A e_i with Dim matvecs.
func TraceExact(op Operator, w *TraceWork) Estimate {
	d := op.Dim()
	e, ae := w.vec(0, d), w.vec(1, d)
	clear(e)
	s := 0.0
	for i := 0; i < d; i++ {
		e[i] = 1
		op.MatVec(ae, e)
		s += ae[i]
		e[i] = 0
	}
	return Estimate{Value: s, MatVecs: d}
}

// Hutchinson returns (1/m) Σ z_jᵀ A z_j over m probes from dist (math-spec §6.3).
// It panics if m < 1.
func Hutchinson(op Operator, m int, dist Probe, r *rand.Rand, w *TraceWork) Estimate {
	if m < 1 {
		panic("model: Hutchinson needs m ≥ 1")
	}
	d := op.Dim()
	zs, az, qs := w.matrix(m*d), w.vec(1, d), w.vec(3, m)
	for j := 0; j < m; j++ {
		dist.Fill(zs[j*d:(j+1)*d], r)
	}
	quads(op, qs, zs, az)
	s := 0.0
	for _, q := range qs {
		s += q
	}
	return Estimate{Value: s / float64(m), MatVecs: m}
}
