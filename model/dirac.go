package model

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Dirac is a weighted Dirac mixture q_0 = Σ_i π_i δ(y_i) on R^D
// (math-spec §2.1, the paper's "Dirac setting"). When the points lie exactly
// in a known 2-D plane (see Embed), the posterior is computed in plane
// coordinates: the off-plane part of ‖x − α y_i‖² is the same for every i and
// cancels in the softmax, so the cost per point does not grow with D.
type Dirac struct {
	d, n  int
	y     []float64 // n×d row-major
	logPi []float64
	plane *plane
	soa   *soa2     // 2-D (or plane) coordinates for the vectorised kernel
	full  *fullPath // packed points for the blocked kernel (D ≥ fullMinDim, not in a plane)
}

// plane describes data y_i = E z_i with E (d×2, orthonormal columns).
type plane struct {
	e      []float64 // d×2 row-major
	e0, e1 []float64 // the columns of E, contiguous
	z      []float64 // n×2 row-major
}

// newPlane returns the plane of the orthonormal columns e (d×2 row-major)
// holding the points with plane coordinates z.
func newPlane(e, z []float64) *plane {
	d := len(e) / 2
	pl := &plane{e: e, z: z, e0: make([]float64, d), e1: make([]float64, d)}
	for j := 0; j < d; j++ {
		pl.e0[j], pl.e1[j] = e[2*j], e[2*j+1]
	}
	return pl
}

// apply writes a·v + s·C v into dst for the plane covariance C = E C_z Eᵀ
// with C_z = [c00 c01; c01 c11]: one pass for Eᵀv, one for the sum.
func (pl *plane) apply(dst, v []float64, a, s, c00, c01, c11 float64) {
	v0, v1 := dot2(pl.e0, pl.e1, v)
	u0 := s * (c00*v0 + c01*v1)
	u1 := s * (c01*v0 + c11*v1)
	comb3(dst, v, pl.e0, pl.e1, a, u0, u1)
}

// NewDirac returns the Dirac mixture of the n = len(points)/d points stored
// row-major in points, with weights proportional to weights (uniform when nil).
// It fails for d < 1, no points, a length that is not a multiple of d,
// non-finite coordinates, or weights that are negative, non-finite or sum to 0.
func NewDirac(points []float64, d int, weights []float64) (*Dirac, error) {
	if d < 1 {
		return nil, fmt.Errorf("dirac: dimension %d < 1", d)
	}
	if len(points) == 0 {
		return nil, errors.New("dirac: no data points")
	}
	if len(points)%d != 0 {
		return nil, fmt.Errorf("dirac: %d coordinates is not a multiple of dimension %d", len(points), d)
	}
	for i, v := range points {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("dirac: point %d coordinate %d is %g (must be finite)", i/d, i%d, v)
		}
	}
	n := len(points) / d
	logPi, err := logWeights(weights, n)
	if err != nil {
		return nil, fmt.Errorf("dirac: %w", err)
	}
	m := &Dirac{d: d, n: n, y: append([]float64(nil), points...), logPi: logPi}
	m.pack()
	return m, nil
}

// pack builds the copies of the points that the fast kernels read: the 2-D
// structure of arrays, or the packed panels of the blocked full path.
func (m *Dirac) pack() {
	switch {
	case m.plane != nil:
		m.soa = newSOA2(m.plane.z, m.logPi)
	case m.d == 2:
		m.soa = newSOA2(m.y, m.logPi)
	case BlockedKernel(m.d, false):
		m.full = newFullPath(m.y, m.d, m.logPi)
	}
}

