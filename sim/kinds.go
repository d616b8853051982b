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
	JacobianRK4                    // RK4 tangent integrated with the state (needs solver rk4)
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
	Hutchinson Estimator = iota // Hutchinson's estimator with m probes
	HutchPP                     // Hutch++ with a reusable sketch (QR refresh interval q)
	NAHutchPP                   // non-adaptive Hutch++
	XTrace                      // XTrace with the improved rescaling
)

var (
	jacobianNames  = []string{"off", "ddim", "rk4", "euler", "script"}
	targetNames    = []string{"fisher", "cov"}
	backendNames   = []string{"auto", "cpu", "gpu"}
	estimatorNames = []string{"hutchinson", "hutch++", "na-hutch++", "xtrace"}
	solverNames    = []string{"ddim", "euler", "heun", "rk4"}
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
		return s == model.RK4
	}
	return true
}
