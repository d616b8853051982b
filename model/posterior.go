package model

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Mixture is a data distribution q_0 on R^Dim whose noised marginal
// q_t = q_0 ∗ N(0, σ²) (scaled by α) is known in closed form: a Dirac mixture
// (*Dirac) or a Gaussian mixture (*GMM). Mixtures are immutable and safe for
// concurrent use; the Posterior values they fill are not.
type Mixture interface {
	// Dim is the ambient dimension D.
	Dim() int
	// Len is the number of mixture components (data points for a Dirac mixture).
	Len() int
	// Posterior evaluates the posterior of x_0 given x_t = x at the
	// coefficients c into p, which must have been made by NewPosterior for
	// this mixture. It panics if len(x) ≠ Dim, if p belongs to another
	// mixture, or if σ is not finite and positive.
	Posterior(p *Posterior, x []float64, c Coeffs)

	covMatVec(p *Posterior, dst, v []float64)
	covTo(p *Posterior, dst *mat.SymDense)
	auxLen() int
}

// Posterior holds the posterior of x_0 given x_t = x for one point x and one
// time (math-spec §2.1, §2.3). It is a reusable workspace: Mixture.Posterior
// overwrites it without allocating. Not safe for concurrent use.
type Posterior struct {
	C            Coeffs    // coefficients it was evaluated at
	LogDensity   float64   // log q_t(x)
	Mean         []float64 // denoiser D(x,t) = E[x_0 | x_t = x], length Dim
	TrCov        float64   // tr C, C = Cov[x_0 | x_t = x] (centred form)
	SecondMoment float64   // E[‖x_0‖² | x_t = x], the DF-TM target (§7)
	W            []float64 // normalised component weights (softmax of the log-weights)

	mix      Mixture
	aux      []float64 // mixture-specific: plane covariance, or GMM component posteriors
	scratch  []float64
	dense    *mat.SymDense // cached C for small D (nil: not cached)
	denseVal bool          // dense holds C for the current evaluation
	tile     *tileWork     // blocked-kernel workspace for one point (full-path Dirac only)
	blk      *blockBuf     // workspace of block products (shared by a Tile's posteriors)
	fish     [3]float64    // F for D = 2 (f00, f01, f11), valid with fishVal
	fishVal  bool
	nnz      int  // weights that are not zero (−1: not counted yet for this evaluation)
	auxVal   bool // mixture-specific lazily computed part of aux is valid
}

// denseCacheDim is the largest D for which CovMatVec forms C once per
// evaluation (O(N·D²)) and then multiplies in O(D²): cheaper than O(N·D) per
// matvec as soon as an evaluation needs more than D matvecs.
const denseCacheDim = 16

// NewPosterior returns a workspace for m's posterior.
func NewPosterior(m Mixture) *Posterior {
	p := newPosterior(m)
	if dm, ok := m.(*Dirac); ok && dm.full != nil {
		p.tile = dm.full.newTileWork(1)
	}
	return p
}

// newPosterior is NewPosterior without the blocked kernel's one-point
// workspace (a Tile's posteriors share the tile's; Dirac.Posterior makes it
// on first use if one of them is evaluated on its own).
func newPosterior(m Mixture) *Posterior {
	return newPosteriorWith(m, &blockBuf{})
}

// blockBuf is the workspace of products with blocks of vectors: used within
// one call only, so the posteriors of a Tile (run by one goroutine) share it.
// Its parts are made on first use.
type blockBuf struct {
	tw  *tileWork // S = V·Ỹᵀ and the weighted residuals, for up to blockMax vectors
	phi []float64 // Φ's columns and C·Φ (PhiAffine)
}

// newPosteriorWith is newPosterior with the given block workspace.
func newPosteriorWith(m Mixture, blk *blockBuf) *Posterior {
	p := &Posterior{
		blk:     blk,
		nnz:     -1,
		Mean:    make([]float64, m.Dim()),
		W:       make([]float64, m.Len()),
		mix:     m,
		aux:     make([]float64, m.auxLen()),
		scratch: make([]float64, 3*m.Dim()+m.Len()),
	}
	if dm, ok := m.(*Dirac); m.Dim() <= denseCacheDim && !(ok && dm.plane != nil) {
		p.dense = mat.NewSymDense(m.Dim(), nil)
	}
	return p
}

// Mixture returns the mixture p belongs to.
func (p *Posterior) Mixture() Mixture { return p.mix }

