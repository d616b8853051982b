package model

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// MaxDim is the largest ambient dimension accepted by NewEmbedding.
const MaxDim = 4096

// Embedding is a seeded isometric map of the data plane R² into R^D:
// x = E z with E (D×2) having orthonormal columns. For D = 2, E = I.
// Immutable; safe for concurrent use.
type Embedding struct {
	d int
	e []float64 // d×2 row-major
}

// NewEmbedding returns the embedding into R^d drawn from seed (QR of a
// Gaussian d×2 matrix). It fails unless 2 ≤ d ≤ MaxDim.
func NewEmbedding(d int, seed uint64) (*Embedding, error) {
	if d < 2 || d > MaxDim {
		return nil, fmt.Errorf("dimension %d outside [2, %d]", d, MaxDim)
	}
	em := &Embedding{d: d, e: make([]float64, 2*d)}
	if d == 2 {
		em.e[0], em.e[3] = 1, 1
		return em, nil
	}
	r := rand.New(rand.NewPCG(seed, 0xe3bed))
	g := mat.NewDense(d, 2, nil)
	for i := 0; i < d; i++ {
		g.Set(i, 0, r.NormFloat64())
		g.Set(i, 1, r.NormFloat64())
	}
	var qr mat.QR
	qr.Factorize(g)
	var q mat.Dense
	qr.QTo(&q)
	for i := 0; i < d; i++ {
		em.e[2*i], em.e[2*i+1] = q.At(i, 0), q.At(i, 1)
	}
	return em, nil
}

// Dim is the ambient dimension D.
func (em *Embedding) Dim() int { return em.d }

// Lift writes E z into dst (length D); z has length 2.
func (em *Embedding) Lift(dst, z []float64) {
	if len(dst) != em.d || len(z) != 2 {
		panic("model: Lift length mismatch")
	}
	for j := range dst {
		dst[j] = em.e[2*j]*z[0] + em.e[2*j+1]*z[1]
	}
}

// Project writes the plane coordinates Eᵀx into dst (length 2); x has length D.
// This is the orthogonal projection used to display D-dimensional states.
func (em *Embedding) Project(dst, x []float64) {
	if len(dst) != 2 || len(x) != em.d {
		panic("model: Project length mismatch")
	}
	dst[0], dst[1] = 0, 0
	for j, v := range x {
		dst[0] += em.e[2*j] * v
		dst[1] += em.e[2*j+1] * v
	}
}

// Apply embeds a 2-D mixture into R^D. With noise = 0 the result lies in the
// plane: a *Dirac that knows its plane (O(N) posterior whatever D), or a *GMM
// with covariances EΣEᵀ. With noise > 0 every Dirac point is perturbed by an
// isotropic N(0, noise² I_D) draw from seed (a GMM gets noise² I added to each
// covariance), so that the posterior covariance has full rank with a decaying
// spectrum. It fails for a mixture that is not 2-D or a negative or
// non-finite noise.
func (em *Embedding) Apply(m Mixture, noise float64, seed uint64) (Mixture, error) {
	if m.Dim() != 2 {
		return nil, fmt.Errorf("embed: mixture has dimension %d, want 2", m.Dim())
	}
	if !(noise >= 0) || math.IsInf(noise, 0) {
		return nil, fmt.Errorf("ambient noise %g (must be finite and ≥ 0)", noise)
	}
	switch m := m.(type) {
	case *Dirac:
		return em.applyDirac(m, noise, seed)
	case *GMM:
		return em.applyGMM(m, noise)
	}
	return nil, errors.New("embed: unsupported mixture type")
}

func (em *Embedding) applyDirac(m *Dirac, noise float64, seed uint64) (Mixture, error) {
	if em.d == 2 && noise == 0 {
		return m, nil
	}
	y := make([]float64, m.n*em.d)
	r := rand.New(rand.NewPCG(seed, 0xa3b1e7))
	for i := 0; i < m.n; i++ {
		em.Lift(y[i*em.d:(i+1)*em.d], m.y[2*i:2*i+2])
		if noise > 0 {
			for j := i * em.d; j < (i+1)*em.d; j++ {
				y[j] += noise * r.NormFloat64()
			}
		}
	}
	out := &Dirac{d: em.d, n: m.n, y: y, logPi: append([]float64(nil), m.logPi...)}
	if noise == 0 {
		out.plane = newPlane(em.e, append([]float64(nil), m.y...))
	}
	out.pack() // noisy 2-D points still take the vectorised 2-D kernel
	return out, nil
}

func (em *Embedding) applyGMM(g *GMM, noise float64) (Mixture, error) {
	d := em.d
	means := make([]float64, g.k*d)
	covs := make([]float64, g.k*d*d)
	weights := make([]float64, g.k)
	for c := 0; c < g.k; c++ {
		em.Lift(means[c*d:(c+1)*d], g.Mean(c))
		s := g.Cov(c)
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				v := 0.0
				for a := 0; a < 2; a++ {
					for b := 0; b < 2; b++ {
						v += em.e[2*i+a] * s[2*a+b] * em.e[2*j+b]
					}
				}
				if i == j {
					v += noise * noise
				}
				covs[c*d*d+i*d+j] = v
			}
		}
		weights[c] = math.Exp(g.logPi[c])
	}
	// Symmetrise exactly: the products above can differ in the last bit.
	for c := 0; c < g.k; c++ {
		for i := 0; i < d; i++ {
			for j := 0; j < i; j++ {
				covs[c*d*d+i*d+j] = covs[c*d*d+j*d+i]
			}
		}
	}
	return NewGMM(means, covs, d, weights)
}

// PlaneProject returns the plane coordinates z = Eᵀx of x (length D) for the
// orthonormal columns e (D×2 row-major) and the squared distance of x from
// the plane, ‖x − E z‖².
func PlaneProject(e, x []float64) (z0, z1, r2 float64) {
	for j, v := range x {
		z0 += e[2*j] * v
		z1 += e[2*j+1] * v
	}
	for j, v := range x {
		r := v - e[2*j]*z0 - e[2*j+1]*z1
		r2 += r * r
	}
	return z0, z1, r2
}
