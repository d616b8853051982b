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

	"fisherscope/learn"
	"fisherscope/model"
	"fisherscope/sim"
)

// Adjoint guidance (paper § "adjoint guidance", math-spec §4) along exact
// DDIM trajectories. For a loss L(x_end) = ½‖x_end − goal‖² the adjoint
// a_i = ∂L/∂x_{t_i} of the DDIM map x_{i+1} = A_i x_i + B_i D(x_i) is
// a_i = M_iᵀ a_{i+1} with the symmetric Jacobian
// M_i = A_i I + B_i (α_i/σ_i²) C(x_i), so only C·a is needed. The methods
// differ in how they get it:
//   - exact: the mixture's posterior covariance (the truth only fisherscope has);
//   - VJP: the learned score, C a = (σ⁴/α²)(a/σ² − F_θ a), F_θ a = (1/σ) J_εᵀ a;
//   - DF-EA: E[yyᵀ] replaced by x̂₀x̂₀ᵀ with x̂₀ the trajectory's clean endpoint D(x_end),
//     C a ≈ (x̂₀ᵀa) x̂₀ − (x_θᵀa) x_θ, with the exact or the learned denoiser x_θ.

// adjointMethod applies one method's C approximation: dst = C a at (x, c).
// prepare (if not nil) is called once per trajectory with its endpoint.
type adjointMethod struct {
	name    string
	covMV   func(dst, a, x []float64, c model.Coeffs)
	prepare func(xEnd []float64)
}

// GuidanceRow is one method's adjoint error at one time.
type GuidanceRow struct {
	RelErr, Cos float64 // mean over particles of ‖a − a*‖/‖a*‖ and cos(a, a*) (NaN when N = 0)
	N           int     // particles counted: those whose exact adjoint a* is not zero
}

// Guidance is the measured report for one loss.
type Guidance struct {
	Loss    model.GuideLoss
	Goal    []float64
	Times   []float64       // the reported grid times
	Methods []string        // method names (exact first)
	Err     [][]GuidanceRow // [method][time]
	Micros  []float64       // mean cost of one adjoint step (µs)
	Final   []GuidedOutcome // per method, after guidance; last entry: no guidance
}

// GuidedOutcome describes guided samples: the loss reached, the share
// within radius 1 of the goal, and the mean distance to the nearest data point.
type GuidedOutcome struct {
	Name          string
	Loss, Inside  float64
	DistanceData  float64
	AdjointMicros float64
}

// MeasureGuidance runs p.Particles exact DDIM trajectories (p.Steps steps),
// compares each method's adjoint with the exact one at every step, then
// guides fresh trajectories with each method (x_i ← x_i − strength·a_i at the
// first window steps) and describes where they end.
func MeasureGuidance(ctx context.Context, p sim.Params, l model.GuideLoss, strength float64, window int, env sim.Env) (*Guidance, error) {
	tr, err := sim.Train(ctx, p, false, env)
	if err != nil {
		return nil, err
	}
	d := tr.Data.Dim()
	s := tr.Schedule
	tEnd := p.TEnd
	if tEnd <= 0 {
		tEnd = s.DefaultTEnd()
	}
	if c, err := s.At(tEnd); err != nil || c.Sigma <= 0 {
		return nil, fmt.Errorf("guidance: needs σ(t_end) > 0 (the denoiser at the endpoint); %s ends at σ = 0", s.Name())
	}
	grid, err := model.MakeGrid(s, p.Grid, p.Steps, tEnd, p.Rho)
	if err != nil {
		return nil, err
	}
	coeffs := make([]model.Coeffs, len(grid))
	for i, t := range grid {
		if coeffs[i], err = s.At(t); err != nil {
			return nil, err
		}
	}
	g := &guider{mix: tr.Data, net: tr.Score, coeffs: coeffs, loss: l, d: d,
		post: model.NewPosterior(tr.Data), op: &learn.FisherOp{Net: tr.Score}}
	methods := g.methods()
	out := &Guidance{Loss: l}
	if gl, ok := l.(model.GoalLoss); ok {
		out.Goal = gl.Goal
	}
	for _, m := range methods {
		out.Methods = append(out.Methods, m.name)
	}
	if err := g.compare(ctx, p, methods, out); err != nil {
		return nil, err
	}
	for _, m := range append(methods, adjointMethod{name: "no guidance"}) {
		o, err := g.guide(ctx, p, m, strength, window)
		if err != nil {
			return nil, err
		}
		out.Final = append(out.Final, o)
	}
	return out, nil
}

