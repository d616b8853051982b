package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"gonum.org/v1/gonum/mat"

	"fisherscope/model"
	"fisherscope/sim"
)

// evalFlags are the flags of `fisherscope eval`.
type evalFlags struct {
	schedule, data, x, csv string
	t, noise               float64
	n                      int
	seed                   uint64
}

func parseEvalFlags(args []string, stderr io.Writer) (*evalFlags, error) {
	f := &evalFlags{}
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.schedule, "schedule", "vp", "noise schedule: "+strings.Join(model.ScheduleNames(), ", "))
	fs.StringVar(&f.data, "data", "ot-nonaffine", "data set: "+strings.Join(model.DatasetNames(), ", ")+", or csv (with --csv)")
	fs.StringVar(&f.csv, "csv", "", "file of 2-D points (one per line) used when --data csv")
	fs.Float64Var(&f.t, "t", 0.5, "diffusion time t, inside the schedule's range")
	fs.StringVar(&f.x, "x", "0.1,-0.2", "the point x: comma-separated coordinates; more than 2 embeds the data in that many dimensions")
	fs.IntVar(&f.n, "n", 2048, "points drawn for sampled data sets (1 to 1000000)")
	fs.Uint64Var(&f.seed, "seed", 1, "seed for sampled data and the embedding")
	fs.Float64Var(&f.noise, "ambient-noise", 0, "standard deviation of the off-plane scatter of the data when embedded (≥ 0)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("eval: unexpected argument %q", fs.Arg(0))
	}
	return f, nil
}

// parseVector parses comma-separated finite numbers.
func parseVector(s string) ([]float64, error) {
	parts := strings.Split(s, ",")
	x := make([]float64, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || v != v || v > 1e300 || v < -1e300 {
			return nil, fmt.Errorf("coordinate %d: %q is not a finite number", i+1, p)
		}
		x[i] = v
	}
	return x, nil
}

func runEval(_ context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseEvalFlags(args, stderr)
	if err != nil {
		return err
	}
	x, err := parseVector(f.x)
	if err != nil {
		return fmt.Errorf("eval --x: %w", err)
	}
	sched, err := model.ScheduleByName(f.schedule)
	if err != nil {
		return fmt.Errorf("eval --schedule: %w", err)
	}
	c, err := sched.At(f.t)
	if err != nil {
		return fmt.Errorf("eval --t: %w", err)
	}
	if c.Sigma <= 0 {
		return fmt.Errorf("eval --t: σ(%g) = 0 for %s; the Fisher is undefined there (choose t > 0)", f.t, f.schedule)
	}
	name := f.data
	if name == "csv" {
		name = "file:" + f.csv
	}
	data, err := sim.LoadData(name, f.n, len(x), f.noise, f.seed)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	return printEval(stdout, f, data.Mix, x, c)
}

func printEval(w io.Writer, f *evalFlags, m model.Mixture, x []float64, c model.Coeffs) error {
	d := m.Dim()
	p := model.NewPosterior(m)
	m.Posterior(p, x, c)
	score := make([]float64, d)
	p.Score(score, x)
	fm := mat.NewSymDense(d, nil)
	p.FisherTo(fm)
	var es mat.EigenSym
	if !es.Factorize(fm, false) {
		return fmt.Errorf("eval: eigen-decomposition of the Fisher failed")
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "schedule\t%s\tt = %g, α = %.6g, σ = %.6g\n", f.schedule, c.T, c.Alpha, c.Sigma)
	fmt.Fprintf(tw, "data\t%s\t%d components in %d dimensions\n", f.data, m.Len(), d)
	fmt.Fprintf(tw, "x\t%s\t\n", vec(x))
	fmt.Fprintf(tw, "log q_t(x)\t%.10g\tnats\n", p.LogDensity)
	fmt.Fprintf(tw, "score\t%s\t∇ log q_t(x)\n", vec(score))
	fmt.Fprintf(tw, "denoiser\t%s\tE[x0 | x_t = x]\n", vec(p.Mean))
	fmt.Fprintf(tw, "tr C\t%.10g\tposterior covariance trace\n", p.TrCov)
	fmt.Fprintf(tw, "tr F\t%.10g\tdiffusion Fisher trace\n", p.TraceFisher())
	fmt.Fprintf(tw, "eig F\t%s\tascending\n", vec(es.Values(nil)))
	tw.Flush()
	if d <= 8 {
		fmt.Fprintln(w, "F =")
		for i := 0; i < d; i++ {
			row := make([]float64, d)
			for j := range row {
				row[j] = fm.At(i, j)
			}
			fmt.Fprintf(w, "  [%s]\n", vec(row))
		}
	}
	return nil
}

func vec(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.FormatFloat(x, 'g', 10, 64)
	}
	return strings.Join(s, ", ")
}
