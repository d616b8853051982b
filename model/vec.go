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

// projectOut replaces z by (I − QQᵀ)z for the r columns of length d stored
// one after another in q (classical Gram–Schmidt: all coefficients first,
// then one update; four columns per pass over z). coef is scratch of length
// ≥ r.
func projectOut(z, q []float64, d, r int, coef []float64) {
	z = z[:d]
	c, w := 0, vecWidth(d)
	if w > 0 {
		dw := d &^ (w - 1)
		for ; c+4 <= r; c += 4 {
			qc := q[c*d : (c+4)*d]
			if w == 8 {
				coef[c], coef[c+1], coef[c+2], coef[c+3] = dot4AVX512(&qc[0], d, &z[0], dw)
			} else {
				coef[c], coef[c+1], coef[c+2], coef[c+3] = dot4AVX2(&qc[0], d, &z[0], dw)
			}
			for i := dw; i < d; i++ {
				coef[c] += qc[i] * z[i]
				coef[c+1] += qc[d+i] * z[i]
				coef[c+2] += qc[2*d+i] * z[i]
				coef[c+3] += qc[3*d+i] * z[i]
			}
		}
	}
	for ; c < r; c++ {
		coef[c] = dot(q[c*d:(c+1)*d], z)
	}
	c = 0
	if w > 0 {
		dw := d &^ (w - 1)
		for ; c+4 <= r; c += 4 {
			qc := q[c*d : (c+4)*d]
			a0, a1, a2, a3 := -coef[c], -coef[c+1], -coef[c+2], -coef[c+3]
			if w == 8 {
				axpy4AVX512(&z[0], &qc[0], d, dw, a0, a1, a2, a3)
			} else {
				axpy4AVX2(&z[0], &qc[0], d, dw, a0, a1, a2, a3)
			}
			for i := dw; i < d; i++ {
				z[i] += a0*qc[i] + a1*qc[d+i] + a2*qc[2*d+i] + a3*qc[3*d+i]
			}
		}
	}
	for ; c < r; c++ {
		addScaled(z, -coef[c], q[c*d:(c+1)*d])
	}
}

// vecWidth is the SIMD width (8 with AVX-512, 4 with AVX2) the four-column
// routines use for vectors of length d, or 0 for the plain loops.
func vecWidth(d int) int {
	switch {
	case haveAVX512 && d >= 16:
		return 8
	case haveAVX2 && d >= vecMin:
		return 4
	}
	return 0
}

// dot3 returns a·v, b·v and v·v in one pass (len(a) = len(b) = len(v)).
func dot3(a, b, v []float64) (sa, sb, vv float64) {
	n := len(v)
	a, b = a[:n], b[:n]
	i := 0
	if haveAVX2 && n >= vecMin {
		i = n &^ 3
		sa, sb, vv = dot3AVX2(&a[0], &b[0], &v[0], i)
	}
	for ; i < n; i++ {
		sa += a[i] * v[i]
		sb += b[i] * v[i]
		vv += v[i] * v[i]
	}
	return sa, sb, vv
}
