package learn

// floating is the element type of the network code: float32 for training,
// float64 for evaluation and gradient checks.
type floating interface{ ~float32 | ~float64 }

// dotT returns Σ a_i b_i.
func dotT[T floating](a, b []T) T {
	var s T
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// grow returns s resliced to length n, reallocating when its capacity is short.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
