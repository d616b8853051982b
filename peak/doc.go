// Package peak measures this machine's double-precision floating-point
// peak: every core runs a loop of independent fused multiply-adds on the
// widest vectors the CPU has, so that `fisherscope bench` can state its
// throughput as a share of a ceiling measured in the same run (shared,
// frequency-scaled machines make a datasheet figure meaningless).
package peak
