package learn

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"math"
	"math/rand/v2"

	"fisherscope/model"

	"gonum.org/v1/gonum/mat"
)

// Source draws training samples x_0 ∈ R^Dim from a data distribution.
// Implementations are immutable and safe for concurrent use (all randomness
// comes from the caller's generator).
type Source interface {
	// Dim is the dimension D of the samples.
	Dim() int
	// Draw fills dst (n×Dim row-major, n = len(dst)/Dim) with independent
	// draws using r.
	Draw(dst []float64, r *rand.Rand)
	// Identity is a string that identifies the distribution exactly (it is
	// hashed into CacheKey): equal identities mean equal distributions.
	Identity() string
}

// Training-data kinds accepted by NewSource (Config.TrainData).
const (
	TrainDirac   = "dirac"   // draws from the mixture itself
	TrainSampler = "sampler" // fresh draws from the data set's sampler
)

// NewSource returns the training source of the given kind for the data the
// engine uses: kind "dirac" draws from mix (the Dirac points with their
// weights, or the Gaussian mixture); kind "sampler" draws fresh 2-D points
// from the named data set's sampler for every batch, lifted into R^D by emb
// (nil: D = 2) with isotropic N(0, noise²I_D) added. For a fixed data set
// (whose size does not depend on n: the paper's and the OT script's point
// sets, the single Gaussian) the sampler is the mixture itself, so "sampler"
// falls back to "dirac".
func NewSource(kind string, mix model.Mixture, dataset string, emb *model.Embedding, noise float64) (Source, error) {
	switch kind {
	case TrainDirac, "":
		return NewMixtureSource(mix)
	case TrainSampler:
		s, err := NewSamplerSource(dataset, emb, noise)
		if errors.Is(err, errFixedSet) {
			return NewMixtureSource(mix)
		}
		return s, err
	}
	return nil, fmt.Errorf("unknown training data %q (allowed: %s, %s)", kind, TrainDirac, TrainSampler)
}

// MixtureSource draws from a Dirac or Gaussian mixture: component i with
// probability π_i, then y_i (Dirac) or μ_i + U_i Λ_i^{1/2} z, z ~ N(0, I) (GMM).
type MixtureSource struct {
	d     int
	cum   []float64 // cumulative weights
	mean  []float64 // n×d: Dirac points or GMM means
	root  []float64 // n×d×d: U Λ^{1/2} per GMM component (nil for Dirac)
	ident string
}

// NewMixtureSource returns the source of m, which must be a *model.Dirac or
// a *model.GMM.
func NewMixtureSource(m model.Mixture) (*MixtureSource, error) {
	s := &MixtureSource{d: m.Dim(), cum: make([]float64, m.Len())}
	h := sha256.New()
	var logW func(int) float64
	switch m := m.(type) {
	case *model.Dirac:
		s.mean = append([]float64(nil), m.Points()...)
		logW = m.LogWeight
		hashFloats(h, "dirac", s.mean)
	case *model.GMM:
		logW = m.LogWeight
		s.root = make([]float64, m.Len()*s.d*s.d)
		for c := 0; c < m.Len(); c++ {
			s.mean = append(s.mean, m.Mean(c)...)
			if err := sqrtPSD(s.root[c*s.d*s.d:(c+1)*s.d*s.d], m.Cov(c), s.d); err != nil {
				return nil, fmt.Errorf("source: component %d: %w", c, err)
			}
			hashFloats(h, "cov", m.Cov(c))
		}
		hashFloats(h, "gmm", s.mean)
	default:
		return nil, fmt.Errorf("source: unsupported mixture type %T", m)
	}
	acc := 0.0
	w := make([]float64, m.Len())
	for i := range s.cum {
		w[i] = math.Exp(logW(i))
		acc += w[i]
		s.cum[i] = acc
	}
	for i := range s.cum {
		s.cum[i] /= acc
	}
	hashFloats(h, "weights", w)
	s.ident = fmt.Sprintf("mixture:d=%d:n=%d:%x", s.d, m.Len(), h.Sum(nil))
	return s, nil
}

// Dim implements Source.
func (s *MixtureSource) Dim() int { return s.d }

// Identity implements Source: the dimension, size and a SHA-256 of the
// points (or means and covariances) and weights.
func (s *MixtureSource) Identity() string { return s.ident }

// Draw implements Source.
func (s *MixtureSource) Draw(dst []float64, r *rand.Rand) {
	d := s.d
	n := len(dst) / d
	for i := 0; i < n; i++ {
		c := s.pick(r.Float64())
		x := dst[i*d : (i+1)*d]
		copy(x, s.mean[c*d:(c+1)*d])
		if s.root == nil {
			continue
		}
		rt := s.root[c*d*d : (c+1)*d*d]
		for k := 0; k < d; k++ {
			z := r.NormFloat64()
			for j := 0; j < d; j++ {
				x[j] += rt[j*d+k] * z
			}
		}
	}
}

