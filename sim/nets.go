package sim

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fisherscope/learn"
	"fisherscope/model"
)

// nets are the learned networks of a scenario: the score ε_θ and the DF-TM
// networks its estimators ask for (nil when not asked for).
type nets struct {
	score     *learn.ScoreNet
	norm, eps *learn.TraceNet
}

// TrainProgress reports the training (or loading) of a scenario's networks.
type TrainProgress struct {
	Net string // "score", "dftm" or "dftm-eps"
	learn.Progress
}

// Env is where a run finds what is not a parameter: the accelerator, the
// limits, the cache of trained networks and who to tell about training.
type Env struct {
	Acc      *Accelerator        // nil: CPU only
	Limits   Limits              // zero: the defaults
	CacheDir string              // trained networks ("": DefaultCacheDir())
	OnTrain  func(TrainProgress) // nil: silent
}

// DefaultCacheDir is the user's cache directory /fisherscope/nets (a
// temporary directory's when there is none).
func DefaultCacheDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		d = os.TempDir()
	}
	return filepath.Join(d, "fisherscope", "nets")
}

// netConfig is the training configuration the parameters ask for.
func (p *Params) netConfig() learn.Config {
	c := learn.DefaultConfig()
	c.Arch = learn.ArchMLP
	if p.NetArch == ArchPaper {
		c.Arch = learn.ArchPaper
	}
	c.Widths = make([]int, p.NetDepth)
	for i := range c.Widths {
		c.Widths[i] = p.NetWidth
	}
	c.Steps, c.Batch, c.LR, c.Seed = p.NetSteps, p.NetBatch, p.NetLR, p.Seed
	c.TrainData = []string{learn.TrainDirac, learn.TrainSampler}[p.TrainData]
	return c
}

// acquireNets loads or trains the networks the scenario needs (none: nil).
func acquireNets(ctx context.Context, sc *scenario, env Env) (*nets, error) {
	p := &sc.p
	if !p.NeedsNet() {
		return nil, nil
	}
	dir := env.CacheDir
	if dir == "" {
		dir = DefaultCacheDir()
	}
	report := func(name string) func(learn.Progress) {
		return func(pr learn.Progress) {
			if env.OnTrain != nil {
				env.OnTrain(TrainProgress{Net: name, Progress: pr})
			}
		}
	}
	cfg := p.netConfig()
	src, err := learn.NewSource(cfg.TrainData, sc.mix, p.Data, sc.embed, p.AmbientNoise)
	if err != nil {
		return nil, refusal{fmt.Errorf("train_data: %w", err)}
	}
	n := &nets{}
	if path, ok := strings.CutPrefix(p.Net, "file:"); ok {
		if n.score, err = loadScore(sc.lim, path); err != nil {
			return nil, refusal{err}
		}
		if i := n.score.Info(); i.Schedule != sc.sched.Name() || i.DataID != src.Identity() {
			return nil, refusal{fmt.Errorf("net: %s was trained for schedule %s on %s, this scenario is %s on %s (its time features and data scale would not fit)",
				path, i.Schedule, i.DataID, sc.sched.Name(), src.Identity())}
		}
	} else if n.score, _, err = learn.CachedScore(ctx, dir, cfg, sc.sched, src, report("score")); err != nil && n.score == nil {
		return nil, fmt.Errorf("net: score: %w", err)
	} // a cache that cannot be written still leaves the trained network
	if n.score.Dim() != p.Dim {
		return nil, refusal{fmt.Errorf("net: the score network is for D=%d, dim is %d", n.score.Dim(), p.Dim)}
	}
	for _, e := range p.Estimators {
		var dst **learn.TraceNet
		switch e {
		case DFTM:
			cfg.Target, dst = learn.TraceNorm, &n.norm
		case DFTMEps:
			cfg.Target, dst = learn.TraceEps, &n.eps
		default:
			continue
		}
		if *dst, _, err = learn.CachedTrace(ctx, dir, cfg, sc.sched, src, n.score, report(e.String())); err != nil && *dst == nil {
			return nil, fmt.Errorf("net: %s: %w", e, err)
		}
	}
	return n, nil
}

// loadScore reads a saved score network from a file: (confined like data
// files when the limits say so).
func loadScore(lim Limits, path string) (*learn.ScoreNet, error) {
	fh, err := openFile(lim.Files, path)
	if err != nil {
		return nil, fmt.Errorf("net: %w", err)
	}
	defer fh.Close()
	n, err := learn.LoadScore(fh, "")
	if err != nil {
		return nil, fmt.Errorf("net: %s: %w", path, fileErr(lim.Files, err))
	}
	return n, nil
}

// Trained are a scenario's networks, for `fisherscope train` and the tables.
type Trained struct {
	Score     *learn.ScoreNet
	Norm, Eps *learn.TraceNet // DF-TM (Algorithm 1) and its ε-space variant (nil unless asked for)
	Data      model.Mixture   // the data in R^D the networks were trained for
	Schedule  model.Schedule
}

// Train loads or trains the networks of p (with net auto or file:PATH): the
// score, and with dftm also both DF-TM networks. env gives the cache and the
// progress report.
func Train(ctx context.Context, p Params, dftm bool, env Env) (*Trained, error) {
	if p.Net == "off" {
		p.Net = "auto"
	}
	if dftm {
		p.Estimators = []Estimator{DFTM, DFTMEps}
	} else if !p.NeedsNet() {
		p.Estimators = []Estimator{VJP}
	}
	p.Jacobian, p.Particles, p.DFEA = JacobianOff, 1, 0 // nothing of a run is needed
	sc, err := buildScenario(p, env.Limits)
	if err != nil {
		return nil, refusal{err}
	}
	n, err := acquireNets(ctx, sc, env)
	if err != nil {
		return nil, err
	}
	return &Trained{Score: n.score, Norm: n.norm, Eps: n.eps, Data: sc.mix, Schedule: sc.sched}, nil
}
