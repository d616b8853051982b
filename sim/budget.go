package sim

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"fisherscope/model"
)

// Limits caps what a scenario may use. The zero value means: the memory
// limit of DefaultMaxMemory, the table's ranges, and files anywhere.
type Limits struct {
	// MaxMemory is the largest estimated peak memory of one scenario in
	// bytes (0: DefaultMaxMemory()).
	MaxMemory int64
	// Caps on sizes below the table's ranges (0: the table's maximum).
	MaxParticles, MaxDim, MaxProbes, MaxRepeats, MaxSteps, MaxN, MaxNetSteps int
	MaxNetWidth, MaxNetDepth, MaxNetBatch                                    int
	// Files, when not nil, is the only place data=file: and start=file:
	// are read from (paths are relative to it and may not leave it), and
	// errors about those files quote neither the server's paths nor the
	// files' contents. nil: the local file system, errors in full.
	Files fs.FS
}

// DefaultMaxMemory is half the machine's physical memory (4 GiB where that
// cannot be read).
func DefaultMaxMemory() int64 {
	if n := physicalMemory(); n > 0 {
		return n / 2
	}
	return 4 << 30
}

// physicalMemory reads MemTotal from /proc/meminfo (0 when unavailable).
func physicalMemory() int64 {
	fh, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

func (l Limits) maxMemory() int64 {
	if l.MaxMemory > 0 {
		return l.MaxMemory
	}
	return DefaultMaxMemory()
}

// Check refuses parameters beyond the limits, before anything is allocated:
// sizes above the caps, then an estimated peak memory above MaxMemory (the
// error names the estimate, the parameters that drive it and the limit).
// points is the number of data points (the n parameter until the data are
// read).
func (l Limits) Check(p *Params, points int) error {
	for _, c := range []struct {
		key      string
		val, cap int
	}{{"particles", p.Particles, l.MaxParticles}, {"dim", p.Dim, l.MaxDim}, {"probes", p.Probes, l.MaxProbes},
		{"repeats", p.Repeats, l.MaxRepeats}, {"steps", p.Steps, l.MaxSteps}, {"n", p.N, l.MaxN},
		{"net_steps", p.NetSteps, l.MaxNetSteps}, {"net_width", p.NetWidth, l.MaxNetWidth},
		{"net_depth", p.NetDepth, l.MaxNetDepth}, {"net_batch", p.NetBatch, l.MaxNetBatch}} {
		if c.cap > 0 && c.val > c.cap {
			return fmt.Errorf("%s: %d is above this server's limit %d", c.key, c.val, c.cap)
		}
	}
	if err := p.checkWork(points); err != nil {
		return err
	}
	c := p.Cost(points)
	if lim := l.maxMemory(); c.Memory > lim {
		return fmt.Errorf("memory: this scenario needs about %s (%s), above the limit of %s (--max-memory); lower those parameters",
			FormatBytes(c.Memory), c.drivers(2), FormatBytes(lim))
	}
	return nil
}

// Cost is the estimated resource use of one scenario.
type Cost struct {
	Memory int64    // bytes at the peak of the run
	Result int64    // bytes the Result keeps after the run
	Parts  []Charge // the largest contributions to Memory
}

// Charge is one contribution to a scenario's memory.
type Charge struct {
	What  string // e.g. "Φ: particles=1000 × dim²=4"
	Bytes int64
}

// Cost estimates the memory of p with points data points. It follows the
// allocations of the engine (see newBatch, buildScenario and particles) and
// rounds up; it is meant to refuse what cannot fit, not to account exactly.
func (p *Params) Cost(points int) Cost {
	const f = 8 // bytes per float64
	b, d, e := int64(p.Particles), int64(p.Dim), int64(len(p.Estimators))
	n, steps, m := int64(max(points, 1)), int64(p.Steps)+1, int64(p.Probes)
	w := int64(runtime.GOMAXPROCS(0))
	// Off their plane points take the blocked kernel: three more copies of
	// the data and, per worker, a tile of 16 posteriors with 16 rows of
	// logits plus two posteriors with their own 4-row workspace (about 60
	// floats per point; see model.NewTile).
	full := model.BlockedKernel(p.Dim, p.AmbientNoise == 0)
	data := (2*n*d + 4*n) * f // the points, their embedded copy, the 2-D arrays
	if full {
		data = 5 * n * (d + 8) * f
	}
	parts := []Charge{
		{fmt.Sprintf("data: n=%d × dim=%d", n, d), data},
		{fmt.Sprintf("states: particles=%d × dim=%d", b, d), 4 * b * d * f},
		{fmt.Sprintf("per-particle measurements: particles=%d × estimators=%d", b, e), b * (16 + 10*e) * f},
		{fmt.Sprintf("rows: steps=%d × estimators=%d", steps-1, e), steps * (600 + 300*e)},
		{fmt.Sprintf("estimator work: probes=%d × dim=%d × %d workers", m, d, w), 6 * m * d * f * w},
	}
	if full {
		parts = append(parts, Charge{fmt.Sprintf("posterior tiles: n=%d × %d workers", n, w), 64 * n * f * w},
			// Three block workspaces per worker (the tile's, the worker's, the ODE's).
			Charge{fmt.Sprintf("block products: n=%d × dim=%d × %d workers", n, d, w), 3 * (32*(n+8) + 64*(d+8) + 2*d*d) * f * w})
	}
	if p.Jacobian != JacobianOff {
		parts = append(parts, Charge{fmt.Sprintf("Φ: particles=%d × dim²=%d", b, d*d), 2 * b * d * d * f})
	}
	if p.Refresh > 1 && p.HasEstimator(HutchPP) {
		k, r := int64(p.SketchSize()), int64(p.Repeats)
		parts = append(parts, Charge{fmt.Sprintf("Hutch++ sketches: particles=%d × repeats=%d × sketch=%d × dim=%d", b, r, k, d), b * r * k * d * f})
	}
	if nt := int64(min(p.DFEA, p.Particles)); nt > 0 {
		parts = append(parts, Charge{fmt.Sprintf("DF-EA trajectories: dfea=%d × steps=%d × dim=%d", nt, steps-1, d), nt * steps * d * f})
	}
	if p.NeedsNet() {
		w, h := int64(p.NetWidth), int64(p.NetDepth)
		params := h*w*w + (d+64)*w
		if p.NetArch == ArchPaper {
			w, h, params = 512, 4, 470_000 // 128³ ‖ 128³ → 512-512: about 4.7·10⁵ weights
		}
		parts = append(parts, Charge{fmt.Sprintf("network training: net_batch=%d × net_width=%d × net_depth=%d", p.NetBatch, w, h),
			int64(p.NetBatch)*w*(h+2)*4*6 + params*4*6})
	}
	c := Cost{Result: b*(2*d*f+64) + steps*(600+300*e)}
	if p.Jacobian != JacobianOff {
		c.Result += b * d * d * f
	}
	for _, x := range parts {
		c.Memory += x.Bytes
	}
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].Bytes > parts[j].Bytes })
	c.Parts = parts
	return c
}

