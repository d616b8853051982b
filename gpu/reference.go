package gpu

import "math"

// Reference2 is the device algorithm of posterior2 in Go, in float32, for
// one particle: the CPU side of the parity tests. It returns E[u] (u = x − αy),
// Var(u) = α² tr C and log Σ exp(l_j).
func Reference2(y0, y1 []float32, x0, x1, alpha, inv2s2 float32) (e0, e1, varu, logz float32) {
	m, s, s0, s1, s2 := float32(-3e38), float32(0), float32(0), float32(0), float32(0)
	for j := range y0 {
		u0 := x0 - alpha*y0[j]
		u1 := x1 - alpha*y1[j]
		uu := u0*u0 + u1*u1
		l := -uu * inv2s2
		if l > m {
			c := float32(math.Exp(float64(m - l)))
			s, s0, s1, s2 = s*c, s0*c, s1*c, s2*c
			m = l
		}
		w := float32(math.Exp(float64(l - m)))
		s += w
		s0 += w * u0
		s1 += w * u1
		s2 += w * uu
	}
	inv := 1 / s
	e0, e1 = s0*inv, s1*inv
	varu = float32(math.Max(float64(s2*inv-(e0*e0+e1*e1)), 0))
	return e0, e1, varu, m + float32(math.Log(float64(s)))
}
