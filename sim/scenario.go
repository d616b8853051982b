package sim

import (
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"strings"

	"fisherscope/model"
)

// scenario is everything derived from Params before the first step.
type scenario struct {
	p      Params
	lim    Limits
	goal   []float64       // guidance goal in R^D
	loss   model.GuideLoss // guidance loss (nil: no guidance)
	plan   *plan
	sched  model.Schedule
	grid   []float64      // steps+1 decreasing times
	coeffs []model.Coeffs // at every grid time
	mix    model.Mixture
	embed  *model.Embedding
	data2d []float64 // data projected to the plane, N×2 (for display)
	start  []float64 // B×D initial states
}

// buildScenario validates p, checks it against the limits before anything
// is allocated, and derives the scenario. Files named by data=file: and
// start=file: are read here (from lim.Files when set), so their errors come
// back at once.
func buildScenario(p Params, lim Limits) (*scenario, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := lim.Check(&p, p.N); err != nil {
		return nil, err
	}
	sc := &scenario{p: p, lim: lim}
	var err error
	if sc.plan, err = newPlan(p); err != nil {
		return nil, err
	}
	if sc.sched, err = p.schedule(); err != nil {
		return nil, err
	}
	if sc.grid, err = p.grid(sc.sched); err != nil {
		return nil, fmt.Errorf("steps/t_end: %w", err)
	}
	sc.coeffs = make([]model.Coeffs, len(sc.grid))
	for i, t := range sc.grid {
		if sc.coeffs[i], err = sc.sched.At(t); err != nil {
			return nil, fmt.Errorf("grid: %w", err)
		}
	}
	if err := sc.buildData(); err != nil {
		return nil, err
	}
	if err := lim.Check(&p, sc.mix.Len()); err != nil { // a file's size is known now
		return nil, err
	}
	if err := sc.buildGoal(); err != nil {
		return nil, err
	}
	if err := sc.buildStart(); err != nil {
		return nil, err
	}
	return sc, nil
}

func (sc *scenario) buildData() error {
	p := sc.p
	d, err := loadData(p.Data, p.N, p.Dim, p.AmbientNoise, p.Seed, sc.lim.Files)
	if err != nil {
		return err
	}
	sc.mix, sc.embed, sc.data2d = d.Mix, d.Embed, d.Plane
	return nil
}

// Data is a data set ready for the engine: the mixture in R^D, the embedding
// of its plane, and its points in the plane for display.
type Data struct {
	Mix   model.Mixture
	Embed *model.Embedding
	Plane []float64 // N×2 (component means for a Gaussian mixture)
}

// LoadData builds the data set named as the data parameter is (a built-in
// name with n points, or file:PATH for a CSV of 2-D points) and embeds it in
// R^dim with the given ambient noise, all drawn from seed.
func LoadData(name string, n, dim int, noise float64, seed uint64) (*Data, error) {
	return loadData(name, n, dim, noise, seed, nil)
}

func loadData(name string, n, dim int, noise float64, seed uint64, files fs.FS) (*Data, error) {
	var base model.Mixture
	if path, ok := strings.CutPrefix(name, "file:"); ok {
		fh, err := openFile(files, path)
		if err != nil {
			return nil, fmt.Errorf("data: %w", err)
		}
		defer fh.Close()
		d, err := model.DiracFromCSV(fh)
		if err != nil {
			return nil, fmt.Errorf("data: %s: %w", path, fileErr(files, err))
		}
		base = d
	} else {
		var err error
		if base, err = model.NewDataset(name, n, seed); err != nil {
			return nil, fmt.Errorf("data: %w", err)
		}
	}
	em, err := model.NewEmbedding(dim, seed)
	if err != nil {
		return nil, fmt.Errorf("dim: %w", err)
	}
	mix, err := em.Apply(base, noise, seed)
	if err != nil {
		return nil, fmt.Errorf("ambient_noise: %w", err)
	}
	return &Data{Mix: mix, Embed: em, Plane: displayPoints(base)}, nil
}

// displayPoints returns the 2-D points to draw for a data set: the Dirac
// points, or the component means of a Gaussian mixture.
func displayPoints(m model.Mixture) []float64 {
	switch m := m.(type) {
	case *model.Dirac:
		return append([]float64(nil), m.Points()...)
	case *model.GMM:
		out := make([]float64, 0, 2*m.Len())
		for c := 0; c < m.Len(); c++ {
			out = append(out, m.Mean(c)...)
		}
		return out
	}
	return nil
}

func (sc *scenario) buildStart() error {
	p := sc.p
	d := p.Dim
	sc.start = make([]float64, p.Particles*d)
	if path, ok := strings.CutPrefix(p.Start, "file:"); ok {
		return sc.readStart(path)
	}
	scale := sc.coeffs[0].Sigma
	if model.IsDiscrete(sc.sched) {
		scale = 1 // the OT script draws x_T ~ N(0, I) for every option
	}
	for i := 0; i < p.Particles; i++ {
		r := rand.New(rand.NewPCG(p.Seed, startStream+uint64(i)))
		for j := 0; j < d; j++ {
			sc.start[i*d+j] = scale * r.NormFloat64()
		}
	}
	return nil
}

// readStart reads initial states; the file's points are used in order and
// cycled if there are fewer than particles.
func (sc *scenario) readStart(path string) error {
	fh, err := openFile(sc.lim.Files, path)
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	defer fh.Close()
	pts, d, err := model.ParsePoints(fh, MaxParticles)
	if err != nil {
		return fmt.Errorf("start: %s: %w", path, fileErr(sc.lim.Files, err))
	}
	if d != sc.p.Dim {
		return fmt.Errorf("start: %s: points have %d coordinates, dim is %d", path, d, sc.p.Dim)
	}
	n := len(pts) / d
	for i := 0; i < sc.p.Particles; i++ {
		copy(sc.start[i*d:(i+1)*d], pts[(i%n)*d:(i%n+1)*d])
	}
	for _, v := range sc.start {
		if math.Abs(v) > model.MaxCoordinate {
			return fmt.Errorf("start: %s: coordinate %g too large", path, v)
		}
	}
	return nil
}

// Random streams: each particle has its own, so results do not depend on
// how particles are split across cores.
const (
	startStream = 1 << 40
	probeStream = 2 << 40
)

// buildGoal places the guidance goal in R^D: the parsed plane point lifted by
// the embedding, or (auto) the data point farthest along the plane's first
// axis.
func (sc *scenario) buildGoal() error {
	d := sc.p.Dim
	z := [2]float64{math.Inf(-1), 0}
	if sc.p.Goal == "auto" {
		for i := 0; i+1 < len(sc.data2d); i += 2 {
			if sc.data2d[i] > z[0] {
				z = [2]float64{sc.data2d[i], sc.data2d[i+1]}
			}
		}
	} else {
		var err error
		if z, err = parseGoal(sc.p.Goal); err != nil {
			return fmt.Errorf("goal: %w", err)
		}
	}
	sc.goal = make([]float64, d)
	sc.embed.Lift(sc.goal, z[:])
	if sc.p.Guide > 0 {
		losses, err := model.GuideLosses(sc.mix, sc.goal)
		if err != nil {
			return fmt.Errorf("goal: %w", err)
		}
		sc.loss = losses[sc.p.GuideLoss]
	}
	return nil
}