// drivers names the n largest contributions.
func (c Cost) drivers(n int) string {
	var s []string
	for _, x := range c.Parts[:min(n, len(c.Parts))] {
		s = append(s, x.What+" → "+FormatBytes(x.Bytes))
	}
	return strings.Join(s, "; ")
}

// FormatBytes writes a byte count with a binary unit (e.g. "1.5 GiB").
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n), 0
	for v >= unit && i < 5 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.3g %s", v, []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}[i])
}

// MaxParticleWork bounds the arithmetic of one particle's step between two
// cancellation checks (about 0.1 s on one core): restart, quit and SIGTERM
// stop a run within that time for any accepted setting.
const MaxParticleWork = 2e8

// checkWork refuses settings whose single uninterruptible pieces of work are
// too large: one posterior pass (n·D per solver stage), the Φ update on data
// off their plane (n·D², one matvec per column), and one sketch-based
// estimate (QR of a D×m block, ~D·m²).
func (p *Params) checkWork(points int) error {
	n, d, m := float64(max(points, 1)), float64(p.Dim), float64(p.Probes)
	stages := stagesOf(p.Solver)
	if w := n * d * stages; w > MaxParticleWork {
		return fmt.Errorf("work: one particle step costs n=%d × dim=%d × %g solver stages = %.3g > %.3g; lower n or dim, or use solver ddim",
			int(n), p.Dim, stages, w, MaxParticleWork)
	}
	if p.Jacobian != JacobianOff && p.AmbientNoise > 0 {
		if w := n * d * d; w > MaxParticleWork {
			return fmt.Errorf("work: Φ on data off their plane costs n=%d × dim²=%d = %.3g per particle step > %.3g; lower n or dim, or use jacobian off",
				int(n), p.Dim*p.Dim, w, MaxParticleWork)
		}
	}
	if p.Guide > 0 {
		if w := 2 * float64(p.Steps) * n * d; w > 10*MaxParticleWork {
			return fmt.Errorf("work: one guided step predicts the endpoint and its adjoint: 2 × steps=%d × n=%d × dim=%d = %.3g > %.3g; lower steps, n or dim",
				p.Steps, int(n), p.Dim, w, 10*MaxParticleWork)
		}
	}
	if p.NeedsNet() {
		w, h := float64(p.NetWidth), float64(p.NetDepth)
		params := h*w*w + (d+64)*w
		if p.NetArch == ArchPaper {
			params = 470_000
		}
		if work := float64(p.NetBatch) * params * 6; work > 10*MaxParticleWork {
			return fmt.Errorf("work: one training step costs net_batch=%d × %.3g parameters × 6 = %.3g > %.3g; lower net_batch, net_width or net_depth",
				p.NetBatch, params, work, 10*MaxParticleWork)
		}
		if p.HasEstimator(VJP) || p.Score == ScoreLearned {
			if work := d * params * 4; work > MaxParticleWork {
				return fmt.Errorf("work: one VJP trace costs dim=%d × %.3g parameters × 4 = %.3g > %.3g; lower dim or the network's size",
					p.Dim, params, work, MaxParticleWork)
			}
		}
	}
	for _, e := range p.Estimators {
		if e == Hutchinson || e.Learned() {
			continue
		}
		if w := d * m * m; w > MaxParticleWork {
			return fmt.Errorf("work: one %s estimate costs dim=%d × probes²=%d = %.3g > %.3g; lower probes or dim, or use hutchinson",
				e, p.Dim, p.Probes*p.Probes, w, MaxParticleWork)
		}
	}
	return nil
}

// stagesOf is the number of posterior evaluations of one solver step.
func stagesOf(s Solver) float64 {
	switch s {
	case model.Heun:
		return 2
	case model.RK4:
		return 4
	case model.RK45:
		return 7 // one attempt; the controller may take several per interval
	}
	return 1
}

// CheckSweep checks every run of a sweep and the sweep as a whole: the runs
// go one after another but their Results are kept for the report, so the
// largest peak plus every Result must fit in MaxMemory.
func (l Limits) CheckSweep(runs []Params) error {
	var peak, kept int64
	for i := range runs {
		if err := l.Check(&runs[i], runs[i].N); err != nil {
			if len(runs) > 1 {
				return fmt.Errorf("run %d of %d: %w", i+1, len(runs), err)
			}
			return err
		}
		c := runs[i].Cost(runs[i].N)
		peak, kept = max(peak, c.Memory), kept+c.Result
	}
	if lim := l.maxMemory(); len(runs) > 1 && peak+kept > lim {
		return fmt.Errorf("memory: the sweep's %d runs keep about %s of results (plus %s while running), above the limit of %s (--max-memory); sweep fewer values or fewer particles",
			len(runs), FormatBytes(kept), FormatBytes(peak), FormatBytes(lim))
	}
	return nil
}
