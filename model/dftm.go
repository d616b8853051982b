package model

import "math"

// TraceDFTM returns the DF-TM trace (math-spec §7, eq. 17)
//
//	tr F ≈ d/σ² − (α²/σ⁴) · max(0, t_θ − ‖x_θ‖²)
//
// from a regressor value tTheta ≈ E[‖x_0‖² | x_t] and a denoiser value xTheta.
// The clamp enforces tr C ≥ 0 (C is PSD).
func TraceDFTM(c Coeffs, tTheta float64, xTheta []float64) float64 {
	trC := math.Max(0, tTheta-dot(xTheta, xTheta))
	return FisherTraceFromCov(len(xTheta), c, trC)
}

// DFTMBound returns the Prop. 7-type bound (α²/σ⁴)(δ_T + δ_x(2R + δ_x)) on
// |tr F − tr F_TM| for regressor error δ_T, denoiser error δ_x and data radius R.
func DFTMBound(c Coeffs, deltaT, deltaX, radius float64) float64 {
	s2 := c.Sigma * c.Sigma
	return c.Alpha * c.Alpha / (s2 * s2) * (deltaT + deltaX*(2*radius+deltaX))
}
