package export

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"fisherscope/sim"
)

// EstimatorAverages reduces one estimator over the rows of a run.
type EstimatorAverages struct {
	RelErr             float64 // mean over rows of the particle-mean RMS relative error
	RelVariance        float64 // mean over rows of Var / (mean exact tr F)²
	MatVecsPerEstimate float64 // matvecs per particle, draw and row
	QRs                int64   // sketch factorisations, all rows
}

// Averages reduces estimator e over the rows of res.
func Averages(res *sim.Result, e int) EstimatorAverages {
	var a EstimatorAverages
	var nE, nV, rows int
	var mv int64
	for _, r := range res.Rows {
		er := r.Est[e]
		if !math.IsNaN(er.RelErr.Mean) {
			a.RelErr += er.RelErr.Mean
			nE++
		}
		if tr := r.TraceF.Mean; !math.IsNaN(er.Variance.Mean) && tr != 0 && !math.IsNaN(tr) {
			a.RelVariance += er.Variance.Mean / (tr * tr)
			nV++
		}
		if er.RelErr.N > 0 {
			rows++
		}
		mv += er.MatVecs
		a.QRs += er.QRs
	}
	a.RelErr /= float64(nE)
	a.RelVariance /= float64(nV)
	a.MatVecsPerEstimate = float64(mv) / float64(max(1, rows*res.Params.Particles*res.Params.Repeats))
	return a
}

// SweepRun is one labelled run of a sweep.
type SweepRun struct {
	Values map[string]string
	Result *sim.Result
}

// WriteSweepTable writes one line per run: the swept values, the final OT
// numbers (when Φ is integrated), each estimator's averages and the final
// log-likelihood error.
func WriteSweepTable(w io.Writer, keys []string, runs []SweepRun) error {
	if len(runs) == 0 {
		return nil
	}
	p := runs[0].Result.Params
	jac := p.Jacobian != sim.JacobianOff
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := append([]string(nil), keys...)
	if jac {
		head = append(head, "asym offdiag %", "± se", "asym full %", "sym PD %")
	}
	for _, est := range p.Estimators {
		e := est.String()
		head = append(head, e+" err", e+" rel var", e+" matvecs", e+" QRs", e+" ΔNLL sd")
	}
	head = append(head, "|ΔNLL| nats", "evals/particle", "time s")
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, r := range runs {
		cols := make([]string, 0, len(head))
		for _, k := range keys {
			cols = append(cols, r.Values[k])
		}
		if jac {
			s := FinalOT(r.Result)
			cols = append(cols, pct(s.OffDiag), pct(s.OffDiagSE), pct(s.Full), pct(s.PDFraction))
		}
		for e := range r.Result.Params.Estimators {
			a := Averages(r.Result, e)
			cols = append(cols, g(a.RelErr), g(a.RelVariance), fmt.Sprintf("%.2f", a.MatVecsPerEstimate), fmt.Sprint(a.QRs),
				g(r.Result.Rows[len(r.Result.Rows)-1].Est[e].NLLStd))
		}
		last := r.Result.Rows[len(r.Result.Rows)-1]
		var evals int64
		for _, row := range r.Result.Rows {
			evals += row.Evals
		}
		cols = append(cols, g(last.NLLErr.Mean), fmt.Sprintf("%.1f", float64(evals)/float64(max(1, r.Result.Params.Particles))),
			fmt.Sprintf("%.2f", r.Result.Elapsed.Seconds()))
		fmt.Fprintln(tw, strings.Join(cols, "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "err: mean over steps of the RMS relative error of tr F; rel var: mean over steps of Var/(tr F)²; matvecs: per estimate; QRs: total sketch factorisations; |ΔNLL|: mean |log-likelihood − closed form| at t_end in nats, exact trace; evals: velocity evaluations per particle over the run; ΔNLL sd: spread over particles of the NLL with the estimator's trace minus the exact one, at t_end (nats)")
	return nil
}
