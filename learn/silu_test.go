package learn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestExp32 checks the float32 exponential against math.Exp on a fine grid
// of [−87, 88]: relative error ≤ 4e-7 (a few float32 ulps).
func TestExp32(t *testing.T) {
	worst := 0.0
	for x := -87.0; x <= 88; x += 0.0137 {
		got := float64(exp32(float32(x)))
		want := math.Exp(float64(float32(x)))
		worst = math.Max(worst, math.Abs(got-want)/want)
	}
	if worst > 4e-7 {
		t.Fatalf("exp32 worst relative error %g > 4e-7", worst)
	}
	if exp32(-200) <= 0 || math.IsInf(float64(exp32(200)), 0) {
		t.Fatal("exp32 must clamp instead of underflowing or overflowing")
	}
}

// TestSiluRowKernels compares the fused bias+SiLU row kernel (AVX2 where it
// runs) with the portable one on rows of every length mod 8 and inputs
// spanning the saturated and linear regimes: both evaluate the same
// polynomial, so they agree to 1e-6 relative (FMA vs separate rounding).
func TestSiluRowKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, n := range []int{1, 7, 8, 9, 16, 129, 512} {
		z := make([]float32, n)
		b := make([]float32, n)
		for i := range z {
			z[i] = float32(30 * r.NormFloat64())
			b[i] = float32(r.NormFloat64())
		}
		z1, z2 := append([]float32(nil), z...), append([]float32(nil), z...)
		s1, s2 := make([]float32, n), make([]float32, n)
		h1, h2 := make([]float32, n), make([]float32, n)
		siluRow32(z1, s1, h1, b)
		siluRowGo(z2, s2, h2, b)
		for i := range z {
			if z1[i] != z2[i] || relErr(float64(s1[i]), float64(s2[i])) > 1e-6 ||
				math.Abs(float64(h1[i]-h2[i])) > 1e-6*math.Abs(float64(z1[i])) {
				t.Fatalf("n=%d i=%d z=%g: kernel s=%g h=%g, portable s=%g h=%g", n, i, z1[i], s1[i], h1[i], s2[i], h2[i])
			}
			want := 1 / (1 + math.Exp(-float64(z1[i])))
			if math.Abs(float64(s1[i])-want) > 1e-6*want+1e-30 {
				t.Fatalf("n=%d i=%d z=%g: sigmoid %g, want %g", n, i, z1[i], s1[i], want)
			}
		}
	}
}