// logWeights normalises weights (nil: uniform over n) and returns their logs.
func logWeights(weights []float64, n int) ([]float64, error) {
	lp := make([]float64, n)
	if weights == nil {
		for i := range lp {
			lp[i] = -math.Log(float64(n))
		}
		return lp, nil
	}
	if len(weights) != n {
		return nil, fmt.Errorf("%d weights for %d components", len(weights), n)
	}
	sum := 0.0
	for i, w := range weights {
		if !(w >= 0) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("weight %d is %g (must be finite and ≥ 0)", i, w)
		}
		sum += w
	}
	if !(sum > 0) || math.IsInf(sum, 0) {
		return nil, fmt.Errorf("weights sum to %g (must be positive and finite)", sum)
	}
	for i, w := range weights {
		lp[i] = math.Log(w / sum)
	}
	return lp, nil
}

// Dim implements Mixture.
func (m *Dirac) Dim() int { return m.d }

// Len implements Mixture.
func (m *Dirac) Len() int { return m.n }

// Point returns data point i (a view; do not modify). It panics if i is out of range.
func (m *Dirac) Point(i int) []float64 { return m.y[i*m.d : (i+1)*m.d : (i+1)*m.d] }

// Points returns all points, row-major n×d (a view; do not modify).
func (m *Dirac) Points() []float64 { return m.y }

// LogWeight returns log π_i.
func (m *Dirac) LogWeight(i int) float64 { return m.logPi[i] }

// InPlane reports whether the points are known to lie in a 2-D plane, in
// which case the posterior costs O(N) per point whatever D is.
func (m *Dirac) InPlane() bool { return m.plane != nil }

func (m *Dirac) auxLen() int { return 5 } // plane: z̄ (2), C_z (c00, c01, c11)

// Posterior implements Mixture (math-spec §2.1): log-sum-exp weights,
// denoiser ȳ = Σ w_i y_i, tr C = Σ w_i ‖y_i − ȳ‖² (centred form) and
// log q_t(x) = LSE_i ℓ_i − (D/2) log(2πσ²).
func (m *Dirac) Posterior(p *Posterior, x []float64, c Coeffs) {
	checkEval(m, p, x, c)
	p.C = c
	if m.plane != nil {
		m.planePosterior(p, x, c)
		return
	}
	if m.full != nil {
		if p.tile == nil { // a Tile's posterior evaluated on its own
			p.tile = m.full.newTileWork(1)
		}
		m.full.eval(p.tile, x, c)
		m.full.finish(p.tile, 0, p, x, m.y, c)
		return
	}
	var logZ, trC float64
	if m.soa != nil && haveAVX2 {
		var cov [3]float64
		logZ, cov = m.soa.kernel(p.W, p.Mean, x[0], x[1], c.Alpha, c.Sigma)
		trC = p.setCov2(cov)
		inv, sc := 1/(c.Sigma*c.Sigma), p.FisherScale()
		p.fish = [3]float64{inv - sc*cov[0], -sc * cov[1], inv - sc*cov[2]}
		p.fishVal = true
	} else {
		logZ, trC = diracKernel(p.W, p.Mean, m.y, m.d, m.logPi, x, c.Alpha, c.Sigma)
		p.auxVal = false
	}
	p.TrCov = trC
	p.SecondMoment = trC + dot(p.Mean, p.Mean)
	p.LogDensity = logZ - 0.5*float64(m.d)*math.Log(2*math.Pi*c.Sigma*c.Sigma)
}

// planePosterior evaluates the posterior in plane coordinates.
func (m *Dirac) planePosterior(p *Posterior, x []float64, c Coeffs) {
	e := m.plane.e
	var xp [2]float64
	var r2 float64
	xp[0], xp[1], r2 = PlaneProject(e, x)
	zbar := p.aux[0:2]
	var logZ, trC float64
	if m.soa != nil && haveAVX2 {
		var cov [3]float64
		logZ, cov = m.soa.kernel(p.W, zbar, xp[0], xp[1], c.Alpha, c.Sigma)
		trC = p.setCov2(cov)
	} else {
		logZ, trC = diracKernel(p.W, zbar, m.plane.z, 2, m.logPi, xp[:], c.Alpha, c.Sigma)
		p.auxVal = false // the 2×2 covariance is computed on first use
	}
	for j := 0; j < m.d; j++ {
		p.Mean[j] = e[2*j]*zbar[0] + e[2*j+1]*zbar[1]
	}
	p.TrCov = trC
	p.SecondMoment = trC + zbar[0]*zbar[0] + zbar[1]*zbar[1]
	s2 := c.Sigma * c.Sigma
	p.LogDensity = logZ - r2/(2*s2) - 0.5*float64(m.d)*math.Log(2*math.Pi*s2)
}