// guider holds what every trajectory needs; one goroutine.
type guider struct {
	mix    model.Mixture
	net    *learn.ScoreNet
	coeffs []model.Coeffs
	loss   model.GuideLoss
	d      int
	post   *model.Posterior
	op     *learn.FisherOp
}

func (g *guider) methods() []adjointMethod {
	d := g.d
	tmp, xTheta, xHat := make([]float64, d), make([]float64, d), make([]float64, d)
	end := g.coeffs[len(g.coeffs)-1]
	// x̂₀ is the clean sample the trajectory ends at: the denoiser at the
	// endpoint (x_end itself carries σ(t_end) noise, which α²/σ⁴ would
	// amplify); the same denoiser gives x_θ.
	dfea := func(name string, den func(dst, x []float64, c model.Coeffs)) adjointMethod {
		return adjointMethod{name: name,
			prepare: func(xEnd []float64) { den(xHat, xEnd, end) }, // x̂₀: once per trajectory
			covMV: func(dst, a, x []float64, c model.Coeffs) {
				den(xTheta, x, c)
				model.DFEACovMatVec(dst, a, xHat, xTheta)
			}}
	}
	exactDen := func(dst, x []float64, c model.Coeffs) {
		g.mix.Posterior(g.post, x, c)
		copy(dst, g.post.Mean)
	}
	return []adjointMethod{
		{name: "exact", covMV: func(dst, a, x []float64, c model.Coeffs) {
			g.mix.Posterior(g.post, x, c)
			g.post.CovMatVec(dst, a)
		}},
		{name: "VJP (learned score)", covMV: func(dst, a, x []float64, c model.Coeffs) {
			g.op.Reset(x, c)
			g.op.MatVecT(tmp, a) // aᵀF_θ: the VJP of the paper (eq. 19)
			model.CovFromFisher(dst, a, tmp, c)
		}},
		dfea("DF-EA (exact x_θ)", exactDen),
		dfea("DF-EA (learned x_θ)", g.net.Denoise),
	}
}

// forward runs the exact DDIM trajectory from x (rows 0…n), storing states.
func (g *guider) forward(xs [][]float64, from int) {
	for i := from; i+1 < len(g.coeffs); i++ {
		g.mix.Posterior(g.post, xs[i], g.coeffs[i])
		model.DDIMStep(xs[i+1], xs[i], g.post, g.coeffs[i+1])
	}
}

// adjoint writes a_i for i = n…stop (a[i]) with method m, from the stored
// trajectory xs; it returns the mean time of one step.
func (g *guider) adjoint(a, xs [][]float64, m adjointMethod, stop int) time.Duration {
	n := len(g.coeffs) - 1
	g.loss.Grad(a[n], xs[n])
	cv := make([]float64, g.d)
	start := time.Now()
	if m.prepare != nil {
		m.prepare(xs[n])
	}
	for i := n - 1; i >= stop; i-- {
		m.covMV(cv, a[i+1], xs[i], g.coeffs[i])
		copy(a[i], a[i+1])
		model.DDIMAdjointStep(a[i], cv, g.coeffs[i], g.coeffs[i+1])
	}
	return time.Since(start) / time.Duration(max(n-stop, 1))
}

