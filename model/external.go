package model

// Plane returns the embedding columns E (D×2 row-major) and the plane
// coordinates z (N×2 row-major) of a Dirac mixture whose points lie in a
// known plane, and ok = false otherwise. D = 2 data are their own plane
// (E = I). The slices are views: do not modify them.
func (m *Dirac) Plane() (e, z []float64, ok bool) {
	if m.plane != nil {
		return m.plane.e, m.plane.z, true
	}
	if m.d == 2 {
		return []float64{1, 0, 0, 1}, m.y, true
	}
	return nil, nil, false
}

// UniformLogWeight returns log π when every component has the same weight.
func (m *Dirac) UniformLogWeight() (float64, bool) {
	for _, l := range m.logPi {
		if l != m.logPi[0] {
			return 0, false
		}
	}
	return m.logPi[0], true
}

// SetPlaneSummary fills p, for a Dirac mixture whose points lie in a known
// plane (see Plane), with a posterior computed elsewhere: the denoiser, log q
// and the 2×2 posterior covariance cz = (c00, c01, c11) in plane
// coordinates. Since C = E C_z Eᵀ, every matvec, matrix and trace of p is then
// exact without the component weights; only W is unknown. It panics for
// other mixtures.
func (p *Posterior) SetPlaneSummary(c Coeffs, mean []float64, logQ float64, cz [3]float64) {
	m, ok := p.mix.(*Dirac)
	if !ok {
		panic("model: SetPlaneSummary needs a Dirac mixture")
	}
	p.C = c
	p.fishVal = false
	copy(p.Mean, mean)
	p.TrCov = cz[0] + cz[2]
	p.SecondMoment = p.TrCov + dot(mean, mean)
	p.LogDensity = logQ
	switch {
	case m.plane != nil:
		p.aux[2], p.aux[3], p.aux[4] = cz[0], cz[1], cz[2]
		p.auxVal = true
	case m.d == 2 && p.dense != nil:
		p.dense.SetSym(0, 0, cz[0])
		p.dense.SetSym(0, 1, cz[1])
		p.dense.SetSym(1, 1, cz[2])
		p.denseVal = true
	default:
		panic("model: SetPlaneSummary needs data in a known plane")
	}
}
