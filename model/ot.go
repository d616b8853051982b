package model

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// PhiDDIMUpdate replaces Φ (D×D row-major) by M Φ, M the exact Jacobian of the
// DDIM step from p's time to `to` (math-spec §3.3, §9.4): Φ ← (σ_s/σ_t) Φ +
// (α_s − α_t σ_s/σ_t)(α_t/σ_t²) C Φ. col and out are scratch of length D.
func PhiDDIMUpdate(phi []float64, p *Posterior, to Coeffs, col, out []float64) {
	a, k := PhiDDIMCoeffs(p.C, to)
	PhiAffine(phi, p, a, k, col, out)
}

// PhiDDIMCoeffs returns a and k of the DDIM step's Jacobian a·I + k·C from
// the coefficients from to to (see PhiDDIMUpdate).
func PhiDDIMCoeffs(from, to Coeffs) (a, k float64) {
	a, b := DDIMCoeffs(from, to)
	return a, b * from.Alpha / (from.Sigma * from.Sigma)
}

// PhiEulerUpdate replaces Φ by Φ + h J Φ (explicit Euler with the correct
// J = f I + ½g²F), h = s − t < 0 when sampling.
func PhiEulerUpdate(phi []float64, p *Posterior, h float64, col, out []float64) {
	a, k := PhiEulerCoeffs(p.C, h)
	PhiAffine(phi, p, a, k, col, out)
}

// PhiEulerCoeffs returns a and k of I + hJ = a·I + k·C at the coefficients c.
func PhiEulerCoeffs(c Coeffs, h float64) (a, k float64) {
	s2 := c.Sigma * c.Sigma
	return 1 + h*(c.F+c.G2/(2*s2)), -h * c.Alpha * c.Alpha * c.G2 / (2 * s2 * s2)
}

// PhiScriptUpdate replaces A by A + h B A with the OT script's sign-flipped
// B = (f − g²/(2σ²)) I + (α²g²/(2σ⁴)) C = 2fI − J (math-spec §9.4).
func PhiScriptUpdate(phi []float64, p *Posterior, h float64, col, out []float64) {
	a, k := PhiScriptCoeffs(p.C, h)
	PhiAffine(phi, p, a, k, col, out)
}

// PhiScriptCoeffs returns a and k of the script's I + hB = a·I + k·C.
func PhiScriptCoeffs(c Coeffs, h float64) (a, k float64) {
	s2 := c.Sigma * c.Sigma
	return 1 + h*(c.F-c.G2/(2*s2)), h * c.Alpha * c.Alpha * c.G2 / (2 * s2 * s2)
}

// PhiAffine replaces Φ (D×D row-major) by a Φ + k C Φ with C p's posterior
// covariance, column by column; col and out are scratch of length D.
func PhiAffine(phi []float64, p *Posterior, a, k float64, col, out []float64) {
	d := p.mix.Dim()
	if len(phi) != d*d || len(col) != d || len(out) != d {
		panic("model: Φ update length mismatch")
	}
	if p.blocked() != nil {
		phiAffineBlock(phi, p, a, k)
		return
	}
	for j := 0; j < d; j++ {
		for i := 0; i < d; i++ {
			col[i] = phi[i*d+j]
		}
		p.CovMatVec(out, col)
		for i := 0; i < d; i++ {
			phi[i*d+j] = a*col[i] + k*out[i]
		}
	}
}

// phiAffineBlock is PhiAffine with C applied to all columns of Φ as one
// block (two blocked matrix products, see Posterior.blocked).
func phiAffineBlock(phi []float64, p *Posterior, a, k float64) {
	d := p.mix.Dim()
	if cap(p.blk.phi) < 2*d*d {
		p.blk.phi = make([]float64, 2*d*d)
	}
	cols, prod := p.blk.phi[:d*d], p.blk.phi[d*d:2*d*d]
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			cols[j*d+i] = phi[i*d+j]
		}
	}
	p.CovMatVecs(prod, cols)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			phi[i*d+j] = a*phi[i*d+j] + k*prod[j*d+i]
		}
	}
}

// AsymmetryFull returns ‖A − Aᵀ‖_F / ‖A‖_F ∈ [0, 2] (the paper's main-text
// index, math-spec §9.3) for the d×d row-major A; 0 for A = 0.
func AsymmetryFull(a []float64, d int) float64 {
	num, den := 0.0, 0.0
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			den += a[i*d+j] * a[i*d+j]
			r := a[i*d+j] - a[j*d+i]
			num += r * r
		}
	}
	if den == 0 {
		return 0
	}
	return math.Sqrt(num / den)
}

// AsymmetryOffDiag returns the OT script's index ‖A_o − A_oᵀ‖_F/(√2‖A_o‖_F) ∈
// [0, √2] with A_o = A − diag(A) (for 2×2: |b − c|/√(b² + c²)); it returns 0
// when ‖A_o‖_F ≤ 1e-12 ‖A‖_F, where the ratio is rounding noise (§9.3).
func AsymmetryOffDiag(a []float64, d int) float64 {
	num, off, all := 0.0, 0.0, 0.0
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			all += a[i*d+j] * a[i*d+j]
			if i == j {
				continue
			}
			off += a[i*d+j] * a[i*d+j]
			r := a[i*d+j] - a[j*d+i]
			num += r * r
		}
	}
	if off == 0 || math.Sqrt(off) <= 1e-12*math.Sqrt(all) {
		return 0
	}
	return math.Sqrt(num / (2 * off))
}

// MinEigSym returns the smallest eigenvalue of the symmetric part (A + Aᵀ)/2
// of the d×d row-major A (NaN if the eigen-decomposition fails). Positive
// means the symmetric part is positive definite.
func MinEigSym(a []float64, d int) float64 {
	if d == 2 {
		p, q, r := a[0], 0.5*(a[1]+a[2]), a[3]
		m, h := 0.5*(p+r), math.Hypot(0.5*(p-r), q)
		return m - h
	}
	s := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			s.SetSym(i, j, 0.5*(a[i*d+j]+a[j*d+i]))
		}
	}
	var es mat.EigenSym
	if !es.Factorize(s, false) {
		return math.NaN()
	}
	return es.Values(nil)[0]
}
