// Package learn trains and evaluates small neural networks in pure Go for
// fisherscope: a batched multilayer perceptron with SiLU activations, its
// parameter gradients (backpropagation), its input-space JVP and VJP, Adam
// with gradient-norm clipping and an exponential moving average of the
// weights, a denoising-score-matching score network ε_θ(x, t), and the
// DF-TM trace network of the DiffusionFisher paper (math-spec §7).
//
// The learned score turns every estimator of package model into one that
// runs on a network: FisherOp applies (1/σ)·∂ε_θ/∂x, which is the diffusion
// Fisher F = −∇ log q_t's Jacobian up to training error (math-spec §6.2), and
// TraceVJP is the paper's "VJP" trace (eq. 15, D backward passes), against
// which DF-TM (one forward pass, whatever D) is compared.
//
// Training runs in float32 (matrix products through gonum's BLAS or, on
// amd64 with AVX2 and FMA, a blocked assembly kernel); evaluation runs in
// float64 from a float64 copy of the weights. Weights are saved in a binary
// format with a checksum and a content key (CacheKey) so that a trained
// network can be cached on disk and reused.
//
// Formulas and section numbers (§) refer to shared/math-spec.md. Programmer
// misuse (mismatched slice lengths) panics; bad input (unknown names,
// invalid configurations, corrupted files) is reported as an error. There is
// no global mutable state; networks are immutable after training and safe
// for concurrent use; workspaces and FisherOp values are not.
package learn