// compare measures every method's adjoint against the exact one.
func (g *guider) compare(ctx context.Context, p sim.Params, methods []adjointMethod, out *Guidance) error {
	n := len(g.coeffs) - 1
	xs, exact, approx := g.buffers(), g.buffers(), g.buffers()
	report := reportRows(n)
	for _, i := range report {
		out.Times = append(out.Times, g.coeffs[i].T)
	}
	out.Err = make([][]GuidanceRow, len(methods))
	for mi := range methods {
		out.Err[mi] = make([]GuidanceRow, len(report))
	}
	out.Micros = make([]float64, len(methods))
	r := rand.New(rand.NewPCG(p.Seed, 0x9a1d))
	for k := 0; k < p.Particles; k++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		for j := range xs[0] {
			xs[0][j] = g.coeffs[0].Sigma * r.NormFloat64()
		}
		g.forward(xs, 0)
		g.adjoint(exact, xs, methods[0], 0)
		for mi, m := range methods {
			dt := g.adjoint(approx, xs, m, 0)
			out.Micros[mi] += float64(dt.Nanoseconds()) / 1e3 / float64(p.Particles)
			for ri, i := range report {
				// A particle the loss does not see (a* = 0, e.g. inside a
				// half-plane) has no relative error: it is left out.
				if nb := floats.Norm(exact[i], 2); !(nb > 0) || math.IsInf(nb, 0) {
					continue
				}
				e, c := relCos(approx[i], exact[i])
				cell := &out.Err[mi][ri]
				cell.RelErr += e
				cell.Cos += c
				cell.N++
			}
		}
	}
	for mi := range out.Err {
		for ri := range out.Err[mi] {
			cell := &out.Err[mi][ri]
			cell.RelErr /= float64(cell.N) // NaN when no particle counted
			cell.Cos /= float64(cell.N)
		}
	}
	return nil
}

// guide samples with guidance by method m (none: m.covMV nil) and
// describes where the samples end.
func (g *guider) guide(ctx context.Context, p sim.Params, m adjointMethod, strength float64, window int) (GuidedOutcome, error) {
	n := len(g.coeffs) - 1
	xs, a := g.buffers(), g.buffers()
	r := rand.New(rand.NewPCG(p.Seed, 0x9a1e))
	o := GuidedOutcome{Name: m.name}
	var spent time.Duration
	for k := 0; k < p.Particles; k++ {
		if err := ctx.Err(); err != nil {
			return o, err
		}
		for j := range xs[0] {
			xs[0][j] = g.coeffs[0].Sigma * r.NormFloat64()
		}
		start := 0
		for i := 0; i < min(window, n) && m.covMV != nil; i++ {
			g.forward(xs, i) // the current prediction of the endpoint
			spent += g.adjoint(a, xs, m, i) * time.Duration(n-i)
			for j := range xs[i] {
				xs[i][j] -= strength * a[i][j] // gradient step on L(x_end(x_i))
			}
			g.mix.Posterior(g.post, xs[i], g.coeffs[i]) // the guided state moves on
			model.DDIMStep(xs[i+1], xs[i], g.post, g.coeffs[i+1])
			start = i + 1
		}
		g.forward(xs, start)
		end := xs[n]
		o.Loss += g.loss.Value(end) / float64(p.Particles)
		if g.loss.Inside(end) {
			o.Inside += 1 / float64(p.Particles)
		}
		o.DistanceData += nearest(g.mix, end) / float64(p.Particles)
	}
	o.AdjointMicros = float64(spent.Nanoseconds()) / 1e3 / float64(max(p.Particles, 1))
	return o, nil
}

func (g *guider) buffers() [][]float64 {
	b := make([][]float64, len(g.coeffs))
	for i := range b {
		b[i] = make([]float64, g.d)
	}
	return b
}

// reportRows picks about six rows from T to t_end, t_end included.
func reportRows(n int) []int {
	var out []int
	for _, f := range []float64{0, 0.2, 0.4, 0.6, 0.8, 0.9, 1} {
		i := int(math.Round(f * float64(n)))
		if i == n {
			i = n - 1 // a_n is ∇L itself for every method
		}
		if len(out) == 0 || out[len(out)-1] != i {
			out = append(out, i)
		}
	}
	return out
}

func relCos(a, b []float64) (rel, cos float64) {
	nb := floats.Norm(b, 2)
	return floats.Distance(a, b, 2) / nb, floats.Dot(a, b) / (floats.Norm(a, 2) * nb)
}

