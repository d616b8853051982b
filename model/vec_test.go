package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestVectorHelpers compares dot, dot2, addScaled and comb3 with plain loops
// on every length 0…70 (every tail of the 4- and 16-wide loops).
func TestVectorHelpers(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 9))
	for n := 0; n <= 70; n++ {
		a, b, v, y := randSlice(r, n), randSlice(r, n), randSlice(r, n), randSlice(r, n)
		var wa, wb float64
		for i := range v {
			wa += a[i] * v[i]
			wb += b[i] * v[i]
		}
		tol := 1e-14 * float64(n+1)
		if got := dot(a, v); math.Abs(got-wa) > tol {
			t.Fatalf("n=%d dot %g, want %g", n, got, wa)
		}
		if ga, gb := dot2(a, b, v); math.Abs(ga-wa) > tol || math.Abs(gb-wb) > tol {
			t.Fatalf("n=%d dot2 %g %g, want %g %g", n, ga, gb, wa, wb)
		}
		want := make([]float64, n)
		for i := range want {
			want[i] = y[i] + 0.7*a[i]
		}
		addScaled(y, 0.7, a)
		for i := range want {
			if math.Abs(y[i]-want[i]) > 1e-15 {
				t.Fatalf("n=%d addScaled[%d] %g, want %g", n, i, y[i], want[i])
			}
		}
		dst := make([]float64, n)
		comb3(dst, v, a, b, 2, -3, 0.5)
		for i := range dst {
			if w := 2*v[i] - 3*a[i] + 0.5*b[i]; math.Abs(dst[i]-w) > 1e-14 {
				t.Fatalf("n=%d comb3[%d] %g, want %g", n, i, dst[i], w)
			}
		}
	}
}
