package model

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// XTrace is the exchangeable trace estimator of Epperly, Tropp and Webber
// (math-spec §6.7) with budget m ≥ 2 and k = ⌊m/2⌋ test vectors. With
// improved = true the test vectors are uniform on the sphere of radius √d and
// each residual term is rescaled by (d − r_i)/‖(I − Q_iQ_iᵀ)ω_i‖² (r_i the rank
// of the leave-one-out basis Q_i); otherwise they are drawn from dist. All
// leave-one-out bases live in range(Q), so 2k matvecs suffice. The Estimate
// carries the built-in error estimate std_i(tr̂_i)/√k. It allocates.
func XTrace(op Operator, m int, improved bool, dist Probe, r *rand.Rand) (Estimate, error) {
	if m < 2 {
		return Estimate{}, fmt.Errorf("xtrace: probes m=%d < 2", m)
	}
	if improved {
		dist = Sphere
	}
	d, k := op.Dim(), m/2
	om, y := make([]float64, k*d), make([]float64, k*d)
	for c := 0; c < k; c++ {
		dist.Fill(om[c*d:(c+1)*d], r)
		op.MatVec(y[c*d:(c+1)*d], om[c*d:(c+1)*d])
	}
	q := append([]float64(nil), y...)
	rank := orthonormalize(q, d, k)
	z := make([]float64, rank*d) // Z = A Q
	for c := 0; c < rank; c++ {
		op.MatVec(z[c*d:(c+1)*d], q[c*d:(c+1)*d])
	}
	ests := make([]float64, k)
	qi := make([]float64, (k-1)*d+1)
	azq, pw, apw := make([]float64, d), make([]float64, d), make([]float64, d)
	for i := 0; i < k; i++ {
		ests[i] = xtraceTerm(i, d, k, rank, om, y, q, z, qi, azq, pw, apw, improved)
	}
	mean, vr := 0.0, 0.0
	for _, e := range ests {
		mean += e
	}
	mean /= float64(k)
	for _, e := range ests {
		vr += (e - mean) * (e - mean)
	}
	errEst := 0.0
	if k > 1 {
		errEst = math.Sqrt(vr/float64(k-1)) / math.Sqrt(float64(k))
	}
	return Estimate{Value: mean, MatVecs: k + rank, QRs: 1 + k, ErrEst: errEst}, nil
}

// xtraceTerm returns the leave-one-out estimate tr̂_i.
func xtraceTerm(i, d, k, rank int, om, y, q, z, qi, azq, pw, apw []float64, improved bool) float64 {
	// Q_i = orth(Y without column i).
	n := 0
	for c := 0; c < k; c++ {
		if c != i {
			copy(qi[n*d:(n+1)*d], y[c*d:(c+1)*d])
			n++
		}
	}
	ri := orthonormalize(qi, d, n)
	w := om[i*d : (i+1)*d]
	copy(pw, w)
	clear(apw)
	copy(apw, y[i*d:(i+1)*d]) // A ω_i
	est := 0.0
	for c := 0; c < ri; c++ {
		qc := qi[c*d : (c+1)*d]
		// A q_c = Z (Qᵀ q_c), since q_c ∈ range(Q).
		clear(azq)
		for b := 0; b < rank; b++ {
			tb := dot(q[b*d:(b+1)*d], qc)
			zb := z[b*d : (b+1)*d]
			for j := range azq {
				azq[j] += tb * zb[j]
			}
		}
		est += dot(qc, azq)
		p := dot(qc, w)
		for j := range pw {
			pw[j] -= p * qc[j]
			apw[j] -= p * azq[j]
		}
	}
	quad := dot(pw, apw)
	if improved {
		n2 := dot(pw, pw)
		if float64(d-ri) <= 0 || n2 <= 1e-24*float64(d) {
			return est
		}
		quad *= float64(d-ri) / n2
	}
	return est + quad
}
