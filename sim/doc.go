// Package sim is fisherscope's simulation engine: it steps a batch of
// particles along probability-flow ODE trajectories of one scenario (schedule,
// data, dimension, solver) and measures, at every step, the exact Fisher
// trace, the stochastic trace estimators (estimate, error, variance, cost), the
// log-likelihood along each path, the fundamental matrix and its asymmetry,
// and the DF-EA error.
//
// Parameters (Params) have one name each, shared by presets, the command
// line's --set key=value and the terminal UI. An Engine runs one scenario at a
// time in the background, restartable with a context, and publishes immutable
// Frames (latest wins); Run consumes every step for headless use. The per-step
// batched math goes through a Stepper; CPU is the only one in this package.
//
// Results depend only on the parameters (the seed included), never on the
// number of cores: every particle draws from its own random stream and
// summaries are reduced in particle order.
package sim
