// Package model holds the exact mathematics of fisherscope: noise schedules,
// data distributions given as Dirac or Gaussian mixtures, the posterior of the
// clean sample given a noised one (weights, denoiser, score, covariance), the
// diffusion Fisher F_t(x) = −∇² log q_t(x) = I/σ² − (α²/σ⁴)·C, the probability
// flow ODE and its Jacobians, stochastic trace estimators over symmetric
// operators, the DF-TM and DF-EA approximations, and the optimal-transport
// quantities of the fundamental matrix.
//
// Everything is float64, pure and single-threaded: no I/O beyond parsing an
// io.Reader, no goroutines, no global mutable state. Values of type Posterior
// and the workspaces are not safe for concurrent use; everything else is
// immutable after construction and may be shared between goroutines.
//
// Formulas and section numbers (§) refer to shared/math-spec.md. Programmer
// misuse (mismatched slice lengths) panics; bad user input (unknown names,
// out-of-range sizes or times) is reported as an error naming the field and the
// allowed values.
package model
