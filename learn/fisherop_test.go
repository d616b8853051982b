package learn

import (
	"math"
	"testing"

	"fisherscope/model"
)

// TestFisherOpReset: a reused operator moved with Reset acts as a fresh one
// at the new point (the forward pass is not carried over).
func TestFisherOpReset(t *testing.T) {
	score, _ := tinyNets(t)
	s, _ := model.ScheduleByName("vp")
	c, _ := s.At(0.3)
	d := score.Dim()
	x1, x2, v := make([]float64, d), make([]float64, d), make([]float64, d)
	for j := range x1 {
		x1[j], x2[j], v[j] = 0.3*float64(j+1), -1.7+float64(j), 1
	}
	reused := &FisherOp{Net: score, X: x1, C: c}
	a := make([]float64, d)
	reused.MatVec(a, v)
	reused.Reset(x2, c)
	got, want := make([]float64, d), make([]float64, d)
	reused.MatVec(got, v)
	(&FisherOp{Net: score, X: x2, C: c}).MatVec(want, v)
	for j := range got {
		if math.Abs(got[j]-want[j]) > 1e-12*math.Max(1, math.Abs(want[j])) {
			t.Fatalf("after Reset: %v, fresh operator: %v", got, want)
		}
	}
}
