package export

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"fisherscope/sim"
)

// WriteRunTable writes one run for people: about ten steps evenly spaced,
// with units, then the final OT verdict.
func WriteRunTable(w io.Writer, res *sim.Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	p := res.Params
	jac := p.Jacobian != sim.JacobianOff
	head := []string{"step", "t", "σ", "tr F", "|ΔNLL| nats", "NLL bpd"}
	if jac {
		head = append(head, "asym full %", "asym offdiag %")
	}
	if p.DFEA > 0 {
		head = append(head, "DF-EA err")
	}
	for _, est := range p.Estimators {
		e := est.String()
		head = append(head, e+" err", e+" var", e+" ΔNLL", e+" sd")
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	last := len(res.Rows) - 1
	for j := 0; j <= 10; j++ {
		i := int(math.Round(float64(j) * float64(last) / 10))
		if j > 0 && i == int(math.Round(float64(j-1)*float64(last)/10)) {
			continue
		}
		r := res.Rows[i]
		cols := []string{fmt.Sprint(r.Step), g(r.T), g(r.Sigma), g(r.TraceF.Mean), g(r.NLLErr.Mean), g(r.NLLBPD.Mean)}
		if jac {
			cols = append(cols, pct(r.AsymFull.Mean), pct(r.AsymOffDiag.Mean))
		}
		if p.DFEA > 0 {
			cols = append(cols, g(r.DFEA.Mean))
		}
		for _, e := range r.Est {
			cols = append(cols, g(e.RelErr.Mean), g(e.Variance.Mean), g(e.NLLBias), g(e.NLLStd))
		}
		fmt.Fprintln(tw, strings.Join(cols, "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "units: t diffusion time; tr F in 1/(data unit)²; err: RMS relative error of the draws; var: variance of the draws in (1/unit²)²; |ΔNLL|: mean |ℓ − log q_t(x_t)| in nats with the exact trace; NLL bpd: −ℓ/(d ln 2), the continuous density of x_t, no dequantisation; ΔNLL, sd: bias and spread over particles of the NLL with the estimator's trace minus the exact one (nats); means over particles")
	var evals int64
	for _, r := range res.Rows {
		evals += r.Evals
	}
	end := res.Rows[len(res.Rows)-1]
	fmt.Fprintf(w, "likelihood at t_end: mean |ΔNLL| %s nats (max over particles ≈ q90 %s), %s velocity evaluations in all (%.1f per particle)\n",
		g(end.NLLErr.Mean), g(end.NLLErr.Q90), Human(evals), float64(evals)/float64(max(1, res.Params.Particles)))
	if jac {
		s := FinalOT(res)
		fmt.Fprintf(w, "final Φ: asym offdiag %s ± %s %%, asym full %s %%, symmetric part positive definite for %s %% of %d particles — %s\n",
			pct(s.OffDiag), pct(s.OffDiagSE), pct(s.Full), pct(s.PDFraction), s.N, s.Verdict())
	}
	return nil
}

// OT summarises the final fundamental matrices over particles.
type OT struct {
	OffDiag, OffDiagSE, Full, PDFraction float64
	N                                    int
}

// Verdict says in words whether the map looks like an OT map.
func (s OT) Verdict() string {
	if s.N == 0 {
		return "no Φ"
	}
	if s.Full < 1e-6 && s.PDFraction > 0.999 {
		return "symmetric and positive definite: consistent with an OT map"
	}
	return "asymmetric: not an OT map"
}

// FinalOT reduces the particles' final Φ.
func FinalOT(res *sim.Result) OT {
	var s OT
	var sum, sum2, full float64
	pd := 0
	for _, p := range res.Particles {
		if math.IsNaN(p.AsymOffDiag) {
			continue
		}
		s.N++
		sum += p.AsymOffDiag
		sum2 += p.AsymOffDiag * p.AsymOffDiag
		full += p.AsymFull
		if p.MinEigSym > 0 {
			pd++
		}
	}
	if s.N == 0 {
		return OT{OffDiag: math.NaN(), OffDiagSE: math.NaN(), Full: math.NaN(), PDFraction: math.NaN()}
	}
	n := float64(s.N)
	s.OffDiag, s.Full, s.PDFraction = sum/n, full/n, float64(pd)/n
	if s.N > 1 {
		s.OffDiagSE = math.Sqrt(math.Max(sum2/n-s.OffDiag*s.OffDiag, 0) / (n - 1))
	}
	return s
}

func g(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	return fmt.Sprintf("%.4g", x)
}

func pct(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	return fmt.Sprintf("%.2f", 100*x)
}

// Human formats a count with k/M/G suffixes (one decimal), for tables and
// status lines.
func Human(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1fG", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}
