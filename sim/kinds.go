package sim

import (
	"fmt"
	"strings"

	"fisherscope/model"
)

// Solver is the PF-ODE integrator of a run (the `solver` parameter).
type Solver = model.Solver

// Probe is the probe distribution of the estimators (the `probe` parameter).
type Probe = model.Probe

// Jacobian says how the fundamental matrix Φ(t) = ∂x_t/∂x_T is integrated
// (the `jacobian` parameter).
type Jacobian int

// The Jacobian modes.
const (
	JacobianOff    Jacobian = iota // Φ not integrated
	JacobianDDIM                   // exact Jacobian of the DDIM map (needs solver ddim)
	JacobianRK4                    // the tangent integrated with the state by the solver's stages (needs solver rk4 or rk45)
	JacobianEuler                  // Φ ← Φ + h J Φ
	JacobianScript                 // the OT script's B_t update
)

// Target says which trace the estimators estimate (the `target` parameter).
type Target int

// The estimator targets.
const (
	TargetFisher Target = iota // estimate tr F directly
	TargetCov                  // estimate tr C and add d/σ² exactly
)

// Backend says where the batched math runs (the `backend` parameter).
type Backend int

// The backends.
const (
	BackendAuto Backend = iota // the GPU when the scenario is eligible and a device opens, else the CPU
	BackendCPU                 // the CPU only
	BackendGPU                 // the GPU or an error
)

// Estimator is a trace estimator run at every step (an element of the
// `estimators` parameter).
type Estimator int

// The estimators.
const (
	Hutchinson    Estimator = iota // Hutchinson's estimator with m probes
	HutchPP                        // Hutch++ with a reusable sketch (QR refresh interval q)
	NAHutchPP                      // non-adaptive Hutch++
	XTrace                         // XTrace with the improved rescaling
	VJP                            // exact trace of the learned score's Jacobian, D JVPs (paper eq. 15)
	VJPHutchinson                  // Hutchinson on the learned score's Jacobian (m JVPs)
	DFTM                           // DF-TM, Algorithm 1: learned E[‖x₀‖²|x_t] and the learned denoiser
	DFTMEps                        // DF-TM in ε-space: tr F = (d/σ²)(1 − v_θ)
)

// Learned reports whether the estimator runs on the learned networks.
func (e Estimator) Learned() bool { return e >= VJP }

// Grid is how the time grid is spaced (the `grid` parameter).
type Grid = model.GridKind

// Score says which score drives the particles (the `score` parameter).
type Score int

// The scores.
const (
	ScoreExact   Score = iota // the data's exact score
	ScoreLearned              // the learned ε-network's score
)

// NetArch is the learned networks' architecture (the `net_arch` parameter).
type NetArch int

// The architectures.
const (
	ArchMLP   NetArch = iota // (x, time features) → hidden layers of net_width → D
	ArchPaper                // the paper's 2-D toy net: x and t through 128-128-128 each, then 512-512
)

// TrainData says what the networks are trained on (the `train_data` parameter).
type TrainData int

// The training data.
const (
	TrainDirac   TrainData = iota // the Dirac set itself (consistent with the exact truth)
	TrainSampler                  // fresh draws from the data set's sampler (the paper's setup)
)

var (
	jacobianNames  = []string{"off", "ddim", "rk4", "euler", "script"}
	targetNames    = []string{"fisher", "cov"}
	backendNames   = []string{"auto", "cpu", "gpu"}
	estimatorNames = []string{"hutchinson", "hutch++", "na-hutch++", "xtrace", "vjp", "vjp-hutchinson", "dftm", "dftm-eps"}
	scoreNames     = []string{"exact", "learned"}
	gridNames      = []string{"auto", "uniform", "logsnr", "karras"}
	guideLossNames = []string{"goal", "region", "halfplane"}
	netArchNames   = []string{"mlp", "paper"}
	trainDataNames = []string{"dirac", "sampler"}
	solverNames    = []string{"ddim", "euler", "heun", "rk4", "rk45"}
	probeNames     = []string{"rademacher", "gaussian", "sphere"}
)

func enumName(names []string, i int, kind string) string {
	if i < 0 || i >= len(names) {
		return fmt.Sprintf("%s(%d)", kind, i)
	}
	return names[i]
}

// String returns the mode's parameter value.
func (j Jacobian) String() string { return enumName(jacobianNames, int(j), "Jacobian") }

// String returns the target's parameter value.
func (t Target) String() string { return enumName(targetNames, int(t), "Target") }

// String returns the backend's parameter value.
func (b Backend) String() string { return enumName(backendNames, int(b), "Backend") }

// String returns the estimator's name.
func (e Estimator) String() string { return enumName(estimatorNames, int(e), "Estimator") }

// String returns the score's parameter value.
func (s Score) String() string { return enumName(scoreNames, int(s), "Score") }

// String returns the architecture's parameter value.
func (a NetArch) String() string { return enumName(netArchNames, int(a), "NetArch") }

// String returns the training data's parameter value.
func (t TrainData) String() string { return enumName(trainDataNames, int(t), "TrainData") }

// parseName returns the index of v (case-insensitive, trimmed) in names.
func parseName(names []string, v string) (int, bool) {
	v = strings.ToLower(strings.TrimSpace(v))
	for i, n := range names {
		if v == n {
			return i, true
		}
	}
	return 0, false
}

// EstimatorNames returns the names accepted in the estimators parameter.
func EstimatorNames() []string { return append([]string(nil), estimatorNames...) }

// SolverCompatible reports whether the Jacobian mode j can run with solver s:
// ddim needs solver ddim, rk4 needs solver rk4, the others run with any.
func SolverCompatible(s Solver, j Jacobian) bool {
	switch j {
	case JacobianDDIM:
		return s == model.DDIM
	case JacobianRK4:
		return s == model.RK4 || s == model.RK45
	}
	return true
}