// planeCov returns the centred 2×2 covariance entries c00, c01, c11.
func planeCov(w, z, zbar []float64) (c00, c01, c11 float64) {
	for i, wi := range w {
		if wi == 0 {
			continue
		}
		a, b := z[2*i]-zbar[0], z[2*i+1]-zbar[1]
		c00 += wi * a * a
		c01 += wi * a * b
		c11 += wi * b * b
	}
	return c00, c01, c11
}

// setCov2 stores the 2×2 (plane) covariance c00, c01, c11 computed with the
// weights in p.aux[2:5] and returns its trace.
func (p *Posterior) setCov2(cov [3]float64) float64 {
	p.aux[2], p.aux[3], p.aux[4] = cov[0], cov[1], cov[2]
	p.auxVal = true
	return cov[0] + cov[2]
}

// planeCovariance fills p.aux[2:5] with the centred 2×2 covariance once per evaluation.
func (m *Dirac) planeCovariance(p *Posterior) {
	if !p.auxVal {
		p.aux[2], p.aux[3], p.aux[4] = planeCov(p.W, m.plane.z, p.aux[0:2])
		p.auxVal = true
	}
}

func (m *Dirac) covMatVec(p *Posterior, dst, v []float64) {
	if m.plane != nil {
		m.planeCovariance(p)
		m.plane.apply(dst, v, 0, 1, p.aux[2], p.aux[3], p.aux[4])
		return
	}
	if m.full != nil {
		m.full.covMatVec(p, dst, v)
		return
	}
	d := m.d
	clear(dst)
	mv := dot(p.Mean, v)
	for i, wi := range p.W {
		if wi == 0 {
			continue
		}
		yi := m.y[i*d : (i+1)*d]
		s := wi * (dot(yi, v) - mv)
		for j := range dst {
			dst[j] += s * (yi[j] - p.Mean[j])
		}
	}
}

func (m *Dirac) covTo(p *Posterior, dst *mat.SymDense) {
	d := m.d
	if m.plane != nil {
		m.planeCovariance(p)
		e0, e1 := m.plane.e0, m.plane.e1
		c00, c01, c11 := p.aux[2], p.aux[3], p.aux[4]
		raw := dst.RawSymmetric()
		for i := 0; i < d; i++ {
			// Row i of E·C_z, then its products with the rows of E.
			u0, u1 := e0[i]*c00+e1[i]*c01, e0[i]*c01+e1[i]*c11
			row := raw.Data[i*raw.Stride : i*raw.Stride+d]
			for j := i; j < d; j++ {
				row[j] = u0*e0[j] + u1*e1[j]
			}
		}
		return
	}
	if d == 2 {
		if !p.auxVal {
			p.aux[2], p.aux[3], p.aux[4] = planeCov(p.W, m.y, p.Mean)
			p.auxVal = true
		}
		c00, c01, c11 := p.aux[2], p.aux[3], p.aux[4]
		dst.SetSym(0, 0, c00)
		dst.SetSym(0, 1, c01)
		dst.SetSym(1, 1, c11)
		return
	}
	raw := dst.RawSymmetric()
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			raw.Data[i*raw.Stride+j] = 0
		}
	}
	u := p.scratch[:d]
	for k, wk := range p.W {
		if wk == 0 {
			continue
		}
		for j := range u {
			u[j] = m.y[k*d+j] - p.Mean[j]
		}
		for i := 0; i < d; i++ {
			s := wk * u[i]
			row := raw.Data[i*raw.Stride : i*raw.Stride+d]
			for j := i; j < d; j++ {
				row[j] += s * u[j]
			}
		}
	}
}
