package model

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func TestDatasetsReproducible(t *testing.T) {
	for _, name := range DatasetNames() {
		a, err := NewDataset(name, 500, 3)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := NewDataset(name, 500, 3)
		c, _ := NewDataset(name, 500, 4)
		da, ok := a.(*Dirac)
		if !ok {
			continue
		}
		db, dc := b.(*Dirac), c.(*Dirac)
		if !equalSlices(da.Points(), db.Points()) {
			t.Errorf("%s: same seed, different points", name)
		}
		if da.Len() == 500 && equalSlices(da.Points(), dc.Points()) {
			t.Errorf("%s: different seeds, same points", name)
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range da.Points() {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		if lo < -8 || hi > 8 {
			t.Errorf("%s: coordinates span [%g, %g], expected a toy scale", name, lo, hi)
		}
	}
}

func TestCheckerboardSupport(t *testing.T) {
	m, _ := NewDataset("checkerboard", 5000, 1)
	d := m.(*Dirac)
	for i := 0; i < d.Len(); i++ {
		p := d.Point(i)
		// Squares of side 2: (⌊x/2⌋ + ⌊y/2⌋) is even on the support.
		cx, cy := math.Floor(p[0]/2), math.Floor(p[1]/2)
		if int(cx+cy+8)%2 != 0 || math.Abs(p[0]) > 4 || math.Abs(p[1]) > 4 {
			t.Fatalf("point %v off the checkerboard support", p)
		}
	}
}

func TestEmbedding(t *testing.T) {
	em, err := NewEmbedding(16, 5)
	if err != nil {
		t.Fatal(err)
	}
	z, x, back := []float64{0.3, -1.2}, make([]float64, 16), make([]float64, 2)
	em.Lift(x, z)
	em.Project(back, x)
	checkClose(t, "round trip", back[0], z[0], 1e-14, 1)
	checkClose(t, "round trip", back[1], z[1], 1e-14, 1)
	checkClose(t, "isometry", dot(x, x), dot(z, z), 1e-14, 1)
	base, _ := NewDataset("moons", 100, 1)
	noisy, err := em.Apply(base, 0.1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if noisy.(*Dirac).InPlane() {
		t.Error("ambient noise must leave the plane")
	}
	flat, _ := em.Apply(base, 0, 0)
	if !flat.(*Dirac).InPlane() {
		t.Error("noise-free embedding must know its plane")
	}
	if _, err := em.Apply(base, -1, 0); err == nil {
		t.Error("negative noise accepted")
	}
	if _, err := em.Apply(noisy, 0, 0); err == nil {
		t.Error("embedding a 16-D mixture accepted")
	}
	g, _ := NewDataset("gaussian", 0, 0)
	if _, err := em.Apply(g, 0.01, 0); err != nil {
		t.Errorf("GMM embedding: %v", err)
	}
}

func TestParsePoints(t *testing.T) {
	pts, d, err := ParsePoints(strings.NewReader("x,y\n# comment\n1,2\n\n3 4\n5\t6\n"), 10)
	if err != nil || d != 2 || !equalSlices(pts, []float64{1, 2, 3, 4, 5, 6}) {
		t.Fatalf("got %v %d %v", pts, d, err)
	}
	bad := map[string]string{
		"ragged":   "1,2\n3\n",
		"nan":      "1,NaN\n",
		"inf":      "1,+Inf\n",
		"word":     "1,2\n3,x\n",
		"empty":    "# nothing\n",
		"too many": "1,2\n1,2\n1,2\n",
	}
	for name, in := range bad {
		if _, _, err := ParsePoints(strings.NewReader(in), 2); err == nil {
			t.Errorf("%s: accepted", name)
		} else if name == "word" && !strings.Contains(err.Error(), "line 2") {
			t.Errorf("error does not name the line: %v", err)
		}
	}
	if _, err := DiracFromCSV(strings.NewReader("1,2,3\n")); err == nil {
		t.Error("3-D CSV accepted as data")
	}
}

func FuzzParsePoints(f *testing.F) {
	f.Add([]byte("1,2\n3,4\n"))
	f.Add([]byte("x y\n1e308 -1e308\n"))
	f.Add([]byte("#\n\n,,\n"))
	f.Add([]byte("1,,2\n1e151 0\n"))
	f.Add([]byte("x;y\n 1 ; 2 \n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		pts, d, err := ParsePoints(bytes.NewReader(in), 1000)
		if err != nil {
			return
		}
		if d < 1 || len(pts)%d != 0 {
			t.Fatalf("dimension %d with %d values", d, len(pts))
		}
		for _, v := range pts {
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > MaxCoordinate {
				t.Fatalf("value %g is not finite or exceeds %g", v, MaxCoordinate)
			}
		}
		if d == 2 {
			if _, err := DiracFromCSV(bytes.NewReader(in)); err != nil {
				t.Fatalf("valid 2-D points rejected: %v", err)
			}
		}
	})
}

func equalSlices(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
