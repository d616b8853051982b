package model

import (
	"math"
	"testing"
)

// relErr returns |a − b| / max(|b|, floor).
func relErr(a, b, floor float64) float64 {
	return math.Abs(a-b) / math.Max(math.Abs(b), floor)
}

func mustSchedule(t testing.TB, name string) Schedule {
	t.Helper()
	s, err := ScheduleByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustAt(t testing.TB, s Schedule, tt float64) Coeffs {
	t.Helper()
	c, err := s.At(tt)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustDirac(t testing.TB, pts []float64, d int) *Dirac {
	t.Helper()
	m, err := NewDirac(pts, d, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// checkClose fails if got and want differ by more than tol relative (with an
// absolute floor).
func checkClose(t testing.TB, what string, got, want, tol, floor float64) {
	t.Helper()
	if math.IsNaN(got) || relErr(got, want, floor) > tol {
		t.Errorf("%s = %.10g, want %.10g (rel err %.3g > %.3g)", what, got, want, relErr(got, want, floor), tol)
	}
}

// checkDecimals fails unless got rounds to want printed with the given number
// of decimals (|got − want| ≤ 0.5·10^−decimals, plus 1 % slack for rounding).
func checkDecimals(t testing.TB, what string, got, want float64, decimals int) {
	t.Helper()
	tol := 0.505 * math.Pow(10, -float64(decimals))
	if math.IsNaN(got) || math.Abs(got-want) > tol {
		t.Errorf("%s = %.10g, want %.*f (|diff| %.3g > %.3g)", what, got, decimals, want, math.Abs(got-want), tol)
	}
}
