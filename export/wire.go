package export

import "fisherscope/sim"

// The JSON wire contract of rows and summaries (README "Output fields"):
// one object per row with the estimators' names as keys, null for values
// that are not finite. sim's types are plain data; their forms live here.

// jsonRows converts rows to their JSON objects.
func jsonRows(rows []sim.Row) []map[string]any {
	out := make([]map[string]any, len(rows))
	for i, r := range rows {
		out[i] = jsonRow(r)
	}
	return out
}

// jsonRow is one row: the exact quantities, then each estimator by name.
func jsonRow(r sim.Row) map[string]any {
	m := map[string]any{
		"step": r.Step, "t": r.T, "sigma": num(r.Sigma), "evals": r.Evals,
		"trace_exact": jsonSummary(r.TraceF), "logq": jsonSummary(r.LogQ), "nll_err": jsonSummary(r.NLLErr), "nll_bpd": jsonSummary(r.NLLBPD),
		"asym_full": jsonSummary(r.AsymFull), "asym_offdiag": jsonSummary(r.AsymOffDiag),
		"min_eig_sym": jsonSummary(r.MinEigSym), "dfea_relerr": jsonSummary(r.DFEA),
		"guide_loss": jsonSummary(r.GuideLoss), "guide_dfea_err": jsonSummary(r.GuideErr),
		"guide_vjp_err": jsonSummary(r.GuideErrVJP), "guide_dfea_learned_err": jsonSummary(r.GuideErrEAL),
	}
	for _, e := range r.Est {
		m[e.Name] = map[string]any{"estimate": jsonSummary(e.Estimate), "rel_err": jsonSummary(e.RelErr),
			"variance": jsonSummary(e.Variance), "nll_err": jsonSummary(e.NLLErr), "nll_bias": num(e.NLLBias), "nll_std": num(e.NLLStd),
			"matvecs": e.MatVecs, "qrs": e.QRs}
	}
	return m
}

// jsonSummary is {"mean", "median", "q10", "q90", "n"}.
func jsonSummary(s sim.Summary) map[string]any {
	return map[string]any{"mean": num(s.Mean), "median": num(s.Median), "q10": num(s.Q10), "q90": num(s.Q90), "n": s.N}
}
