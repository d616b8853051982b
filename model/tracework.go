package model

import "math"

// TraceWork holds the scratch vectors of the trace estimators so that repeated
// estimates do not allocate. The zero value is ready to use; it grows on
// demand. Not safe for concurrent use.
type TraceWork struct {
	vecs [4][]float64
	mat  []float64
}

// vec returns scratch vector i of length n.
func (w *TraceWork) vec(i, n int) []float64 {
	if cap(w.vecs[i]) < n {
		w.vecs[i] = make([]float64, n)
	}
	return w.vecs[i][:n]
}

// matrix returns a scratch slice of length n.
func (w *TraceWork) matrix(n int) []float64 {
	if cap(w.mat) < n {
		w.mat = make([]float64, n)
	}
	return w.mat[:n]
}

// orthonormalize orthonormalises the k columns of length d stored one after
// another in cols (column c at cols[c*d:(c+1)*d]) by classical Gram–Schmidt
// with selective reorthogonalisation (a second pass when the first removed
// more than 1 − 1/√2 of the norm: the Daniel–Gragg–Kaufman–Stewart test,
// after which the column is orthogonal to working precision), dropping
// columns that are numerically dependent on the earlier ones (norm below
// 1e-12 of their original norm, or zero). The kept columns are moved to the
// front; it returns their number (the rank).
func orthonormalize(cols []float64, d, k int) int {
	var buf [64]float64
	coef := buf[:]
	if k > len(buf) {
		coef = make([]float64, k)
	}
	r := 0
	for c := 0; c < k; c++ {
		v := cols[c*d : (c+1)*d]
		n0 := norm(v)
		if n0 == 0 {
			continue
		}
		projectOut(v, cols, d, r, coef)
		n := norm(v)
		if n < n0/math.Sqrt2 {
			projectOut(v, cols, d, r, coef)
			n = norm(v)
		}
		if n <= 1e-12*n0 {
			continue
		}
		dst, inv := cols[r*d:(r+1)*d], 1/n
		for i := range v {
			dst[i] = v[i] * inv
		}
		r++
	}
	return r
}

func norm(v []float64) float64 {
	s := dot(v, v)
	if s == 0 {
		return 0
	}
	return sqrt(s)
}
