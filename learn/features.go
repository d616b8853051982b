package learn

import (
	"math"

	"fisherscope/model"
)

// Time features: TimeFreqs sinusoids of the normalised time and log σ.
const (
	// TimeFreqs is the number of frequencies of the sinusoidal time embedding.
	TimeFreqs = 16
	// TimeFeatures is the width of the time features: sin and cos of each
	// frequency, and log σ.
	TimeFeatures = 2*TimeFreqs + 1
)

// featurizer maps (x, t) to the input row of a network:
//
//	u = [ c_in·x | sin(ω_k τ), cos(ω_k τ) (k < TimeFreqs) | ¼ log σ_t ]
//
// with the normalised time τ = (t − t_min)/(t_max − t_min) ∈ [0, 1], the
// frequencies ω_k = 100^{k/(K−1)} (geometric from 1 to 100 radians per unit
// of τ) and the input scale c_in = 1/√(α_t² s_d² + σ_t²), where s_d² =
// E‖x_0‖²/D is the data's mean square per coordinate: c_in·x_t has unit mean
// square per coordinate at every t, for every schedule (as in Karras et al.'s
// preconditioning). The map from x to u is linear, so ∂u/∂x = c_in·I.
type featurizer struct {
	tmin, tmax float64
	sd2        float64 // s_d²
	omega      [TimeFreqs]float64
}

func newFeaturizer(tmin, tmax, sd2 float64) featurizer {
	f := featurizer{tmin: tmin, tmax: tmax, sd2: sd2}
	for k := range f.omega {
		f.omega[k] = math.Pow(100, float64(k)/float64(TimeFreqs-1))
	}
	return f
}

// cin returns the input scale c_in at c.
func (f *featurizer) cin(c model.Coeffs) float64 {
	return 1 / math.Sqrt(c.Alpha*c.Alpha*f.sd2+c.Sigma*c.Sigma)
}

// timeTo writes the TimeFeatures time features at c into dst.
func (f *featurizer) timeTo(dst []float64, c model.Coeffs) {
	tau := 0.0
	if f.tmax > f.tmin {
		tau = (c.T - f.tmin) / (f.tmax - f.tmin)
	}
	for k, w := range f.omega {
		s, co := math.Sincos(w * tau)
		dst[2*k], dst[2*k+1] = s, co
	}
	dst[2*TimeFreqs] = 0.25 * math.Log(c.Sigma)
}

// rowTo writes the input row for x at c into dst (length D + TimeFeatures),
// converting to T; tf holds the time features at c (from timeTo).
func rowTo[T floating](dst []T, x []float64, cin float64, tf []float64) {
	d := len(x)
	for j, v := range x {
		dst[j] = T(cin * v)
	}
	for j, v := range tf {
		dst[d+j] = T(v)
	}
}
