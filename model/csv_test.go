package model

import (
	"strings"
	"testing"
)

// TestParsePointsRefusesBadFields checks that empty fields and huge or
// non-finite values are errors naming their line, on one line.
func TestParsePointsRefusesBadFields(t *testing.T) {
	cases := map[string]struct{ in, want string }{
		"empty middle":   {"0,0\n1,,2\n", "line 2: coordinate 2: empty field"},
		"empty last":     {"x,y\n1,2,\n", "line 2: coordinate 3: empty field"},
		"empty first":    {"; 1; 2\n", "line 1: coordinate 1: empty field"},
		"spaced empty":   {"1 , , 2\n", "line 1: coordinate 2: empty field"},
		"huge":           {"1,2\n# c\n1e151,0\n", "line 3: coordinate 1: \"1e151\" exceeds 1e+150"},
		"huge negative":  {"0 -2e200\n", "line 1: coordinate 2: \"-2e200\" exceeds 1e+150"},
		"overflow":       {"1e400,0\n", "line 1: coordinate 1: \"1e400\" is not finite"},
		"nan":            {"0,nan\n", "line 1: coordinate 2: \"nan\" is not finite"},
		"two in a field": {"1 2, 3\n", "line 1: coordinate 1: \"1 2\" is not a number"},
	}
	for name, c := range cases {
		_, _, err := ParsePoints(strings.NewReader(c.in), 10)
		if err == nil {
			t.Errorf("%s: accepted %q", name, c.in)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %q, want one line containing %q", name, err, c.want)
		}
	}
}

// TestParsePointsSeparators checks the accepted forms of a row.
func TestParsePointsSeparators(t *testing.T) {
	in := "x, y\n1,2\n 3 , 4 \n5;6\n7 8\n9\t10\n1e150,-1e150\n"
	pts, d, err := ParsePoints(strings.NewReader(in), 10)
	want := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1e150, -1e150}
	if err != nil || d != 2 || !equalSlices(pts, want) {
		t.Fatalf("got %v %d %v, want %v", pts, d, err, want)
	}
	if _, _, err := ParsePoints(strings.NewReader("a,,b\n1,2,3\n"), 10); err != nil {
		t.Errorf("header with an empty column name refused: %v", err)
	}
}
