package learn

import (
	"fmt"
	"math"
	"time"
)

// Config are the hyper-parameters of a training run. Every field except
// Kernel is part of CacheKey.
type Config struct {
	Arch      Arch      // network architecture: ArchMLP or ArchPaper
	Widths    []int     // hidden widths of ArchMLP (ignored by ArchPaper)
	Steps     int       // optimisation steps
	Batch     int       // samples per step
	LR        float64   // Adam learning rate, cosine-decayed to LR/10 over Steps
	Seed      uint64    // seed of the initialisation and of every draw
	TrainData string    // TrainDirac or TrainSampler: how the Source was built (see NewSource)
	EMA       float64   // decay of the weight average that is kept (0: the last weights)
	Clip      float64   // global gradient-norm clip (0: none)
	Target    TraceKind // TrainDFTM only: TraceNorm (Algorithm 1) or TraceEps
	Kernel    Kernel    // float32 matrix product; changes the weights only by rounding
}

// DefaultConfig returns the defaults: ArchMLP with widths 128-128-128,
// 20000 steps of batch 512, learning rate 1e-3, seed 1, Dirac training data,
// EMA decay 0.999, gradient clip 1, DF-TM target TraceNorm, kernel auto.
func DefaultConfig() Config {
	return Config{Arch: ArchMLP, Widths: []int{128, 128, 128}, Steps: 20000, Batch: 512, LR: 1e-3, Seed: 1,
		TrainData: TrainDirac, EMA: 0.999, Clip: 1, Target: TraceNorm, Kernel: KernelAuto}
}

// Limits of Config.
const (
	MaxSteps = 10_000_000
	MaxBatch = 65536
)

// validate reports the first invalid field.
func (c *Config) validate() error {
	switch {
	case c.Steps < 1 || c.Steps > MaxSteps:
		return fmt.Errorf("steps %d outside [1, %d]", c.Steps, MaxSteps)
	case c.Batch < 1 || c.Batch > MaxBatch:
		return fmt.Errorf("batch %d outside [1, %d]", c.Batch, MaxBatch)
	case !(c.LR > 0 && c.LR <= 1):
		return fmt.Errorf("learning rate %g outside (0, 1]", c.LR)
	case !(c.EMA >= 0 && c.EMA < 1):
		return fmt.Errorf("EMA decay %g outside [0, 1)", c.EMA)
	case !(c.Clip >= 0) || math.IsInf(c.Clip, 0):
		return fmt.Errorf("gradient clip %g (must be finite and ≥ 0)", c.Clip)
	case c.TrainData != TrainDirac && c.TrainData != TrainSampler:
		return fmt.Errorf("training data %q (allowed: %s, %s)", c.TrainData, TrainDirac, TrainSampler)
	case c.Target != TraceNorm && c.Target != TraceEps:
		return fmt.Errorf("DF-TM target %q (allowed: %s, %s)", c.Target, TraceNorm, TraceEps)
	}
	if _, err := newGemm32(c.Kernel); err != nil {
		return err
	}
	return nil
}

// widths returns the hidden widths the architecture uses.
func (c *Config) widths() []int {
	if c.Arch == ArchPaper {
		return nil
	}
	return c.Widths
}

// lrAt returns the learning rate of step k (0-based) of n: cosine decay from
// LR to LR/10.
func (c *Config) lrAt(k, n int) float64 {
	return c.LR * (0.55 + 0.45*math.Cos(math.Pi*float64(k)/float64(n)))
}

// Progress reports a training run's state to the progress callback.
type Progress struct {
	Step, Steps int           // steps done, of Steps
	Loss        float64       // mean training loss since the previous report
	Elapsed     time.Duration // wall time since the start of the run
}
