package main

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// sanitize removes what depends on the machine: timings and core counts.
func sanitize(s string) string {
	s = regexp.MustCompile(`cpu \(\d+ cores\)`).ReplaceAllString(s, "cpu (N cores)")
	s = regexp.MustCompile(`"elapsed_s": [0-9.e+-]+`).ReplaceAllString(s, `"elapsed_s": 0`)
	return s
}

func TestRunTableGolden(t *testing.T) {
	t.Run("small", func(t *testing.T) {
		out, _, err := runCmd(t, "run", "--preset", "testdata/small.toml", "--format", "table")
		if err != nil {
			t.Fatal(err)
		}
		golden.RequireEqual(t, []byte(sanitize(out)))
	})
	t.Run("sweep", func(t *testing.T) {
		out, _, err := runCmd(t, "run", "--preset", "testdata/small-sweep.toml", "--format", "table", "--quiet")
		if err != nil {
			t.Fatal(err)
		}
		// Drop the timing column of the sweep table.
		out = regexp.MustCompile(`\s+\d+\.\d\d\s*$`).ReplaceAllString(out, "")
		lines := strings.Split(out, "\n")
		for i, l := range lines {
			lines[i] = regexp.MustCompile(`  time s\s*$|\s+[0-9]+\.[0-9]{2}\s*$`).ReplaceAllString(l, "")
		}
		golden.RequireEqual(t, []byte(sanitize(strings.Join(lines, "\n"))))
	})
}

// updating reports whether the tests run with -update (the flag of the
// golden package).
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// requireGoldenJSON compares JSON with testdata/<test name>.golden, the file
// golden.RequireEqual reads and rewrites with -update: the same structure,
// and every number within 1e-9 relative (the last digits may differ between
// the vectorised and the scalar kernel).
func requireGoldenJSON(t *testing.T, got []byte) {
	t.Helper()
	if updating() {
		golden.RequireEqual(t, got)
		return
	}
	want, err := os.ReadFile(filepath.Join("testdata", t.Name()+".golden"))
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("golden file is not JSON: %v", err)
	}
	if msg := compareJSON("", g, w); msg != "" {
		t.Error(msg)
	}
}

