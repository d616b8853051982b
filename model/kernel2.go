package model

import "math"

// soa2 holds 2-D coordinates (the data, or their plane coordinates) as two
// contiguous arrays for the vectorised kernel; it exists only when every
// point has the same weight.
type soa2 struct {
	y0, y1 []float64
	logPi  float64
}

// newSOA2 returns the structure-of-arrays copy of the n×2 points z, or nil
// when the weights differ (the vectorised kernel assumes equal weights).
func newSOA2(z, logPi []float64) *soa2 {
	for _, l := range logPi {
		if l != logPi[0] {
			return nil
		}
	}
	n := len(logPi)
	s := &soa2{y0: make([]float64, n), y1: make([]float64, n), logPi: logPi[0]}
	for i := 0; i < n; i++ {
		s.y0[i], s.y1[i] = z[2*i], z[2*i+1]
	}
	return s
}

// kernel computes what diracKernel2 does, and the centred 2×2 covariance
// (c00, c01, c11; tr C = c00 + c11) in the same pass, with the AVX-512 or AVX2 routines
// on the largest multiple of 8 or 4 points and scalar code on the rest. It
// must only be called when haveAVX2 is true.
func (s *soa2) kernel(w, mean []float64, x0, x1, alpha, sigma float64) (logZ float64, cov [3]float64) {
	if haveAVX512 && len(w) >= 8 {
		return s.kernel512(w, mean, x0, x1, alpha, sigma)
	}
	return s.kernel256(w, mean, x0, x1, alpha, sigma)
}

// kernel256 is kernel with the AVX2 routines (4 points at a time).
func (s *soa2) kernel256(w, mean []float64, x0, x1, alpha, sigma float64) (logZ float64, cov [3]float64) {
	n := len(w)
	n4 := n &^ 3
	negInv := -1 / (2 * sigma * sigma)
	y0, y1 := s.y0[:n], s.y1[:n]
	maxL := math.Inf(-1)
	if n4 > 0 {
		maxL = distMax2AVX2(&w[0], &y0[0], &y1[0], n4, x0, x1, alpha, negInv)
	}
	for i := n4; i < n; i++ {
		r0, r1 := x0-alpha*y0[i], x1-alpha*y1[i]
		w[i] = (r0*r0 + r1*r1) * negInv
		maxL = math.Max(maxL, w[i])
	}
	var s0, s1, s2 float64
	if n4 > 0 {
		s0, s1, s2 = expSum2AVX2(&w[0], &y0[0], &y1[0], n4, maxL)
	}
	for i := n4; i < n; i++ {
		e := math.Exp(math.Max(w[i]-maxL, -700))
		w[i] = e
		s0 += e
		s1 += e * y0[i]
		s2 += e * y1[i]
	}
	inv := 1 / s0
	m0, m1 := s1*inv, s2*inv
	mean[0], mean[1] = m0, m1
	if n4 > 0 {
		cov[0], cov[1], cov[2] = ctrace2AVX2(&w[0], &y0[0], &y1[0], n4, m0, m1, inv)
	}
	covTail(&cov, w[n4:], y0[n4:], y1[n4:], m0, m1, inv)
	return maxL + math.Log(s0) + s.logPi, cov
}

// kernel512 is kernel with the AVX-512 routines (8 points at a time).
func (s *soa2) kernel512(w, mean []float64, x0, x1, alpha, sigma float64) (logZ float64, cov [3]float64) {
	n := len(w)
	n8 := n &^ 7
	negInv := -1 / (2 * sigma * sigma)
	y0, y1 := s.y0[:n], s.y1[:n]
	maxL := distMax2AVX512(&w[0], &y0[0], &y1[0], n8, x0, x1, alpha, negInv)
	for i := n8; i < n; i++ {
		r0, r1 := x0-alpha*y0[i], x1-alpha*y1[i]
		w[i] = (r0*r0 + r1*r1) * negInv
		maxL = math.Max(maxL, w[i])
	}
	s0, s1, s2 := expSum2AVX512(&w[0], &y0[0], &y1[0], n8, maxL)
	for i := n8; i < n; i++ {
		e := math.Exp(math.Max(w[i]-maxL, -700))
		w[i] = e
		s0 += e
		s1 += e * y0[i]
		s2 += e * y1[i]
	}
	inv := 1 / s0
	m0, m1 := s1*inv, s2*inv
	mean[0], mean[1] = m0, m1
	cov[0], cov[1], cov[2] = ctrace2AVX512(&w[0], &y0[0], &y1[0], n8, m0, m1, inv)
	covTail(&cov, w[n8:], y0[n8:], y1[n8:], m0, m1, inv)
	return maxL + math.Log(s0) + s.logPi, cov
}

// covTail scales the weights w by inv and adds their centred 2×2 moments
// about (m0, m1) to cov: the points after the vectorised part.
func covTail(cov *[3]float64, w, y0, y1 []float64, m0, m1, inv float64) {
	for i := range w {
		w[i] *= inv
		a, b := y0[i]-m0, y1[i]-m1
		wa := w[i] * a
		cov[0] += wa * a
		cov[1] += wa * b
		cov[2] += w[i] * b * b
	}
}
