package model

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// NAHutchPP is the non-adaptive Hutch++ of Meyer et al. (math-spec §6.6) with
// budget m ≥ 6: S (d×⌊m/6⌋), R (d×⌊m/3⌋) and G (d×rest) drawn from dist,
// Z = AR, W = AS, and
//
//	tr̂ = tr((SᵀZ)⁺(WᵀZ)) + (1/|G|)[tr(GᵀAG) − tr((GᵀZ)(SᵀZ)⁺(WᵀG))].
//
// All m matvecs could be issued in one batch. It allocates.
func NAHutchPP(op Operator, m int, dist Probe, r *rand.Rand) (Estimate, error) {
	if m < 6 {
		return Estimate{}, fmt.Errorf("na-hutch++: probes m=%d < 6", m)
	}
	d := op.Dim()
	ns, nr := m/6, m/3
	ng := m - ns - nr
	draw := func(k int) (*mat.Dense, *mat.Dense) {
		x, ax := mat.NewDense(d, k, nil), mat.NewDense(d, k, nil)
		z, az := make([]float64, d), make([]float64, d)
		for c := 0; c < k; c++ {
			dist.Fill(z, r)
			op.MatVec(az, z)
			for i := 0; i < d; i++ {
				x.Set(i, c, z[i])
				ax.Set(i, c, az[i])
			}
		}
		return x, ax
	}
	s, w := draw(ns)
	rr, z := draw(nr)
	g, ag := draw(ng)
	_ = rr
	var stz, wtz, gtz, wtg, gtag mat.Dense
	stz.Mul(s.T(), z)
	wtz.Mul(w.T(), z)
	gtz.Mul(g.T(), z)
	wtg.Mul(w.T(), g)
	gtag.Mul(g.T(), ag)
	pinv, err := pseudoInverse(&stz)
	if err != nil {
		return Estimate{}, fmt.Errorf("na-hutch++: %w", err)
	}
	var t1, t2, t3 mat.Dense
	t1.Mul(pinv, &wtz)
	t2.Mul(&gtz, pinv)
	t3.Mul(&t2, &wtg)
	v := mat.Trace(&t1) + (mat.Trace(&gtag)-mat.Trace(&t3))/float64(ng)
	return Estimate{Value: v, MatVecs: ns + nr + ng, QRs: 1}, nil
}

// pseudoInverse returns the Moore–Penrose pseudo-inverse of a via the SVD,
// treating singular values below max(r,c)·eps·σ_max as zero.
func pseudoInverse(a *mat.Dense) (*mat.Dense, error) {
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDThin) {
		return nil, errors.New("SVD failed")
	}
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	vals := svd.Values(nil)
	rows, cols := a.Dims()
	tol := float64(max(rows, cols)) * 2.220446049250313e-16
	if len(vals) > 0 {
		tol *= vals[0]
	}
	for i, s := range vals {
		if s > tol {
			vals[i] = 1 / s
		} else {
			vals[i] = 0
		}
	}
	_, k := v.Dims()
	vs := mat.NewDense(cols, k, nil)
	for i := 0; i < cols; i++ {
		for j := 0; j < k; j++ {
			vs.Set(i, j, v.At(i, j)*vals[j])
		}
	}
	var out mat.Dense
	out.Mul(vs, u.T())
	return &out, nil
}