// pick returns the component whose cumulative weight interval holds u.
func (s *MixtureSource) pick(u float64) int {
	lo, hi := 0, len(s.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if u < s.cum[mid] {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// sqrtPSD writes R = U Λ^{1/2} (so that R Rᵀ = Σ) for the symmetric PSD d×d
// matrix sigma into dst.
func sqrtPSD(dst, sigma []float64, d int) error {
	var es mat.EigenSym
	if !es.Factorize(mat.NewSymDense(d, append([]float64(nil), sigma...)), true) {
		return errors.New("eigen-decomposition of the covariance failed")
	}
	vals := es.Values(nil)
	var u mat.Dense
	es.VectorsTo(&u)
	for i := 0; i < d; i++ {
		for k := 0; k < d; k++ {
			dst[i*d+k] = u.At(i, k) * math.Sqrt(math.Max(vals[k], 0))
		}
	}
	return nil
}

// errFixedSet reports a data set whose points do not depend on n and seed.
var errFixedSet = errors.New("fixed data set has no sampler")

// SamplerSource draws fresh points from a named 2-D data set's sampler
// (model.NewDataset with a seed drawn from the caller's generator for every
// call of Draw), lifted into R^D and perturbed by isotropic Gaussian noise.
type SamplerSource struct {
	name  string
	emb   *model.Embedding
	noise float64
	ident string
}

// NewSamplerSource returns the sampler source of data set name, lifted by
// emb (nil: D = 2) with N(0, noise² I_D) added. It fails for an unknown data
// set, a fixed one (see NewSource), or a negative or non-finite noise.
func NewSamplerSource(name string, emb *model.Embedding, noise float64) (*SamplerSource, error) {
	if !(noise >= 0) || math.IsInf(noise, 0) {
		return nil, fmt.Errorf("sampler source: noise %g (must be finite and ≥ 0)", noise)
	}
	a, err := model.NewDataset(name, 2, 1)
	if err != nil {
		return nil, fmt.Errorf("sampler source: %w", err)
	}
	if a.Len() != 2 {
		return nil, fmt.Errorf("sampler source: data set %q: %w", name, errFixedSet)
	}
	s := &SamplerSource{name: name, emb: emb, noise: noise}
	h := sha256.New()
	if emb != nil {
		e := make([]float64, 2*emb.Dim())
		col := make([]float64, emb.Dim())
		for k, z := range [][]float64{{1, 0}, {0, 1}} {
			emb.Lift(col, z)
			for j, v := range col {
				e[2*j+k] = v
			}
		}
		hashFloats(h, "embedding", e)
	}
	s.ident = fmt.Sprintf("sampler:%s:d=%d:noise=%x:%x", name, s.Dim(), math.Float64bits(noise), h.Sum(nil))
	return s, nil
}

// Dim implements Source.
func (s *SamplerSource) Dim() int {
	if s.emb == nil {
		return 2
	}
	return s.emb.Dim()
}

// Identity implements Source: the data set's name, D, the noise and a hash
// of the embedding.
func (s *SamplerSource) Identity() string { return s.ident }

// Draw implements Source.
func (s *SamplerSource) Draw(dst []float64, r *rand.Rand) {
	d := s.Dim()
	n := len(dst) / d
	m, err := model.NewDataset(s.name, n, r.Uint64())
	if err != nil {
		panic(fmt.Sprintf("learn: sampler %q: %v", s.name, err)) // checked by NewSamplerSource
	}
	pts := m.(*model.Dirac).Points()
	for i := 0; i < n; i++ {
		x := dst[i*d : (i+1)*d]
		if s.emb == nil {
			copy(x, pts[2*i:2*i+2])
		} else {
			s.emb.Lift(x, pts[2*i:2*i+2])
		}
		if s.noise > 0 {
			for j := range x {
				x[j] += s.noise * r.NormFloat64()
			}
		}
	}
}

// FuncSource is a Source given by a function that draws one sample.
type FuncSource struct {
	D    int                               // dimension
	Name string                            // identity (must change whenever the distribution does)
	One  func(dst []float64, r *rand.Rand) // writes one draw of length D into dst
}

// Dim implements Source.
func (s FuncSource) Dim() int { return s.D }

// Identity implements Source.
func (s FuncSource) Identity() string { return fmt.Sprintf("func:%s:d=%d", s.Name, s.D) }

// Draw implements Source.
func (s FuncSource) Draw(dst []float64, r *rand.Rand) {
	for i := 0; i+s.D <= len(dst); i += s.D {
		s.One(dst[i:i+s.D], r)
	}
}

// hashFloats writes a tag, the length and the bits of v into h.
func hashFloats(h hash.Hash, tag string, v []float64) {
	h.Write([]byte(tag))
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(len(v)))
	h.Write(b[:])
	for _, x := range v {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(x))
		h.Write(b[:])
	}
}
