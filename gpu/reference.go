package gpu

import "math"

// Reference2 is the device algorithm of posterior2 in Go, in float32, for
// one particle: the CPU side of the parity tests. It returns E[u] (u = x − αy),
// Cov(u) = α² C_z as (c00, c01, c11) and log Σ exp(l_j).
func Reference2(y0, y1 []float32, x0, x1, alpha, inv2s2 float32) (eu [2]float32, cov [3]float32, logz float32) {
	m := float32(-3e38)
	var s, s0, s1, s00, s01, s11 float32
	for j := range y0 {
		u0 := x0 - alpha*y0[j]
		u1 := x1 - alpha*y1[j]
		l := -(u0*u0 + u1*u1) * inv2s2
		if l > m {
			c := float32(math.Exp(float64(m - l)))
			s, s0, s1, s00, s01, s11 = s*c, s0*c, s1*c, s00*c, s01*c, s11*c
			m = l
		}
		w := float32(math.Exp(float64(l - m)))
		w0, w1 := w*u0, w*u1
		s += w
		s0 += w0
		s1 += w1
		s00 += w0 * u0
		s01 += w0 * u1
		s11 += w1 * u1
	}
	inv := 1 / s
	e0, e1 := s0*inv, s1*inv
	cov = [3]float32{max(s00*inv-e0*e0, 0), s01*inv - e0*e1, max(s11*inv-e1*e1, 0)}
	return [2]float32{e0, e1}, cov, m + float32(math.Log(float64(s)))
}
