package paper

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"text/tabwriter"
	"time"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"fisherscope/learn"
	"fisherscope/model"
	"fisherscope/sim"
)

// table2Times are the paper's times (its "0.0" column is the schedule's
// smallest time here, where σ > 0).
func table2Times() []float64 { return []float64{1, 0.8, 0.6, 0.4, 0.2, 0} }

// Method is one row of Table 2: the mean relative error at each time and
// the mean cost of one evaluation.
type Method struct {
	Name   string
	RelErr []float64 // per time, mean over the points
	Micros float64   // mean cost of one trace (or matvec) in µs
}

// Table2 is the measured table.
type Table2 struct {
	Times   []float64
	Points  int
	Methods []Method
}

// MeasureTable2 trains (or loads) the networks of p, then at each time t
// draws p.Particles points x_t = α x₀ + σ ε (x₀ from the data, seeded) and
// compares each learned method with the exact trace of the Dirac/GMM
// mixture. DF-EA's error is ‖F − F_EA‖_F/‖F‖_F with x̂₀ the endpoint of the
// exact PF-ODE (50 DDIM steps) from x_t and x_θ the learned denoiser.
func MeasureTable2(ctx context.Context, p sim.Params, env sim.Env) (*Table2, error) {
	tr, err := sim.Train(ctx, p, true, env)
	if err != nil {
		return nil, err
	}
	lo, hi := tr.Schedule.Range()
	src, err := learn.NewMixtureSource(tr.Data)
	if err != nil {
		return nil, err
	}
	names := []string{"VJP (eq. 15, exact trace of J_θ)", fmt.Sprintf("Hutchinson on J_θ (m=%d)", p.Probes),
		"DF-TM (Alg. 1)", "DF-TM (ε-space)", "DF-EA matvec (‖F−F_EA‖/‖F‖)", "score ‖ε_θ−ε*‖/‖ε*‖"}
	t2 := &Table2{Points: p.Particles}
	t2.Methods = make([]Method, len(names))
	for i := range names {
		t2.Methods[i].Name = names[i]
	}
	times := table2Times()
	if c, err := tr.Schedule.At(lo); err != nil || c.Sigma <= 0 {
		lo = 1e-3 // sd-ve, sd-edm: σ = 0 at t = 0; the first discrete step instead
	}
	for _, t := range times {
		t = math.Min(math.Max(t, lo), hi)
		t2.Times = append(t2.Times, t)
		c, err := tr.Schedule.At(t)
		if err != nil {
			return nil, err
		}
		errs, cost, err := atTime(ctx, tr, src, p, c)
		if err != nil {
			return nil, err
		}
		for i := range t2.Methods {
			t2.Methods[i].RelErr = append(t2.Methods[i].RelErr, errs[i])
			t2.Methods[i].Micros += cost[i] / float64(len(times))
		}
	}
	return t2, nil
}

