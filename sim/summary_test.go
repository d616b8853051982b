package sim

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSummarizeMatchesSort checks the selection-based quantiles against a
// sorted copy (the definition) on random data of many lengths, with ties,
// NaN and ±Inf values that must be left out, and adversarial orders.
func TestSummarizeMatchesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 3000; trial++ {
		n := 1 + r.IntN(300)
		if trial%100 == 0 {
			n = 5000
		}
		vals := make([]float64, n)
		levels := 1 + r.IntN(2*n)
		for i := range vals {
			vals[i] = float64(r.IntN(levels)) + 0.5*float64(trial%3)
			switch r.IntN(50) {
			case 0:
				vals[i] = math.NaN()
			case 1:
				vals[i] = math.Inf(1 - 2*r.IntN(2))
			}
		}
		switch trial % 7 {
		case 1:
			slices.Sort(vals)
		case 2:
			slices.Sort(vals)
			slices.Reverse(vals)
		}
		got := summarize(vals, 0, 1, n, make([]float64, n))
		var fin []float64
		for _, v := range vals {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				fin = append(fin, v)
			}
		}
		if len(fin) == 0 {
			if got.N != 0 || !math.IsNaN(got.Median) {
				t.Fatalf("trial %d: no finite values but %+v", trial, got)
			}
			continue
		}
		slices.Sort(fin)
		mean := 0.0
		for _, v := range fin {
			mean += v
		}
		mean /= float64(len(fin))
		want := Summary{Mean: mean, Median: quantile(fin, 0.5), Q10: quantile(fin, 0.1), Q90: quantile(fin, 0.9), N: len(fin)}
		if got.N != want.N || got.Median != want.Median || got.Q10 != want.Q10 || got.Q90 != want.Q90 ||
			math.Abs(got.Mean-want.Mean) > 1e-12*(1+math.Abs(want.Mean)) {
			t.Fatalf("trial %d (n=%d): got %+v, want %+v", trial, n, got, want)
		}
	}
}

// quantile is the definition: the q-quantile of sorted data with linear interpolation.
func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	if lo+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	f := pos - float64(lo)
	return sorted[lo]*(1-f) + sorted[lo+1]*f
}
