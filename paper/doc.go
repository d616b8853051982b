// Package paper measures the DiffusionFisher paper's tables on the learned
// networks against the exact truth that only fisherscope has: Table 2 (the
// relative error of the trace by VJP, Hutchinson on the learned Jacobian,
// DF-TM and its ε-space variant, with DF-EA's matvec error and the score's
// own error, at six times) and Table 1 (the cost of each access to the
// Fisher against the dimension). The paper's numbers are printed beside
// ours as references, never as targets.
package paper