// Score writes the score s = ∇ log q_t(x) = (α D − x)/σ² into dst (Tweedie).
// It panics if the lengths differ from Dim.
func (p *Posterior) Score(dst, x []float64) {
	d := p.mix.Dim()
	if len(dst) != d || len(x) != d {
		panic("model: Score length mismatch")
	}
	inv := 1 / (p.C.Sigma * p.C.Sigma)
	for j := range dst {
		dst[j] = (p.C.Alpha*p.Mean[j] - x[j]) * inv
	}
}

// Epsilon writes the noise prediction ε = (x − α D)/σ into dst.
func (p *Posterior) Epsilon(dst, x []float64) {
	for j := range dst {
		dst[j] = (x[j] - p.C.Alpha*p.Mean[j]) / p.C.Sigma
	}
}

// FisherScale returns α²/σ⁴, the factor of C in F = I/σ² − (α²/σ⁴) C.
func (p *Posterior) FisherScale() float64 {
	s2 := p.C.Sigma * p.C.Sigma
	return p.C.Alpha * p.C.Alpha / (s2 * s2)
}

// TraceFisher returns tr F = D/σ² − (α²/σ⁴) tr C (math-spec §2.1, Prop. 5).
func (p *Posterior) TraceFisher() float64 {
	return FisherTraceFromCov(p.mix.Dim(), p.C, p.TrCov)
}

// FisherTraceFromCov returns D/σ² − (α²/σ⁴)·trC: the Fisher trace from the
// trace of the posterior covariance, the identity part added analytically.
func FisherTraceFromCov(d int, c Coeffs, trC float64) float64 {
	s2 := c.Sigma * c.Sigma
	return float64(d)/s2 - c.Alpha*c.Alpha/(s2*s2)*trC
}

// CovMatVec writes C v into dst in O(N·D) (O(D) for data in a known plane)
// without forming C. dst and v must have length Dim and must not alias.
func (p *Posterior) CovMatVec(dst, v []float64) {
	d := p.mix.Dim()
	if len(dst) != d || len(v) != d {
		panic("model: CovMatVec length mismatch")
	}
	if p.dense == nil {
		p.mix.covMatVec(p, dst, v)
		return
	}
	if !p.denseVal {
		p.mix.covTo(p, p.dense)
		p.denseVal = true
	}
	raw := p.dense.RawSymmetric()
	for i := 0; i < d; i++ {
		s := 0.0
		for j := 0; j < d; j++ {
			if j >= i {
				s += raw.Data[i*raw.Stride+j] * v[j]
			} else {
				s += raw.Data[j*raw.Stride+i] * v[j]
			}
		}
		dst[i] = s
	}
}

// FisherMatVec writes F v = v/σ² − (α²/σ⁴) C v into dst without forming F.
// dst and v must have length Dim and must not alias.
func (p *Posterior) FisherMatVec(dst, v []float64) {
	if p.fishVal { // D = 2: F was formed with the posterior
		v0, v1 := v[0], v[1]
		dst[0] = p.fish[0]*v0 + p.fish[1]*v1
		dst[1] = p.fish[1]*v0 + p.fish[2]*v1
		return
	}
	inv, sc := 1/(p.C.Sigma*p.C.Sigma), p.FisherScale()
	if dm, ok := p.mix.(*Dirac); ok && dm.plane != nil {
		if len(dst) != dm.d || len(v) != dm.d {
			panic("model: FisherMatVec length mismatch")
		}
		dm.planeCovariance(p)
		dm.plane.apply(dst, v, inv, -sc, p.aux[2], p.aux[3], p.aux[4])
		return
	}
	p.CovMatVec(dst, v)
	for j := range dst {
		dst[j] = v[j]*inv - sc*dst[j]
	}
}

// CovMatVecs writes C v_r into dst[r·D:(r+1)·D] for the len(vs)/D vectors
// vs (row-major); for data off a known plane with enough points of non-zero
// weight it runs as two blocked matrix products. dst and vs must not alias.
func (p *Posterior) CovMatVecs(dst, vs []float64) {
	d := p.mix.Dim()
	k := len(vs) / d
	if len(vs) != k*d || len(dst) != len(vs) {
		panic("model: CovMatVecs length mismatch")
	}
	if f := p.blocked(); f != nil && k > 1 {
		for r := 0; r < k; r += blockMax {
			q := min(blockMax, k-r)
			f.covMatVecs(p, dst[r*d:(r+q)*d], vs[r*d:(r+q)*d], q)
		}
		return
	}
	for r := 0; r < k; r++ {
		p.CovMatVec(dst[r*d:(r+1)*d], vs[r*d:(r+1)*d])
	}
}