// TestRunJSONGolden compares the JSON output with its golden file and checks
// the fields the README documents.
func TestRunJSONGolden(t *testing.T) {
	out, _, err := runCmd(t, "run", "--preset", "testdata/small.toml", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	got := []byte(sanitize(out))
	requireGoldenJSON(t, got)
	var doc map[string]any
	if err := json.Unmarshal(got, &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"params", "steps", "particles", "preset", "backend"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	step := doc["steps"].([]any)[3].(map[string]any)
	for _, k := range []string{"step", "t", "trace_exact", "hutchinson", "hutch++", "asym_full", "dfea_relerr"} {
		if _, ok := step[k]; !ok {
			t.Errorf("step object lacks %q", k)
		}
	}
	part := doc["particles"].([]any)[0].(map[string]any)
	for _, k := range []string{"start", "end", "phi", "asym_full", "asym_offdiag", "min_eig_sym", "loglik"} {
		if _, ok := part[k]; !ok {
			t.Errorf("particle object lacks %q", k)
		}
	}
}

func compareJSON(path string, g, w any) string {
	switch wv := w.(type) {
	case map[string]any:
		gv, ok := g.(map[string]any)
		if !ok || len(gv) != len(wv) {
			return path + ": object differs in shape"
		}
		for k := range wv {
			if m := compareJSON(path+"."+k, gv[k], wv[k]); m != "" {
				return m
			}
		}
	case []any:
		gv, ok := g.([]any)
		if !ok || len(gv) != len(wv) {
			return path + ": array differs in length"
		}
		for i := range wv {
			if m := compareJSON(path+"["+strconv.Itoa(i)+"]", gv[i], wv[i]); m != "" {
				return m
			}
		}
	case float64:
		gv, ok := g.(float64)
		if !ok || math.Abs(gv-wv) > 1e-9*math.Max(1, math.Abs(wv)) {
			return path + ": number differs"
		}
	default:
		if g != w {
			return path + ": value differs"
		}
	}
	return ""
}

// TestTable3EndToEnd runs the table3 preset and checks the paper's ordering
// sub-VP < VP ≈ VE ≈ EDM on non-affine data and exactly 0 on the affine and
// single-Gaussian rows.
func TestTable3EndToEnd(t *testing.T) {
	out, _, err := runCmd(t, "run", "--preset", "table3", "--format", "json", "--max-particles", "0", "--quiet")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Runs []struct {
			Values map[string]string `json:"values"`
			Steps  []struct {
				AsymOffDiag struct {
					Mean float64 `json:"mean"`
				} `json:"asym_offdiag"`
			} `json:"steps"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	idx := map[string]float64{}
	for _, r := range doc.Runs {
		last := r.Steps[len(r.Steps)-1].AsymOffDiag.Mean
		if r.Values["data"] != "ot-nonaffine" {
			if last != 0 {
				t.Errorf("%v: index %g, want exactly 0", r.Values, last)
			}
			continue
		}
		idx[r.Values["schedule"]] = last
	}
	ve, vp, sub, edm := idx["sd-ve"], idx["sd-vp"], idx["sd-subvp"], idx["sd-edm"]
	t.Logf("non-affine: VE %.2f%%, VP %.2f%%, sub-VP %.2f%%, EDM %.2f%%", 100*ve, 100*vp, 100*sub, 100*edm)
	if !(sub < 0.8*vp && sub < 0.8*ve && sub < 0.8*edm) {
		t.Errorf("sub-VP %g is not clearly below VP %g, VE %g, EDM %g", sub, vp, ve, edm)
	}
	for name, v := range map[string]float64{"VE": ve, "EDM": edm} {
		if math.Abs(v-vp) > 0.1*vp {
			t.Errorf("%s %g not ≈ VP %g", name, v, vp)
		}
	}
}

func TestRunErrorsAndFormats(t *testing.T) {
	for name, args := range map[string][]string{
		"format":  {"run", "--format", "xml"},
		"set":     {"run", "--set", "particles"},
		"set key": {"run", "--set", "warp=9"},
		"set val": {"run", "--set", "particles=0"},
		"preset":  {"run", "--preset", "nope"},
		"extra":   {"run", "extra"},
		"gpu":     {"run", "--gpu", "maybe"},
		"sweep":   {"run", "--preset", "testdata/small-sweep.toml", "--set", "estimators=magic"},
	} {
		if _, _, err := runCmd(t, args...); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), "\n") || exitCode(err) != 2 {
			t.Errorf("%s: error %q (exit status %d) is not one line with status 2", name, err, exitCode(err))
		}
	}
	// --gpu force fails at run time (status 1) without a usable GPU.
	if _, _, err := runCmd(t, "run", "--preset", "testdata/small.toml", "--gpu", "force", "--quiet"); err != nil && exitCode(err) != 1 {
		t.Errorf("--gpu force: %v (exit status %d, want 1)", err, exitCode(err))
	} else if err == nil {
		t.Log("--gpu force ran: a GPU is present")
	}
	out, _, err := runCmd(t, "run", "--preset", "testdata/small.toml", "--format", "csv")
	if err != nil || !strings.HasPrefix(out, "run,step,t,sigma,") || strings.Count(out, "\n") != 12 {
		t.Errorf("csv: %v\n%s", err, out)
	}
	dir := t.TempDir()
	if _, stderr, err := runCmd(t, "run", "--preset", "testdata/small.toml", "--out", filepath.Join(dir, "o.txt")); err != nil || !strings.Contains(stderr, "wrote") {
		t.Errorf("--out: %v %q", err, stderr)
	}
	// --set of a swept key pins it.
	out, _, err = runCmd(t, "run", "--preset", "testdata/small-sweep.toml", "--set", "schedule=sd-ve", "--format", "json", "--quiet")
	if err != nil || strings.Contains(out, `"runs"`) {
		t.Errorf("pinned sweep still sweeps: %v", err)
	}
	// start=file: reads initial states.
	start := filepath.Join(dir, "start.txt")
	os.WriteFile(start, []byte("0.3 -0.7\n1.0,0.5\n"), 0o644)
	out, _, err = runCmd(t, "run", "--preset", "testdata/small.toml", "--set", "start=file:"+start, "--format", "json")
	if err != nil || !strings.Contains(out, "-0.7") {
		t.Errorf("start=file: %v", err)
	}
}

func TestPresetsAndBenchCommands(t *testing.T) {
	out, _, err := runCmd(t, "presets")
	if err != nil || !strings.Contains(out, "table3-exact") || !strings.Contains(out, "demo") {
		t.Errorf("presets: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, "presets", "--show", "demo")
	if err != nil || !strings.Contains(out, "[params]") {
		t.Errorf("presets --show: %v", err)
	}
	if _, _, err := runCmd(t, "presets", "--show", "nope"); err == nil {
		t.Error("presets --show nope accepted")
	}
	out, _, err = runCmd(t, "bench", "--set", "particles=64", "--set", "n=128", "--set", "steps=5")
	if err != nil || !strings.Contains(out, "particle·point·steps/s") || !strings.Contains(out, "posterior kernel") {
		t.Errorf("bench: %v\n%s", err, out)
	}
	// The table: a header, a column line and one line per D and data kind.
	out, _, err = runCmd(t, "bench", "--table", "--set", "particles=16", "--set", "n=64", "--set", "steps=2")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err != nil || len(lines) != 2+2*len(benchTableDims) || !strings.Contains(lines[len(lines)-1], "blocked O(N·D)") {
		t.Errorf("bench --table: %v\n%s", err, out)
	}
	// What the table would ignore is refused up front (exit 2).
	for _, args := range [][]string{{"--preset", "demo"}, {"--set", "dim=64"}, {"--set", "ambient_noise=0.1"}} {
		if _, _, err := runCmd(t, append([]string{"bench", "--table"}, args...)...); exitCode(err) != 2 {
			t.Errorf("bench --table %v: %v (exit %d), want a refusal", args, err, exitCode(err))
		}
	}
	// A step with estimators is not reported as the kernel's arithmetic.
	out, _, err = runCmd(t, "bench", "--preset", "demo", "--set", "particles=16", "--set", "steps=2")
	if err != nil || !strings.Contains(out, "arithmetic         —") {
		t.Errorf("bench --preset demo: %v\n%s", err, out)
	}
}

// TestRunOut checks that --out writes what standard output would get, and
// that a failed write is reported with exit status 1.
func TestRunOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "o.csv")
	want, _, err := runCmd(t, "run", "--preset", "testdata/small.toml", "--format", "csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, "run", "--preset", "testdata/small.toml", "--format", "csv", "--out", path); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != want {
		t.Errorf("--out file differs from standard output: %v\n%s", err, got)
	}
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	_, _, err = runCmd(t, "run", "--preset", "testdata/small.toml", "--out", "/dev/full")
	if err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), "--out /dev/full") {
		t.Errorf("--out /dev/full: %v (exit status %d)", err, exitCode(err))
	}
}

// TestFirstSentence: the presets list shows a description's first sentence,
// cut at a word with an ellipsis when it is long.
func TestFirstSentence(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"Short one. Second sentence.", 90, "Short one."},
		{"Wrapped\nover lines.", 90, "Wrapped over lines."},
		{"alpha beta gamma delta epsilon", 14, "alpha beta…"},
		{"no break here", 90, "no break here"},
	} {
		if got := firstSentence(c.in, c.max); got != c.want {
			t.Errorf("firstSentence(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}
