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
// (c00, c01, c11; tr C = c00 + c11) in the same pass, with the AVX-512 or
// AVX2 routines on the largest multiple of 8 or 4 points and scalar code on
// the rest. It must only be called when haveAVX2 is true.
func (s *soa2) kernel(w, mean []float64, x0, x1, alpha, sigma float64) (logZ float64, cov [3]float64) {
	if haveAVX512 && len(w) >= 8 {
		return s.run(passes512(), w, mean, x0, x1, alpha, sigma)
	}
	return s.run(passes256(), w, mean, x0, x1, alpha, sigma)
}

// passes2 are the three vectorised passes of the 2-D kernel for one vector
// width: distances and their maximum, exp and the weighted sums, the centred
// covariance. Each takes a multiple of width points.
type passes2 struct {
	width   int
	distMax func(l, y0, y1 *float64, n int, x0, x1, alpha, negInv float64) float64
	expSum  func(w, y0, y1 *float64, n int, m float64) (s0, s1, s2 float64)
	ctrace  func(w, y0, y1 *float64, n int, mx, my, scale float64) (c00, c01, c11 float64)
}

// passes256 returns the AVX2 passes (4 points at a time).
func passes256() passes2 { return passes2{4, distMax2AVX2, expSum2AVX2, ctrace2AVX2} }

// passes512 returns the AVX-512 passes (8 points at a time).
func passes512() passes2 { return passes2{8, distMax2AVX512, expSum2AVX512, ctrace2AVX512} }

// run is kernel with the passes k on the largest multiple of k.width points.
func (s *soa2) run(k passes2, w, mean []float64, x0, x1, alpha, sigma float64) (logZ float64, cov [3]float64) {
	n := len(w)
	nv := n &^ (k.width - 1)
	negInv := -1 / (2 * sigma * sigma)
	y0, y1 := s.y0[:n], s.y1[:n]
	maxL := math.Inf(-1)
	if nv > 0 {
		maxL = k.distMax(&w[0], &y0[0], &y1[0], nv, x0, x1, alpha, negInv)
	}
	for i := nv; i < n; i++ {
		r0, r1 := x0-alpha*y0[i], x1-alpha*y1[i]
		w[i] = (r0*r0 + r1*r1) * negInv
		maxL = math.Max(maxL, w[i])
	}
	var s0, s1, s2 float64
	if nv > 0 {
		s0, s1, s2 = k.expSum(&w[0], &y0[0], &y1[0], nv, maxL)
	}
	for i := nv; i < n; i++ {
		e := math.Exp(math.Max(w[i]-maxL, -700))
		w[i] = e
		s0 += e
		s1 += e * y0[i]
		s2 += e * y1[i]
	}
	inv := 1 / s0
	m0, m1 := s1*inv, s2*inv
	mean[0], mean[1] = m0, m1
	if nv > 0 {
		cov[0], cov[1], cov[2] = k.ctrace(&w[0], &y0[0], &y1[0], nv, m0, m1, inv)
	}
	for i := nv; i < n; i++ {
		w[i] *= inv
		a, b := y0[i]-m0, y1[i]-m1
		wa := w[i] * a
		cov[0] += wa * a
		cov[1] += wa * b
		cov[2] += w[i] * b * b
	}
	return maxL + math.Log(s0) + s.logPi, cov
}
