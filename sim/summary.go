package sim

import (
	"math"
	"math/bits"
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
// scratch (length ≥ count) as workspace. It does not allocate and runs in
// O(count): the quantiles come from selection, not from a sort.
func summarize(vals []float64, off, stride, count int, scratch []float64) Summary {
	buf := scratch[:0]
	mean := 0.0
	for i := 0; i < count; i++ {
		if v := vals[off+i*stride]; !math.IsNaN(v) && !math.IsInf(v, 0) {
			buf = append(buf, v)
			mean += v
		}
	}
	n := len(buf)
	if n == 0 {
		return Summary{Mean: math.NaN(), Median: math.NaN(), Q10: math.NaN(), Q90: math.NaN()}
	}
	// Increasing quantiles: each selection only searches above the last one.
	q10, from := quantileSelect(buf, 0.1, 0)
	q50, from := quantileSelect(buf, 0.5, from)
	q90, _ := quantileSelect(buf, 0.9, from)
	return Summary{Mean: mean / float64(n), Median: q50, Q10: q10, Q90: q90, N: n}
}

// quantileSelect returns the q-quantile of a with linear interpolation (the
// value a sorted copy would give), given that a[:from] holds only values ≤
// every value of a[from:] and that the quantile's position is ≥ from. It
// partially reorders a and returns the next such boundary.
func quantileSelect(a []float64, q float64, from int) (float64, int) {
	pos := q * float64(len(a)-1)
	lo := max(int(math.Floor(pos)), from)
	selectNth(a[from:], lo-from)
	if lo+1 >= len(a) {
		return a[lo], lo
	}
	next := slices.Min(a[lo+1:])
	f := pos - float64(lo)
	return a[lo]*(1-f) + next*f, lo
}

// selectNth reorders a so that a[k] is the value a sorted copy has there,
// with a[:k] ≤ a[k] ≤ a[k+1:] (Hoare's selection with a median-of-three
// pivot; a range that is partitioned too often is sorted instead, so the
// worst case stays O(n log n)).
func selectNth(a []float64, k int) {
	budget := 2 * bits.Len(uint(len(a)))
	for len(a) > 16 {
		if budget == 0 {
			slices.Sort(a)
			return
		}
		budget--
		i, j := partition(a)
		switch {
		case k <= j:
			a = a[:j+1]
		case k >= i:
			a, k = a[i:], k-i
		default:
			return // a[j+1:i] equals the pivot
		}
	}
	slices.Sort(a)
}

// partition splits a around the median of its first, middle and last
// values: afterwards a[:j+1] ≤ pivot, a[i:] ≥ pivot and a[j+1:i] == pivot.
func partition(a []float64) (i, j int) {
	m := len(a) / 2
	p := median3(a[0], a[m], a[len(a)-1])
	i, j = 0, len(a)-1
	for i <= j {
		for a[i] < p {
			i++
		}
		for a[j] > p {
			j--
		}
		if i <= j {
			a[i], a[j] = a[j], a[i]
			i++
			j--
		}
	}
	return i, j
}

func median3(a, b, c float64) float64 {
	if a > b {
		a, b = b, a
	}
	if b > c {
		b = c
	}
	return max(a, b)
}
