package model

import (
	"math"
	"testing"
)

// TestGridSpacing: each kind is decreasing, starts at T and ends at t_end,
// and is uniform in the variable it promises (t, λ, or (σ/α)^{1/ρ}).
func TestGridSpacing(t *testing.T) {
	for _, name := range []string{"vp", "subvp", "ve", "edm", "ve-brownian"} {
		s, _ := ScheduleByName(name)
		tEnd := s.DefaultTEnd()
		for _, kind := range []GridKind{GridUniform, GridLogSNR, GridKarras} {
			g, err := MakeGrid(s, kind, 40, tEnd, 7)
			if err != nil {
				t.Fatalf("%s %d: %v", name, kind, err)
			}
			_, tmax := s.Range()
			if g[0] != tmax || g[40] != tEnd {
				t.Errorf("%s %d: ends %g, %g", name, kind, g[0], g[40])
			}
			v := func(t float64) float64 {
				switch kind {
				case GridLogSNR:
					return logSNR(s, t)
				case GridKarras:
					return math.Exp(logSNR(s, t) / 7)
				}
				return t
			}
			d0 := v(g[1]) - v(g[0])
			for i := 1; i <= 40; i++ {
				if g[i] >= g[i-1] {
					t.Fatalf("%s %d: not decreasing at %d", name, kind, i)
				}
				if d := v(g[i]) - v(g[i-1]); math.Abs(d-d0) > 1e-6*math.Abs(d0)+1e-12 {
					t.Errorf("%s %d: step %d is %g, first %g", name, kind, i, d, d0)
					break
				}
			}
		}
	}
}