// atTime measures every method at the coefficients c.
func atTime(ctx context.Context, tr *sim.Trained, src learn.Source, p sim.Params, c model.Coeffs) (errs, micros []float64, err error) {
	d := tr.Data.Dim()
	r := rand.New(rand.NewPCG(p.Seed, 0x7ab1e2))
	post := model.NewPosterior(tr.Data)
	op := &learn.FisherOp{Net: tr.Score}
	var tw model.TraceWork
	work := mat.NewSymDense(d, nil)
	x, x0, eps, epsStar, xTheta, xHat := make([]float64, d), make([]float64, d), make([]float64, d), make([]float64, d), make([]float64, d), make([]float64, d)
	const n = 6 // methods
	sum, dur := make([]float64, n), make([]time.Duration, n)
	for k := 0; k < p.Particles; k++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		src.Draw(x0, r)
		for j := range x {
			x[j] = c.Alpha*x0[j] + c.Sigma*r.NormFloat64()
		}
		tr.Data.Posterior(post, x, c)
		exact := post.TraceFisher()
		rel := func(v float64) float64 { return math.Abs(v-exact) / math.Abs(exact) }
		timed := func(i int, f func() float64) {
			t0 := time.Now()
			v := f()
			dur[i] += time.Since(t0)
			sum[i] += v
		}
		timed(0, func() float64 { return rel(tr.Score.TraceVJP(x, c)) })
		timed(1, func() float64 {
			op.Reset(x, c)
			return rel(model.Hutchinson(op, p.Probes, p.Probe, r, &tw).Value)
		})
		timed(2, func() float64 { return rel(tr.Norm.Trace(x, c)) })
		timed(3, func() float64 { return rel(tr.Eps.Trace(x, c)) })
		endpoint(xHat, x, tr, c)
		tr.Data.Posterior(post, x, c) // endpoint moved the workspace
		timed(4, func() float64 {
			tr.Score.Denoise(xTheta, x, c)
			_, e := model.DFEAError(post, xHat, xTheta, work)
			return e
		})
		timed(5, func() float64 {
			tr.Score.Eps(eps, x, c)
			post.Epsilon(epsStar, x)
			return floats.Distance(eps, epsStar, 2) / floats.Norm(epsStar, 2)
		})
	}
	errs, micros = make([]float64, n), make([]float64, n)
	for i := range errs {
		errs[i] = sum[i] / float64(p.Particles)
		micros[i] = float64(dur[i].Microseconds()) / float64(p.Particles)
	}
	return errs, micros, nil
}

// endpoint writes into dst the end of the exact PF-ODE from (x, c) to the
// schedule's smallest time (50 DDIM steps, uniform in t): the clean sample
// x̂₀ that adjoint guidance would have.
func endpoint(dst, x []float64, tr *sim.Trained, c model.Coeffs) {
	copy(dst, x)
	lo, _ := tr.Schedule.Range()
	post := model.NewPosterior(tr.Data)
	const steps = 50
	cur := c
	stop := math.Max(lo, 1e-6)
	if c0, err := tr.Schedule.At(stop); err != nil || c0.Sigma <= 0 {
		stop = 1e-3 // a schedule ending at σ = 0: stop at its first discrete step
	}
	for i := 1; i <= steps; i++ {
		t := c.T + float64(i)/steps*(stop-c.T)
		if i == steps {
			t = stop // exactly: t + (stop − t) can fall an ulp below the range
		}
		to, err := tr.Schedule.At(t)
		if err != nil || cur.Sigma <= 0 {
			return
		}
		tr.Data.Posterior(post, dst, cur)
		model.DDIMStep(dst, dst, post, to)
		cur = to
	}
	if cur.Sigma > 0 { // the denoiser at the end: the clean sample itself
		tr.Data.Posterior(post, dst, cur)
		copy(dst, post.Mean)
	}
}

// paperTable2 is the paper's Table 2 (checkerboard, its own networks), the
// reference printed beneath ours.
func paperTable2() [][]string {
	return [][]string{
		{"paper: VJP (eq. 15)", "6.68 %", "5.79 %", "10.46 %", "20.13 %", "51.14 %", "70.95 %"},
		{"paper: DF-TM", "3.41 %", "4.56 %", "4.13 %", "4.28 %", "5.33 %", "5.81 %"},
	}
}

// Write prints the table: our rows, then the paper's, then the costs.
func (t *Table2) Write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := []string{"method"}
	for _, t := range t.Times {
		head = append(head, fmt.Sprintf("t=%.3g", t))
	}
	fmt.Fprintln(tw, strings.Join(append(head, "µs/eval"), "\t")+"\t")
	for _, m := range t.Methods {
		row := []string{m.Name}
		for _, e := range m.RelErr {
			row = append(row, fmt.Sprintf("%.2f %%", 100*e))
		}
		fmt.Fprintln(tw, strings.Join(append(row, fmt.Sprintf("%.1f", m.Micros)), "\t")+"\t")
	}
	for _, r := range paperTable2() {
		fmt.Fprintln(tw, strings.Join(append(r, "–"), "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "mean relative error over %d points x_t = α x₀ + σ ε per time, against the exact trace of the data's mixture; "+
		"the paper's rows are its own networks on checkerboard (references, not targets); µs/eval: one trace (DF-EA: one error evaluation, incl. F), this machine\n", t.Points)
	return err
}
