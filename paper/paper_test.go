package paper

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"fisherscope/sim"
)

// tiny is a scenario whose networks train in a fraction of a second.
func tiny(t *testing.T) (sim.Params, sim.Env) {
	t.Helper()
	p := sim.Defaults()
	p.Data, p.Particles, p.Probes, p.Jacobian = "gaussian", 40, 4, sim.JacobianOff
	p.Net, p.NetWidth, p.NetDepth, p.NetSteps, p.NetBatch = "auto", 32, 2, 400, 128
	return p, sim.Env{CacheDir: t.TempDir()}
}

// TestTable2 measures every method at every time: finite errors, the
// learned traces close to the truth at t = 1 (N(0, I) is easy to learn),
// the paper's rows printed beneath ours.
func TestTable2(t *testing.T) {
	p, env := tiny(t)
	t2, err := MeasureTable2(context.Background(), p, env)
	if err != nil {
		t.Fatal(err)
	}
	if len(t2.Methods) != 6 || len(t2.Times) != 6 || t2.Times[5] <= 0 {
		t.Fatalf("table shape: %d methods, times %v", len(t2.Methods), t2.Times)
	}
	for _, m := range t2.Methods {
		for i, e := range m.RelErr {
			if math.IsNaN(e) || math.IsInf(e, 0) || e < 0 {
				t.Errorf("%s at t=%g: %g", m.Name, t2.Times[i], e)
			}
		}
	}
	for _, i := range []int{0, 2, 3} { // VJP and both DF-TM at t = 1
		if e := t2.Methods[i].RelErr[0]; e > 0.2 {
			t.Errorf("%s at t=1: %.3f", t2.Methods[i].Name, e)
		}
	}
	var b bytes.Buffer
	if err := t2.Write(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"VJP (eq. 15", "DF-TM (ε-space)", "paper: DF-TM", "70.95 %", "µs/eval"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}

// TestTable1 times every method at every dimension; the VJP trace costs
// grow with D (D backward passes) while DF-TM's stay within a few times.
func TestTable1(t *testing.T) {
	p, env := tiny(t)
	p.NetSteps, p.Data, p.N = 2, "checkerboard", 256 // Dirac data: drawing in D=256 is cheap
	rows, err := MeasureTable1(context.Background(), p, env, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(Table1Dims()) {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows {
		if r.TraceVJP <= 0 || r.TraceDFTM <= 0 || r.MatVecVJP <= 0 || r.MatVecDFEA <= 0 {
			t.Errorf("D=%d: non-positive cost %+v", r.Dim, r)
		}
	}
	var b bytes.Buffer
	if err := WriteTable1(&b, rows); err != nil || !strings.Contains(b.String(), "paper (SD-1.5") {
		t.Errorf("write: %v\n%s", err, b.String())
	}
}