// nearest returns the distance from x to the nearest data point (component
// mean for a Gaussian mixture).
func nearest(m model.Mixture, x []float64) float64 {
	best := math.Inf(1)
	if dm, ok := m.(*model.Dirac); ok {
		for i := 0; i < dm.Len(); i++ {
			best = math.Min(best, floats.Distance(dm.Point(i), x, 2))
		}
		return best
	}
	if gm, ok := m.(*model.GMM); ok {
		for c := 0; c < gm.Len(); c++ {
			best = math.Min(best, floats.Distance(gm.Mean(c), x, 2))
		}
	}
	return best
}

// WriteGuidance prints the adjoint errors per time and the guided outcomes.
func WriteGuidance(w io.Writer, g *Guidance) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := []string{"adjoint ∂L/∂x_t"}
	for _, t := range g.Times {
		head = append(head, fmt.Sprintf("t=%.3g", t))
	}
	fmt.Fprintln(tw, strings.Join(append(head, "µs/step"), "\t")+"\t")
	for mi, name := range g.Methods {
		row := []string{name}
		for _, e := range g.Err[mi] {
			if e.N == 0 {
				row = append(row, "— (a* = 0)")
				continue
			}
			row = append(row, fmt.Sprintf("%.3g (cos %.3f)", e.RelErr, e.Cos))
		}
		fmt.Fprintln(tw, strings.Join(append(row, fmt.Sprintf("%.1f", g.Micros[mi])), "\t")+"\t")
	}
	fmt.Fprintln(tw) // an empty line ends the first table's columns
	fmt.Fprintln(tw, strings.Join([]string{"guided by", "loss reached", "inside the target", "dist. to data", "adjoint µs/particle"}, "\t")+"\t")
	for _, o := range g.Final {
		loss, inside, dist := fmt.Sprintf("%.4g", o.Loss), fmt.Sprintf("%.1f %%", 100*o.Inside), fmt.Sprintf("%.4g", o.DistanceData)
		if math.IsNaN(o.Loss) || math.IsInf(o.Loss, 0) || o.Loss > 1e12 {
			loss, inside, dist = "diverged", "–", "–"
		}
		fmt.Fprintln(tw, strings.Join([]string{o.Name, loss, inside, dist,
			fmt.Sprintf("%.0f", o.AdjointMicros)}, "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "loss: %s; adjoint errors: mean over particles with a non-zero exact adjoint a* of ‖a − a*‖/‖a*‖ (and the cosine), — where none has one; guidance: x_t ← x_t − λ a(t) at the first steps\n", g.Loss.Name())
	return err
}

// Guidance defaults of the report: the goal is the data point with the
// largest first coordinate; guidance acts on the first fifth of the steps
// (the paper guides in its first steps of 50) with step size GuideStrength.
const GuideStrength = 0.5

// MeasureGuidanceDefault is MeasureGuidance with the report's defaults, for
// each of the three losses around the goal (the point, its region's
// density, the half-plane beyond it), in R^D as the data are.
func MeasureGuidanceDefault(ctx context.Context, p sim.Params, env sim.Env) ([]*Guidance, error) {
	mix, err := sim.LoadData(p.Data, p.N, p.Dim, p.AmbientNoise, p.Seed)
	if err != nil {
		return nil, err
	}
	losses, err := model.GuideLosses(mix.Mix, farthestAlongFirst(mix.Mix))
	if err != nil {
		return nil, err
	}
	var out []*Guidance
	for _, l := range losses {
		g, err := MeasureGuidance(ctx, p, l, GuideStrength, max(1, p.Steps/5), env)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// farthestAlongFirst returns the data point (component mean) with the
// largest first coordinate.
func farthestAlongFirst(m model.Mixture) []float64 {
	var best []float64
	consider := func(y []float64) {
		if best == nil || y[0] > best[0] {
			best = append([]float64(nil), y...)
		}
	}
	switch m := m.(type) {
	case *model.Dirac:
		for i := 0; i < m.Len(); i++ {
			consider(m.Point(i))
		}
	case *model.GMM:
		for c := 0; c < m.Len(); c++ {
			consider(m.Mean(c))
		}
	}
	return best
}
