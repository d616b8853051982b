package export

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fisherscope/sim"
)

func tiny(t *testing.T) *sim.Result {
	t.Helper()
	p := sim.Defaults()
	p.Particles, p.Steps, p.N, p.Repeats, p.DFEA = 6, 4, 50, 2, 2
	res, err := sim.Run(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestCSVShapeAndNaN(t *testing.T) {
	res := tiny(t)
	res.Rows[0].LogQ.Mean = math.NaN()
	var b bytes.Buffer
	if err := WriteCSV(&b, "r", res, true); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != len(res.Rows)+1 {
		t.Fatalf("%d lines", len(lines))
	}
	cols := len(CSVHeader(res.Params.Estimators))
	for _, l := range lines {
		if n := strings.Count(l, ",") + 1; n != cols {
			t.Fatalf("%d columns, want %d: %s", n, cols, l)
		}
	}
	if !strings.Contains(lines[1], ",,") {
		t.Error("NaN not written as an empty field")
	}
}

func TestFinalOTVerdict(t *testing.T) {
	res := tiny(t)
	s := FinalOT(res)
	if s.N != len(res.Particles) || !strings.Contains(s.Verdict(), "not an OT map") {
		t.Errorf("checkerboard verdict: %+v %s", s, s.Verdict())
	}
	sym := OT{Full: 0, PDFraction: 1, N: 3}
	if !strings.Contains(sym.Verdict(), "consistent") {
		t.Error(sym.Verdict())
	}
	var b bytes.Buffer
	if err := WriteRunTable(&b, res); err != nil || !strings.Contains(b.String(), "final Φ") {
		t.Errorf("table: %v\n%s", err, b.String())
	}
	a := Averages(res, 0)
	if !(a.MatVecsPerEstimate == float64(res.Params.Probes)) || math.IsNaN(a.RelErr) {
		t.Errorf("averages %+v", a)
	}
}

// TestExportEmptySeries writes a frame whose series are all absent or zero:
// no panic, no partial file, an empty chart.
func TestExportEmptySeries(t *testing.T) {
	p := sim.Defaults()
	p.Particles, p.N, p.Steps, p.Estimators, p.Jacobian, p.DFEA = 8, 16, 3, nil, sim.JacobianOff, 0
	res, err := sim.Run(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []*sim.Frame{
		{Params: p, Rows: res.Rows, Data: res.Data, Positions: make([]float64, 2*p.Particles)},
		{Params: p}, // no rows at all
	} {
		base := filepath.Join(t.TempDir(), "x")
		paths, err := Frame(base, f)
		if err != nil {
			t.Fatalf("export: %v", err)
		}
		for _, path := range paths {
			if st, err := os.Stat(path); err != nil || st.Size() == 0 {
				t.Errorf("%s: %v (size %v)", path, err, st)
			}
		}
		if m, _ := filepath.Glob(base + "*.partial*"); len(m) > 0 {
			t.Errorf("partial files left: %v", m)
		}
	}
}
