package learn

import (
	"math"
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
