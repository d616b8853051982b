package sim

import (
	"math"
	"slices"
)

// Summary describes one quantity over the particles: mean, median and the
// 10 % and 90 % quantiles of its finite values (NaN when there are none).
// N counts the finite values.
type Summary struct {
	Mean, Median, Q10, Q90 float64
	N                      int
}

// summarize reduces vals[off], vals[off+stride], … over count entries, using
// scratch (length ≥ count) for sorting. It does not allocate.
func summarize(vals []float64, off, stride, count int, scratch []float64) Summary {
	buf := scratch[:0]
	for i := 0; i < count; i++ {
		if v := vals[off+i*stride]; !math.IsNaN(v) && !math.IsInf(v, 0) {
			buf = append(buf, v)
		}
	}
	n := len(buf)
	if n == 0 {
		return Summary{Mean: math.NaN(), Median: math.NaN(), Q10: math.NaN(), Q90: math.NaN()}
	}
	slices.Sort(buf)
	mean := 0.0
	for _, v := range buf {
		mean += v
	}
	return Summary{Mean: mean / float64(n), Median: quantile(buf, 0.5), Q10: quantile(buf, 0.1), Q90: quantile(buf, 0.9), N: n}
}

// quantile returns the q-quantile of sorted data with linear interpolation.
func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	if lo+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	f := pos - float64(lo)
	return sorted[lo]*(1-f) + sorted[lo+1]*f
}
