package model

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// GMM is a Gaussian mixture q_0 = Σ_k π_k N(μ_k, Σ_k) on R^D with full,
// positive semi-definite covariances (math-spec §2.3). Each Σ_k is
// diagonalised once, Σ_k = U_k Λ_k U_kᵀ, so that at any time
// S_k = α²Σ_k + σ²I is inverted exactly and cheaply: P_k = U_k diag(1/(α²λ+σ²)) U_kᵀ.
type GMM struct {
	d, k  int
	mu    []float64 // k×d
	cov   []float64 // k×d×d
	logPi []float64
	u     []float64 // k×d×d, eigenvectors as columns (row-major)
	lam   []float64 // k×d eigenvalues (≥ 0)
}

// NewGMM returns the Gaussian mixture with means (k×d row-major), covariances
// (k×d×d row-major) and weights proportional to weights (uniform when nil).
// It fails for d < 1, no components, mismatched lengths, non-finite values,
// or a covariance that is not symmetric positive semi-definite.
func NewGMM(means, covs []float64, d int, weights []float64) (*GMM, error) {
	if d < 1 {
		return nil, fmt.Errorf("gmm: dimension %d < 1", d)
	}
	if len(means) == 0 {
		return nil, errors.New("gmm: no components")
	}
	if len(means)%d != 0 {
		return nil, fmt.Errorf("gmm: %d mean coordinates is not a multiple of dimension %d", len(means), d)
	}
	k := len(means) / d
	if len(covs) != k*d*d {
		return nil, fmt.Errorf("gmm: %d covariance entries, want %d (%d components × %d×%d)", len(covs), k*d*d, k, d, d)
	}
	for i, v := range append(append([]float64(nil), means...), covs...) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("gmm: value %d is %g (must be finite)", i, v)
		}
	}
	logPi, err := logWeights(weights, k)
	if err != nil {
		return nil, fmt.Errorf("gmm: %w", err)
	}
	g := &GMM{d: d, k: k, mu: append([]float64(nil), means...), cov: append([]float64(nil), covs...), logPi: logPi,
		u: make([]float64, k*d*d), lam: make([]float64, k*d)}
	for c := 0; c < k; c++ {
		if err := g.diagonalise(c); err != nil {
			return nil, fmt.Errorf("gmm: component %d: %w", c, err)
		}
	}
	return g, nil
}

// diagonalise computes the eigen-decomposition of component c's covariance.
func (g *GMM) diagonalise(c int) error {
	d := g.d
	s := g.cov[c*d*d : (c+1)*d*d]
	scale := 0.0
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			scale = math.Max(scale, math.Abs(s[i*d+j]))
			if math.Abs(s[i*d+j]-s[j*d+i]) > 1e-12*(1+math.Abs(s[i*d+j])) {
				return fmt.Errorf("covariance not symmetric at (%d,%d)", i, j)
			}
		}
	}
	var es mat.EigenSym
	if !es.Factorize(mat.NewSymDense(d, append([]float64(nil), s...)), true) {
		return errors.New("eigen-decomposition of the covariance failed")
	}
	vals := es.Values(nil)
	var vecs mat.Dense
	es.VectorsTo(&vecs)
	for j, l := range vals {
		if l < -1e-10*(1+scale) {
			return fmt.Errorf("covariance not positive semi-definite (eigenvalue %g)", l)
		}
		g.lam[c*d+j] = math.Max(l, 0)
	}
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			g.u[c*d*d+i*d+j] = vecs.At(i, j)
		}
	}
	return nil
}

// Dim implements Mixture.
func (g *GMM) Dim() int { return g.d }

// Len implements Mixture.
func (g *GMM) Len() int { return g.k }

// Mean returns component c's mean (a view; do not modify).
func (g *GMM) Mean(c int) []float64 { return g.mu[c*g.d : (c+1)*g.d] }

// Cov returns component c's covariance, d×d row-major (a view; do not modify).
func (g *GMM) Cov(c int) []float64 { return g.cov[c*g.d*g.d : (c+1)*g.d*g.d] }

// LogWeight returns log π_c.
func (g *GMM) LogWeight(c int) float64 { return g.logPi[c] }

// auxLen: component posterior means m_k (k×d) and tr V_k (k).
func (g *GMM) auxLen() int { return g.k*g.d + g.k }

