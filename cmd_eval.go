package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math"
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

// setupEval defines the flags of `fisherscope eval`: the schedule, data,
// time and point.
func setupEval(fs *flag.FlagSet) action {
	f := &evalFlags{}
	fs.StringVar(&f.schedule, "schedule", "vp", "noise schedule `NAME`: "+strings.Join(model.ScheduleNames(), ", "))
	fs.StringVar(&f.data, "data", "ot-nonaffine", "data set `NAME`: "+strings.Join(model.DatasetNames(), ", ")+", or csv (with --csv)")
	fs.StringVar(&f.csv, "csv", "", "`FILE` of 2-D points (one per line) used when --data csv")
	fs.Float64Var(&f.t, "t", 0.5, "diffusion time `T`, inside the schedule's range")
	fs.StringVar(&f.x, "x", "0.1,-0.2", "the point `X1,X2[,...]`; more than 2 coordinates embed the data in that many dimensions")
	fs.IntVar(&f.n, "n", 2048, "draw `N` points for sampled data sets (1 to 1000000)")
	fs.Uint64Var(&f.seed, "seed", 1, "`SEED` of sampled data and the embedding")
	fs.Float64Var(&f.noise, "ambient-noise", 0, "off-plane scatter of the data when embedded: standard deviation `S` (≥ 0)")
	return func(_ context.Context, _ []string, stdout, _ io.Writer) error {
		return runEval(f, stdout)
	}
}

// parseVector parses comma-separated finite numbers of magnitude at most
// model.MaxCoordinate.
func parseVector(s string) ([]float64, error) {
	parts := strings.Split(s, ",")
	x := make([]float64, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("coordinate %d: %q is not a finite number", i+1, p)
		}
		if math.Abs(v) > model.MaxCoordinate {
			return nil, fmt.Errorf("coordinate %d: %q exceeds %g in magnitude", i+1, p, model.MaxCoordinate)
		}
		x[i] = v
	}
	return x, nil
}

// evalInputs checks eval's flags and loads its data: every error is refused input.
func evalInputs(f *evalFlags) (model.Mixture, []float64, model.Coeffs, error) {
	var c model.Coeffs
	x, err := parseVector(f.x)
	if err != nil {
		return nil, nil, c, fmt.Errorf("eval --x: %w", err)
	}
	sched, err := model.ScheduleByName(f.schedule)
	if err != nil {
		return nil, nil, c, fmt.Errorf("eval --schedule: %w", err)
	}
	if c, err = sched.At(f.t); err != nil {
		return nil, nil, c, fmt.Errorf("eval --t: %w", err)
	}
	if c.Sigma <= 0 {
		return nil, nil, c, fmt.Errorf("eval --t: σ(%g) = 0 for %s; the Fisher is undefined there (choose t > 0)", f.t, f.schedule)
	}
	name := f.data
	if name == "csv" {
		name = "file:" + f.csv
	}
	data, err := sim.LoadData(name, f.n, len(x), f.noise, f.seed)
	if err != nil {
		return nil, nil, c, fmt.Errorf("eval: %w", err)
	}
	return data.Mix, x, c, nil
}

// runEval checks eval's input and prints the quantities at the point.
func runEval(f *evalFlags, stdout io.Writer) error {
	m, x, c, err := evalInputs(f)
	if err != nil {
		return refused(err)
	}
	var b bytes.Buffer
	if err := printEval(&b, f, m, x, c); err != nil {
		return err
	}
	if _, err := stdout.Write(b.Bytes()); err != nil {
		return fmt.Errorf("eval: writing output: %w", err)
	}
	return nil
}

// printEval writes the posterior quantities and the Fisher at x.
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
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("eval: writing output: %w", err)
	}
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

// vec formats a vector with 10 significant digits per coordinate.
func vec(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.FormatFloat(x, 'g', 10, 64)
	}
	return strings.Join(s, ", ")
}
