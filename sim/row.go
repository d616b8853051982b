package sim

import "math"

// Row holds the measurements of one grid time, summarised over particles.
// Rows are immutable once published.
type Row struct {
	Step  int     // row index: 0 is t = T, Steps is t_end
	T     float64 // diffusion time
	Sigma float64 // σ_t

	TraceF      Summary // exact tr F_t(x_t)
	LogQ        Summary // closed-form log q_t(x_t) (nats)
	NLLErr      Summary // |ℓ − log q_t(x_t)| in nats: ℓ = log q_T(x_T) + ∫ tr J dt accumulated with the exact trace
	NLLBPD      Summary // −ℓ/(d ln 2): the NLL of x_t in bits per dimension (continuous density, no dequantisation)
	AsymFull    Summary // ‖Φ − Φᵀ‖_F / ‖Φ‖_F of Φ(t) = ∂x_t/∂x_T
	AsymOffDiag Summary // the OT script's off-diagonal index of Φ(t)
	MinEigSym   Summary // smallest eigenvalue of (Φ + Φᵀ)/2 (every row for D ≤ 16, else the last)
	PDShare     float64 // share of particles whose (Φ + Φᵀ)/2 is positive definite (NaN: not measured)
	DFEA        Summary // ‖F − F_EA‖_F / ‖F‖_F with x̂_0 the trajectory's endpoint (filled at the end)
	Evals       int64   // velocity (posterior) evaluations of the step from this row, all particles
	GuideLoss   Summary // guidance: ½‖x_end − goal‖² of the endpoint predicted from this row (guided rows only)
	GuideErr    Summary // guidance: ‖a_EA − a‖/‖a‖, DF-EA's adjoint against the exact one at this row
	GuideErrVJP Summary // … the VJP of the learned score (with networks)
	GuideErrEAL Summary // … DF-EA with the learned denoiser (with networks)
	Est         []EstRow
}

// EstRow holds one estimator's measurements at one row.
type EstRow struct {
	Name     string
	Estimate Summary // mean of the R draws (tr F scale, also for target cov)
	RelErr   Summary // root-mean-square relative error of the R draws against exact tr F
	Variance Summary // sample variance of the R draws (needs R ≥ 2)
	NLLErr   Summary // |ℓ_e − log q_t(x_t)| in nats, ℓ_e accumulated with the estimator's first draw
	NLLBias  float64 // mean over particles of NLL_e − NLL_exact = ℓ − ℓ_e (nats): the estimator's NLL bias
	NLLStd   float64 // standard deviation over particles of NLL_e − NLL_exact (nats): its NLL noise
	MatVecs  int64   // matvecs spent at this row, all particles and draws
	QRs      int64   // QR factorisations (sketch refreshes) at this row
}

// reducer builds Rows from a batch without allocating per particle.
type reducer struct {
	scratch []float64
	llErr   []float64 // B×(E+1): |ℓ − log q| for the exact trace, then each estimator
	bpd     []float64 // B
	est     []EstRow  // rows×E, handed out row by row (no allocation per step)
}

func newReducer(bt *Batch) *reducer {
	return &reducer{scratch: make([]float64, bt.B), llErr: make([]float64, bt.B*(bt.E+1)), bpd: make([]float64, bt.B),
		est: make([]EstRow, len(bt.Grid)*bt.E)}
}

// row summarises the batch's per-particle measurements at row i.
func (rd *reducer) row(bt *Batch, i int) Row {
	b, e := bt.B, bt.E
	s := func(v []float64, off, stride int) Summary { return summarize(v, off, stride, b, rd.scratch) }
	perBit := 1 / (float64(bt.D) * math.Ln2)
	for k := 0; k < b; k++ {
		rd.llErr[k*(e+1)] = math.Abs(bt.LogLikRow[k] - bt.LogQ[k])
		rd.bpd[k] = -bt.LogLikRow[k] * perBit
		for j := 0; j < e; j++ {
			rd.llErr[k*(e+1)+1+j] = math.Abs(bt.EstLLRow[k*e+j] - bt.LogQ[k])
		}
	}
	c := bt.Coeffs[i]
	r := Row{Step: i, T: c.T, Sigma: c.Sigma, TraceF: s(bt.TrF, 0, 1), LogQ: s(bt.LogQ, 0, 1),
		NLLErr: s(rd.llErr, 0, e+1), NLLBPD: s(rd.bpd, 0, 1), AsymFull: s(bt.AsymFull, 0, 1), AsymOffDiag: s(bt.AsymOff, 0, 1),
		MinEigSym: s(bt.MinEig, 0, 1), PDShare: positiveShare(bt.MinEig), DFEA: nanSummary(),
		GuideLoss: s(bt.GuideLoss, 0, 1), GuideErr: s(bt.GuideErr, 0, 1),
		GuideErrVJP: s(bt.GuideErrVJP, 0, 1), GuideErrEAL: s(bt.GuideErrEAL, 0, 1)}
	for _, n := range bt.Evals {
		r.Evals += n
	}
	r.Est = rd.est[i*e : (i+1)*e : (i+1)*e]
	for j, est := range bt.Params.Estimators {
		er := EstRow{Name: est.String(), Estimate: s(bt.Est, j, e), RelErr: s(bt.EstRelErr, j, e), Variance: s(bt.EstVar, j, e),
			NLLErr: s(rd.llErr, 1+j, e+1)}
		er.NLLBias, er.NLLStd = meanStd(bt.LogLikRow, bt.EstLLRow, j, e)
		for k := 0; k < b; k++ {
			er.MatVecs += bt.MatVecs[k*e+j]
			er.QRs += bt.QRs[k*e+j]
		}
		r.Est[j] = er
	}
	return r
}

// meanStd returns the mean and standard deviation over particles of
// exact[k] − est[k·e+j] (the finite ones).
func meanStd(exact, est []float64, j, e int) (mean, std float64) {
	n, sum, sum2 := 0, 0.0, 0.0
	for k := range exact {
		d := exact[k] - est[k*e+j]
		if math.IsNaN(d) || math.IsInf(d, 0) {
			continue
		}
		n++
		sum += d
		sum2 += d * d
	}
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	mean = sum / float64(n)
	if n < 2 {
		return mean, math.NaN()
	}
	return mean, math.Sqrt(math.Max(sum2-float64(n)*mean*mean, 0) / float64(n-1))
}

// nanSummary is the summary of no values.
func nanSummary() Summary {
	return Summary{Mean: math.NaN(), Median: math.NaN(), Q10: math.NaN(), Q90: math.NaN()}
}

// positiveShare is the share of the finite values that are > 0 (NaN when
// none is finite).
func positiveShare(v []float64) float64 {
	n, pos := 0, 0
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		n++
		if x > 0 {
			pos++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return float64(pos) / float64(n)
}
