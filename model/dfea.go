package model

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// DFEAMatVec writes the DF-EA product (math-spec §8, eq. 20)
//
//	F_EA a = a/σ² − (α²/σ⁴) [ (x̂_0ᵀa) x̂_0 − (x_θᵀa) x_θ ]
//
// into dst, for the endpoint xHat and the denoiser xTheta. dst must not alias a.
func DFEAMatVec(dst, a, xHat, xTheta []float64, c Coeffs) {
	s2 := c.Sigma * c.Sigma
	k := c.Alpha * c.Alpha / (s2 * s2)
	DFEACovMatVec(dst, a, xHat, xTheta)
	for j := range dst {
		dst[j] = a[j]/s2 - k*dst[j]
	}
}

// DFEACovMatVec writes DF-EA's stand-in for the posterior covariance
// applied to a, (x̂_0x̂_0ᵀ − x_θx_θᵀ) a, into dst (which must not alias a).
func DFEACovMatVec(dst, a, xHat, xTheta []float64) {
	ph, pt := dot(xHat, a), dot(xTheta, a)
	for j := range dst {
		dst[j] = ph*xHat[j] - pt*xTheta[j]
	}
}

// DFEAError returns the Hilbert–Schmidt (Frobenius) error ‖F − F_EA‖_F of the
// endpoint approximation and its ratio to ‖F‖_F at the posterior p
// (math-spec §8): F − F_EA = −(α²/σ⁴)(C − x̂x̂ᵀ + x_θx_θᵀ), C the centred
// posterior covariance. work must be Dim×Dim; it is overwritten with C.
func DFEAError(p *Posterior, xHat, xTheta []float64, work *mat.SymDense) (hs, rel float64) {
	d := p.mix.Dim()
	p.CovTo(work)
	k := p.FisherScale()
	inv := 1 / (p.C.Sigma * p.C.Sigma)
	raw := work.RawSymmetric()
	diff, fro := 0.0, 0.0
	// Upper triangle of the symmetric matrices, off-diagonal terms twice.
	for i := 0; i < d; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+d]
		ai, bi := xHat[i], xTheta[i]
		c := row[i]
		e := c - ai*ai + bi*bi
		f := inv - k*c
		diff += e * e
		fro += f * f
		var dOff, fOff float64
		for j := i + 1; j < d; j++ {
			c := row[j]
			e := c - ai*xHat[j] + bi*xTheta[j]
			dOff += e * e
			fOff += c * c
		}
		diff += 2 * dOff
		fro += 2 * k * k * fOff
	}
	hs = k * math.Sqrt(diff)
	if fro == 0 {
		return hs, math.Inf(1)
	}
	return hs, hs / math.Sqrt(fro)
}
