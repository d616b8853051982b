package model

import "math"

// PlanePhi is a fundamental matrix Φ = A·I + E·M·Eᵀ (D×D) for data in a
// known plane with orthonormal basis E (D×2): the form that Φ = I keeps
// under every update Φ ← aΦ + k·C·Φ when C = E·C_z·Eᵀ, since
//
//	a(A I + E M Eᵀ) + k E C_z Eᵀ (A I + E M Eᵀ) = aA·I + E (aM + kA·C_z + k·C_z M) Eᵀ.
//
// It stores 5 numbers instead of D², updates in O(1) and measures its
// asymmetry and smallest symmetric eigenvalue in O(D) instead of O(D²) and
// O(D³). M is row-major 2×2. The zero value is not the identity: use
// IdentityPlanePhi.
type PlanePhi struct {
	A float64
	M [4]float64
}

// IdentityPlanePhi returns Φ = I.
func IdentityPlanePhi() PlanePhi { return PlanePhi{A: 1} }

// PlaneOf returns the mixture's plane basis as two columns of length D, or
// false if m is not a Dirac mixture in a known plane. The slices are views.
func PlaneOf(m Mixture) (e0, e1 []float64, ok bool) {
	dm, isDirac := m.(*Dirac)
	if !isDirac || dm.plane == nil {
		return nil, nil, false
	}
	return dm.plane.e0, dm.plane.e1, true
}

// Affine replaces Φ by aΦ + k·C·Φ with C p's posterior covariance. It
// panics if p's mixture is not a Dirac mixture in a known plane.
func (f *PlanePhi) Affine(p *Posterior, a, k float64) {
	dm, ok := p.mix.(*Dirac)
	if !ok || dm.plane == nil {
		panic("model: PlanePhi needs data in a known plane")
	}
	dm.planeCovariance(p)
	c00, c01, c11 := p.aux[2], p.aux[3], p.aux[4]
	m, x := f.M, f.A
	f.M[0] = a*m[0] + k*(c00*(x+m[0])+c01*m[2])
	f.M[1] = a*m[1] + k*(c00*m[1]+c01*(x+m[3]))
	f.M[2] = a*m[2] + k*(c01*(x+m[0])+c11*m[2])
	f.M[3] = a*m[3] + k*(c01*m[1]+c11*(x+m[3]))
	f.A = a * x
}

// Dense writes Φ into dst (D×D row-major) for the plane columns e0, e1.
func (f *PlanePhi) Dense(dst, e0, e1 []float64) {
	d := len(e0)
	for i := 0; i < d; i++ {
		u0 := f.M[0]*e0[i] + f.M[2]*e1[i] // (u0, u1): row i of E·M
		u1 := f.M[1]*e0[i] + f.M[3]*e1[i]
		row := dst[i*d : (i+1)*d]
		for j := range row {
			row[j] = u0*e0[j] + u1*e1[j]
		}
		row[i] += f.A
	}
}

// Measures returns what AsymmetryFull, AsymmetryOffDiag and MinEigSym
// return for the dense Φ, in O(D), for the plane columns e0, e1 (D = len(e0)).
func (f *PlanePhi) Measures(e0, e1 []float64) (full, off, minEig float64) {
	d := len(e0)
	m, x := f.M, f.A
	skew := m[1] - m[2]
	num := 2 * skew * skew                              // ‖Φ − Φᵀ‖² = ‖M − Mᵀ‖²
	mm := m[0]*m[0] + m[1]*m[1] + m[2]*m[2] + m[3]*m[3] // ‖E M Eᵀ‖²
	all := float64(d)*x*x + 2*x*(m[0]+m[3]) + mm        // ‖Φ‖²
	if all > 0 {
		full = math.Sqrt(num / all)
	}
	// Off the diagonal only E M Eᵀ contributes: ‖EMEᵀ‖² minus its diagonal.
	diag := 0.0
	for i := 0; i < d; i++ {
		a, b := e0[i], e1[i]
		v := m[0]*a*a + (m[1]+m[2])*a*b + m[3]*b*b
		diag += v * v
	}
	offSq := math.Max(mm-diag, 0)
	if offSq > 0 && math.Sqrt(offSq) > 1e-12*math.Sqrt(all) {
		off = math.Sqrt(num / (2 * offSq))
	}
	// The symmetric part is A·I + E S Eᵀ, S = (M + Mᵀ)/2: eigenvalues A + eig(S)
	// in the plane and A (D − 2 times) across it.
	s01 := 0.5 * (m[1] + m[2])
	lo := 0.5*(m[0]+m[3]) - math.Hypot(0.5*(m[0]-m[3]), s01)
	if d > 2 {
		lo = math.Min(lo, 0)
	}
	return full, off, x + lo
}