// covQuads writes v_rᵀ(a·I + s·C)v_r into out[r] for the len(out) vectors
// vs (row-major); scratch has length D.
func (p *Posterior) covQuads(out, vs, scratch []float64, a, s float64) {
	d := p.mix.Dim()
	if len(vs) != len(out)*d {
		panic("model: quadratic forms length mismatch")
	}
	if f := p.blocked(); f != nil && len(out) > 1 {
		for r := 0; r < len(out); r += blockMax {
			q := min(blockMax, len(out)-r)
			f.covQuads(p, out[r:r+q], vs[r*d:(r+q)*d])
		}
		for r := range out {
			v := vs[r*d : (r+1)*d]
			out[r] = a*dot(v, v) + s*out[r]
		}
		return
	}
	for r := range out {
		out[r] = p.quadForm(vs[r*d:(r+1)*d], scratch, a, s)
	}
}

// quadForm returns zᵀ(a·I + s·C)z: in one pass for data in a known plane,
// from the 2×2 Fisher for D = 2, else by a covariance matvec (into scratch)
// and a dot product.
func (p *Posterior) quadForm(z, scratch []float64, a, s float64) float64 {
	if dm, ok := p.mix.(*Dirac); ok && dm.plane != nil {
		dm.planeCovariance(p)
		v0, v1, zz := dot3(dm.plane.e0, dm.plane.e1, z)
		c00, c01, c11 := p.aux[2], p.aux[3], p.aux[4]
		return a*zz + s*(c00*v0*v0+2*c01*v0*v1+c11*v1*v1)
	}
	p.CovMatVec(scratch, z)
	return a*dot(z, z) + s*dot(z, scratch)
}

// CovTo writes the posterior covariance C into dst, which must be Dim×Dim.
func (p *Posterior) CovTo(dst *mat.SymDense) {
	if dst.SymmetricDim() != p.mix.Dim() {
		panic("model: CovTo dimension mismatch")
	}
	if p.dense != nil && p.denseVal {
		dst.CopySym(p.dense)
		return
	}
	p.mix.covTo(p, dst)
}

// FisherTo writes the diffusion Fisher F = I/σ² − (α²/σ⁴) C into dst (Dim×Dim).
func (p *Posterior) FisherTo(dst *mat.SymDense) {
	p.CovTo(dst)
	d := p.mix.Dim()
	inv, sc := 1/(p.C.Sigma*p.C.Sigma), p.FisherScale()
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			v := -sc * dst.At(i, j)
			if i == j {
				v += inv
			}
			dst.SetSym(i, j, v)
		}
	}
}

// checkEval panics on programmer misuse of Mixture.Posterior.
func checkEval(m Mixture, p *Posterior, x []float64, c Coeffs) {
	if p.mix != m {
		panic("model: Posterior workspace belongs to another mixture")
	}
	p.denseVal, p.fishVal, p.nnz = false, false, -1
	if len(x) != m.Dim() {
		panic(fmt.Sprintf("model: point has length %d, mixture dimension is %d", len(x), m.Dim()))
	}
	if !(c.Sigma > 0) || math.IsInf(c.Sigma, 0) || math.IsNaN(c.Alpha) || math.IsInf(c.Alpha, 0) {
		panic(fmt.Sprintf("model: posterior needs finite α and σ > 0, got α=%g σ=%g", c.Alpha, c.Sigma))
	}
}

// PosteriorBatchTo evaluates the posterior at the B points xs (B×Dim,
// row-major) and writes the denoiser (B×Dim), tr C (B) and log q_t (B) into the
// destinations that are non-nil. work is a workspace made by NewPosterior(m).
func PosteriorBatchTo(mean, trCov, logDensity []float64, m Mixture, xs []float64, c Coeffs, work *Posterior) {
	d := m.Dim()
	b := len(xs) / d
	if len(xs) != b*d || (mean != nil && len(mean) != len(xs)) || (trCov != nil && len(trCov) != b) || (logDensity != nil && len(logDensity) != b) {
		panic("model: PosteriorBatchTo length mismatch")
	}
	for i := 0; i < b; i++ {
		m.Posterior(work, xs[i*d:(i+1)*d], c)
		if mean != nil {
			copy(mean[i*d:(i+1)*d], work.Mean)
		}
		if trCov != nil {
			trCov[i] = work.TrCov
		}
		if logDensity != nil {
			logDensity[i] = work.LogDensity
		}
	}
}
