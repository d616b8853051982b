package model

// vecMin is the length from which the vector helpers call the AVX2
// routines; below it a plain loop is faster than the call.
const vecMin = 8

// dot returns a·b (len(b) ≥ len(a)).
func dot(a, b []float64) float64 {
	n := len(a)
	b = b[:n]
	s, i := 0.0, 0
	if haveAVX2 && n >= vecMin {
		i = n &^ 3
		s = dotAVX2(&a[0], &b[0], i)
	}
	for ; i < n; i++ {
		s += a[i] * b[i]
	}
	return s
}

// dot2 returns a·v and b·v in one pass (len(a) = len(b) = len(v)).
func dot2(a, b, v []float64) (sa, sb float64) {
	n := len(v)
	a, b = a[:n], b[:n]
	i := 0
	if haveAVX2 && n >= vecMin {
		i = n &^ 3
		sa, sb = dot2AVX2(&a[0], &b[0], &v[0], i)
	}
	for ; i < n; i++ {
		sa += a[i] * v[i]
		sb += b[i] * v[i]
	}
	return sa, sb
}

// addScaled adds s·x to y (len(x) ≥ len(y)).
func addScaled(y []float64, s float64, x []float64) {
	n := len(y)
	x = x[:n]
	i := 0
	if haveAVX2 && n >= vecMin {
		i = n &^ 3
		axpyAVX2(&y[0], &x[0], i, s)
	}
	for ; i < n; i++ {
		y[i] += s * x[i]
	}
}

// comb3 writes cv·v + ca·a + cb·b into dst (all of one length).
func comb3(dst, v, a, b []float64, cv, ca, cb float64) {
	n := len(dst)
	v, a, b = v[:n], a[:n], b[:n]
	i := 0
	if haveAVX2 && n >= vecMin {
		i = n &^ 3
		comb3AVX2(&dst[0], &v[0], &a[0], &b[0], i, cv, ca, cb)
	}
	for ; i < n; i++ {
		dst[i] = cv*v[i] + ca*a[i] + cb*b[i]
	}
}
