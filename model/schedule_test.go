package model

import (
	"math"
	"testing"
)

// TestScheduleSDERelations checks f = d log α/dt and g² = dσ²/dt − 2fσ²
// (math-spec §1.1) by central finite differences for every continuous schedule.
func TestScheduleSDERelations(t *testing.T) {
	for _, name := range []string{"vp", "subvp", "ve", "edm", "ve-brownian"} {
		s := mustSchedule(t, name)
		lo, hi := s.Range()
		for _, u := range []float64{0.01, 0.1, 0.3, 0.5, 0.8, 0.99} {
			tt := lo + u*(hi-lo)
			h := 1e-6 * (hi - lo)
			cp, cm, c := mustAt(t, s, tt+h), mustAt(t, s, tt-h), mustAt(t, s, tt)
			f := (math.Log(cp.Alpha) - math.Log(cm.Alpha)) / (2 * h)
			ds2 := (cp.Sigma*cp.Sigma - cm.Sigma*cm.Sigma) / (2 * h)
			checkClose(t, name+" f", c.F, f, 1e-6, 1e-3)
			checkClose(t, name+" g2", c.G2, ds2-2*c.F*c.Sigma*c.Sigma, 1e-6, 1e-6)
			if !(c.Sigma > 0) || !(c.Alpha > 0) {
				t.Errorf("%s at %g: α=%g σ=%g", name, tt, c.Alpha, c.Sigma)
			}
		}
		// SNR decreases in t.
		c1, c2 := mustAt(t, s, lo+0.2*(hi-lo)), mustAt(t, s, lo+0.6*(hi-lo))
		if c1.Alpha/c1.Sigma <= c2.Alpha/c2.Sigma {
			t.Errorf("%s: SNR does not decrease", name)
		}
	}
}

// TestSDReferenceValues checks the SD schedule family against math-spec §1.3.
func TestSDReferenceValues(t *testing.T) {
	vp, sub := mustSchedule(t, "sd-vp"), mustSchedule(t, "sd-subvp")
	rows := []struct{ k, alpha, sigma, f, g2, g2sub float64 }{
		{999, 0.06826, 0.99767, -6.0000, 12.0000, 11.99997},
		{736, 0.25056, 0.96810, -3.9056, 7.8112, 7.81110},
		{526, 0.49272, 0.87019, -2.5548, 5.1097, 5.10932},
		{263, 0.80769, 0.58961, -1.2660, 2.5319, 2.52201},
		{105, 0.94232, 0.33471, -0.7070, 1.4141, 1.28541},
		{53, 0.97386, 0.22714, -0.5584, 1.1169, 0.79389},
		{0, 0.99957, 0.02916, -0.4250, 0.8500, 0},
	}
	for _, r := range rows {
		c, cs := mustAt(t, vp, r.k/1000), mustAt(t, sub, r.k/1000)
		checkDecimals(t, "alpha", c.Alpha, r.alpha, 5)
		if r.k == 0 {
			// The spec prints 0.02916; √(1 − ᾱ_0) = √0.00085 = 0.0291548 exactly.
			r.sigma = math.Sqrt(0.00085)
		}
		checkDecimals(t, "sigma", c.Sigma, r.sigma, 5)
		checkDecimals(t, "f", c.F, r.f, 4)
		checkDecimals(t, "g2", c.G2, r.g2, 4)
		checkDecimals(t, "g2 subvp", cs.G2, r.g2sub, 5)
		if cs.Alpha != c.Alpha || cs.Sigma != c.Sigma {
			t.Errorf("sd-subvp must share sd-vp's α, σ at k=%g", r.k)
		}
	}
	g, err := vp.Grid(19, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{999, 946, 894, 841, 789, 736, 684, 631, 578, 526, 473, 421, 368, 315, 263, 210, 158, 105, 53, 0}
	for i := range want {
		if math.Abs(g[i]*1000-want[i]) > 1e-9 {
			t.Fatalf("grid[%d] = %g, want %g", i, g[i]*1000, want[i])
		}
	}
	for _, n := range []string{"sd-ve", "sd-edm"} {
		if c := mustAt(t, mustSchedule(t, n), 0); c.Sigma != 0 {
			t.Errorf("%s: σ(0) = %g, want 0", n, c.Sigma)
		}
	}
}

func TestScheduleErrors(t *testing.T) {
	if _, err := ScheduleByName("nope"); err == nil {
		t.Error("unknown schedule accepted")
	}
	for _, name := range ScheduleNames() {
		s := mustSchedule(t, name)
		lo, hi := s.Range()
		for _, bad := range []float64{math.NaN(), lo - 1e-3, hi + 1e-3, math.Inf(1)} {
			if _, err := s.At(bad); err == nil {
				t.Errorf("%s.At(%g) accepted", name, bad)
			}
		}
		if _, err := s.Grid(0, s.DefaultTEnd()); err == nil {
			t.Errorf("%s.Grid(0) accepted", name)
		}
		g, err := s.Grid(10, s.DefaultTEnd())
		if err != nil {
			t.Fatalf("%s.Grid: %v", name, err)
		}
		if g[0] != hi || g[10] != s.DefaultTEnd() {
			t.Errorf("%s grid ends %g..%g", name, g[0], g[10])
		}
		for i := 1; i < len(g); i++ {
			if !(g[i] < g[i-1]) {
				t.Errorf("%s grid not decreasing at %d", name, i)
			}
		}
	}
	if _, err := NewVEGeometric(1, 0.5); err == nil {
		t.Error("σmax < σmin accepted")
	}
	if _, err := NewVP(-1, 20); err == nil {
		t.Error("negative β accepted")
	}
}
