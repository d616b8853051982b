package export

import (
	"encoding/csv"
	"io"
	"strconv"

	"fisherscope/sim"
)

// CSVHeader returns the column names of WriteCSV for the given estimators.
func CSVHeader(estimators []sim.Estimator) []string {
	h := []string{"run", "step", "t", "sigma", "trace_exact_mean", "trace_exact_median", "logq_mean",
		"nll_err_mean", "nll_bpd_mean", "asym_full_mean", "asym_offdiag_mean", "min_eig_sym_mean", "dfea_relerr_mean"}
	for _, est := range estimators {
		e := est.String()
		h = append(h, e+"_estimate_mean", e+"_rel_err_mean", e+"_variance_mean", e+"_nll_err_mean", e+"_nll_bias", e+"_nll_std", e+"_matvecs", e+"_qrs")
	}
	return h
}

// WriteCSV writes one line per step of res, the first column holding label.
// header controls whether the header line is written first.
func WriteCSV(w io.Writer, label string, res *sim.Result, header bool) error {
	cw := csv.NewWriter(w)
	if header {
		if err := cw.Write(CSVHeader(res.Params.Estimators)); err != nil {
			return err
		}
	}
	for _, r := range res.Rows {
		rec := []string{label, strconv.Itoa(r.Step), f(r.T), f(r.Sigma), f(r.TraceF.Mean), f(r.TraceF.Median), f(r.LogQ.Mean),
			f(r.NLLErr.Mean), f(r.NLLBPD.Mean), f(r.AsymFull.Mean), f(r.AsymOffDiag.Mean), f(r.MinEigSym.Mean), f(r.DFEA.Mean)}
		for _, e := range r.Est {
			rec = append(rec, f(e.Estimate.Mean), f(e.RelErr.Mean), f(e.Variance.Mean), f(e.NLLErr.Mean), f(e.NLLBias), f(e.NLLStd),
				strconv.FormatInt(e.MatVecs, 10), strconv.FormatInt(e.QRs, 10))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// f formats a number for CSV; NaN is written as an empty field.
func f(x float64) string {
	if x != x {
		return ""
	}
	return strconv.FormatFloat(x, 'g', 10, 64)
}