// Posterior implements Mixture (math-spec §2.3): responsibilities γ_k,
// component posteriors m_k = μ_k + α Σ_k P_k r_k and V_k = σ² Σ_k P_k, the
// denoiser D = Σ γ_k m_k and the centred covariance trace
// tr C = Σ γ_k (tr V_k + ‖m_k − D‖²).
func (g *GMM) Posterior(p *Posterior, x []float64, c Coeffs) {
	checkEval(g, p, x, c)
	p.C = c
	d := g.d
	a2, s2 := c.Alpha*c.Alpha, c.Sigma*c.Sigma
	ms, trV := p.aux[:g.k*d], p.aux[g.k*d:]
	r, u := p.scratch[:d], p.scratch[d:2*d]
	maxL := math.Inf(-1)
	for k := 0; k < g.k; k++ {
		mu, uk, lam := g.mu[k*d:(k+1)*d], g.u[k*d*d:(k+1)*d*d], g.lam[k*d:(k+1)*d]
		for j := range r {
			r[j] = x[j] - c.Alpha*mu[j]
		}
		quad, logdet, tv := 0.0, 0.0, 0.0
		for j := 0; j < d; j++ { // u = Uᵀ r in the eigenbasis
			s := 0.0
			for i := 0; i < d; i++ {
				s += uk[i*d+j] * r[i]
			}
			sj := a2*lam[j] + s2
			quad += s * s / sj
			logdet += math.Log(2 * math.Pi * sj)
			tv += s2 * lam[j] / sj
			u[j] = c.Alpha * lam[j] / sj * s
		}
		m := ms[k*d : (k+1)*d]
		for i := 0; i < d; i++ { // m_k = μ_k + U (α λ/s ⊙ u)
			s := mu[i]
			for j := 0; j < d; j++ {
				s += uk[i*d+j] * u[j]
			}
			m[i] = s
		}
		trV[k] = tv
		l := g.logPi[k] - 0.5*quad - 0.5*logdet
		p.W[k] = l
		maxL = math.Max(maxL, l)
	}
	g.combine(p, maxL)
}

// combine turns the log-responsibilities in p.W into the mixture posterior.
func (g *GMM) combine(p *Posterior, maxL float64) {
	d := g.d
	ms, trV := p.aux[:g.k*d], p.aux[g.k*d:]
	sum := 0.0
	for k, l := range p.W {
		p.W[k] = math.Exp(l - maxL)
		sum += p.W[k]
	}
	clear(p.Mean)
	for k := range p.W {
		p.W[k] /= sum
		for j := range p.Mean {
			p.Mean[j] += p.W[k] * ms[k*d+j]
		}
	}
	trC, second := 0.0, 0.0
	for k, w := range p.W {
		m := ms[k*d : (k+1)*d]
		dm := 0.0
		for j, mj := range m {
			r := mj - p.Mean[j]
			dm += r * r
		}
		trC += w * (trV[k] + dm)
		second += w * (trV[k] + dot(m, m))
	}
	p.TrCov, p.SecondMoment = trC, second
	p.LogDensity = maxL + math.Log(sum)
}

// covMatVec: C v = Σ_k γ_k [V_k v + (m_k − D)((m_k − D)·v)].
func (g *GMM) covMatVec(p *Posterior, dst, v []float64) {
	d := g.d
	a2, s2 := p.C.Alpha*p.C.Alpha, p.C.Sigma*p.C.Sigma
	ms := p.aux[:g.k*d]
	u := p.scratch[:d]
	clear(dst)
	mv := dot(p.Mean, v)
	for k, w := range p.W {
		if w == 0 {
			continue
		}
		uk, lam := g.u[k*d*d:(k+1)*d*d], g.lam[k*d:(k+1)*d]
		for j := 0; j < d; j++ {
			s := 0.0
			for i := 0; i < d; i++ {
				s += uk[i*d+j] * v[i]
			}
			u[j] = s * s2 * lam[j] / (a2*lam[j] + s2)
		}
		m := ms[k*d : (k+1)*d]
		proj := dot(m, v) - mv
		for i := 0; i < d; i++ {
			s := 0.0
			for j := 0; j < d; j++ {
				s += uk[i*d+j] * u[j]
			}
			dst[i] += w * (s + proj*(m[i]-p.Mean[i]))
		}
	}
}

func (g *GMM) covTo(p *Posterior, dst *mat.SymDense) {
	d := g.d
	col, e := p.scratch[d:2*d], p.scratch[2*d:3*d]
	for j := 0; j < d; j++ {
		clear(e)
		e[j] = 1
		g.covMatVec(p, col, e)
		for i := 0; i <= j; i++ {
			dst.SetSym(i, j, col[i])
		}
	}
}
