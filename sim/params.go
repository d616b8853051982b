package sim

import (
	"fmt"
	"strings"

	"fisherscope/model"
)

// Params are the parameters of one scenario, as typed values. The TOML /
// --set key of each field is given in its comment; Table describes them all.
// The zero value is not valid: start from Defaults. Params is plain data:
// copy it freely; Estimators is shared by copies, so replace it rather than
// modifying it in place.
type Params struct {
	Schedule     string      // schedule: a model.ScheduleNames name
	SigmaMax     float64     // sigma_max: σ_max of ve and edm (0: the schedule's default)
	Data         string      // data: a model.DatasetNames name or file:PATH (2-D CSV)
	N            int         // n: points drawn for sampled data sets
	Dim          int         // dim: ambient dimension D ≥ 2 (data embedded by a seeded isometry)
	AmbientNoise float64     // ambient_noise: off-plane scatter (std. dev., data units) of embedded data
	Particles    int         // particles: trajectories B
	Steps        int         // steps: solver steps from T down to t_end
	TEnd         float64     // t_end: end time (≤ 0: the schedule's default)
	Grid         Grid        // grid: auto (the schedule's), uniform, logsnr, karras
	Rho          float64     // rho: exponent of the karras grid
	Solver       Solver      // solver
	RTol         float64     // rtol: relative tolerance of rk45
	ATol         float64     // atol: absolute tolerance of rk45
	Jacobian     Jacobian    // jacobian: how Φ is integrated
	Start        string      // start: gaussian or file:PATH
	Estimators   []Estimator // estimators: run at every step, in this order
	Probes       int         // probes: matvec budget m per estimate
	Sketch       int         // sketch: Hutch++ sketch size k (0: ⌈m/3⌉)
	Refresh      int         // refresh: Hutch++ QR refresh interval q in steps
	Repeats      int         // repeats: independent draws R per step (variance needs R ≥ 2)
	Probe        Probe       // probe: probe distribution
	Target       Target      // target: fisher (estimate tr F) or cov (estimate tr C, add d/σ² exactly)
	DFEA         int         // dfea: particles whose DF-EA error is computed (0: off)
	Seed         uint64      // seed: the one seed of data, embedding, start and probes
	Backend      Backend     // backend: auto, cpu, gpu
	Score        Score       // score: exact or learned (drives the particles)
	Net          string      // net: off, auto (trained on first use and cached) or file:PATH (a saved score net)
	NetArch      NetArch     // net_arch: mlp or paper
	NetWidth     int         // net_width: hidden width of the mlp
	NetDepth     int         // net_depth: hidden layers of the mlp
	NetSteps     int         // net_steps: training steps of each network
	NetBatch     int         // net_batch: samples per training step
	NetLR        float64     // net_lr: Adam learning rate (cosine-decayed to a tenth)
	TrainData    TrainData   // train_data: dirac or sampler
	Guide        float64     // guide: adjoint guidance strength λ toward the goal (0: off)
	GuideSteps   int         // guide_steps: guided steps from T
	Goal         string      // goal: auto (the data point farthest along the plane's first axis) or "x,y" in the data plane
	GuideLoss    int         // guide_loss: index into goal, region, halfplane
}

// Defaults returns the default scenario: a good first impression in the TUI.
func Defaults() Params {
	return Params{
		Schedule: "vp", Data: "checkerboard", N: 1024, Dim: 2, Particles: 1000, Steps: 100, Rho: 7,
		Solver: DefaultSolver, RTol: model.DefaultRTol, ATol: model.DefaultATol, Jacobian: JacobianDDIM, Start: "gaussian",
		Estimators: []Estimator{Hutchinson, HutchPP}, Probes: 6, Refresh: 1, Repeats: 8,
		Probe: DefaultProbe, Target: TargetFisher, DFEA: 64, Seed: 1, Backend: BackendAuto,
		Score: ScoreExact, Net: "off", NetArch: ArchMLP, NetWidth: 128, NetDepth: 3, NetSteps: 4000, NetBatch: 512,
		NetLR: 1e-3, TrainData: TrainDirac, GuideSteps: 10, Goal: "auto",
	}
}

// Limits on sizes, chosen so that a typo cannot exhaust memory.
const (
	MaxParticles = 1 << 20
	MaxSteps     = 100_000
	MaxProbes    = 4096
	MaxRepeats   = 1024
)

// Set sets the parameter named key from its text form, as in --set key=value.
// Errors name the key and the allowed values.
func (p *Params) Set(key, value string) error {
	d, err := lookup(key)
	if err != nil {
		return err
	}
	if err := d.set(p, value); err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	return nil
}

// Get returns the text form of the parameter named key, or an error.
func (p *Params) Get(key string) (string, error) {
	d, err := lookup(key)
	if err != nil {
		return "", err
	}
	return d.get(p), nil
}

// Map returns every parameter's text form keyed by name.
func (p *Params) Map() map[string]string {
	m := map[string]string{}
	for _, d := range table {
		m[d.Key] = d.get(p)
	}
	return m
}

// Fingerprint is a text form of every parameter: equal fingerprints mean
// equal scenarios.
func (p *Params) Fingerprint() string {
	var b strings.Builder
	for _, d := range table {
		b.WriteString(d.Key)
		b.WriteByte('=')
		b.WriteString(d.get(p))
		b.WriteByte(' ')
	}
	return b.String()
}

// SketchSize returns the effective Hutch++ sketch size k: Sketch, or ⌈m/3⌉
// when Sketch is 0.
func (p *Params) SketchSize() int {
	if p.Sketch > 0 {
		return p.Sketch
	}
	return (p.Probes + 2) / 3
}

// HasEstimator reports whether e is among the run's estimators.
func (p *Params) HasEstimator(e Estimator) bool {
	for _, x := range p.Estimators {
		if x == e {
			return true
		}
	}
	return false
}
