package paper

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"text/tabwriter"
	"time"

	"fisherscope/model"
	"fisherscope/sim"
)

// Table1Row is the cost of each access to the Fisher at one dimension.
type Table1Row struct {
	Dim                   int
	TraceVJP, TraceDFTM   time.Duration // one trace
	MatVecVJP, MatVecDFEA time.Duration // one F·v
}

// Table1Dims are the dimensions of Table 1.
func Table1Dims() []int { return []int{2, 4, 16, 64, 256} }

// MeasureTable1 times, for each dimension, the VJP trace (D backward
// passes) against DF-TM (one forward pass), and the VJP matvec (one
// backward pass) against DF-EA (one denoiser pass and O(D) work). The
// networks are the scenario's architecture after net_steps training steps
// at that dimension (timing does not depend on the weights; use a small
// net_steps to measure quickly). Each figure is the mean of reps calls.
func MeasureTable1(ctx context.Context, p sim.Params, env sim.Env, reps int) ([]Table1Row, error) {
	var out []Table1Row
	for _, d := range Table1Dims() {
		q := p
		q.Dim = d
		tr, err := sim.Train(ctx, q, true, env)
		if err != nil {
			return nil, fmt.Errorf("dim %d: %w", d, err)
		}
		c, err := tr.Schedule.At(0.5)
		if err != nil {
			return nil, err
		}
		r := rand.New(rand.NewPCG(p.Seed, 0x7ab1e1))
		x, v, dst, xh, xt := make([]float64, d), make([]float64, d), make([]float64, d), make([]float64, d), make([]float64, d)
		for j := range x {
			x[j], v[j], xh[j] = r.NormFloat64(), r.NormFloat64(), r.NormFloat64()
		}
		time1 := func(f func()) time.Duration {
			f() // warm up
			t0 := time.Now()
			for i := 0; i < reps; i++ {
				f()
			}
			return time.Since(t0) / time.Duration(reps)
		}
		row := Table1Row{Dim: d}
		row.TraceVJP = time1(func() { tr.Score.TraceVJP(x, c) })
		row.TraceDFTM = time1(func() { tr.Norm.Trace(x, c) })
		row.MatVecVJP = time1(func() { tr.Score.VJP(dst, x, v, c) })
		row.MatVecDFEA = time1(func() {
			tr.Score.Denoise(xt, x, c)
			model.DFEAMatVec(dst, v, xh, xt, c)
		})
		out = append(out, row)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// WriteTable1 prints the costs, their ratios and the paper's SD-1.5 figures.
func WriteTable1(w io.Writer, rows []Table1Row) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, strings.Join([]string{"D", "trace VJP µs", "trace DF-TM µs", "VJP/DF-TM", "F·v VJP µs", "F·v DF-EA µs", "VJP/DF-EA"}, "\t")+"\t")
	us := func(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Nanoseconds())/1e3) }
	ratio := func(a, b time.Duration) string { return fmt.Sprintf("%.1f×", float64(a)/float64(max(b, 1))) }
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join([]string{fmt.Sprint(r.Dim), us(r.TraceVJP), us(r.TraceDFTM), ratio(r.TraceVJP, r.TraceDFTM),
			us(r.MatVecVJP), us(r.MatVecDFEA), ratio(r.MatVecVJP, r.MatVecDFEA)}, "\t")+"\t")
	}
	fmt.Fprintln(tw, strings.Join([]string{"paper (SD-1.5, D=16384)", "2195.48 s", "0.072 s", "3.0e4×", "0.155 s", "0.063 s", "2.5×"}, "\t")+"\t")
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "one call each, mean over repetitions, this machine; the VJP trace needs D backward passes, DF-TM one forward pass")
	return err
}
