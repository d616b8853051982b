package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update once)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), err
}

func TestEvalGolden(t *testing.T) {
	out, _, err := runCmd(t, "eval", "--schedule", "vp", "--data", "ot-nonaffine", "--t", "0.1", "--x", "0.1,-0.2")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "eval_vp.golden", []byte(out))
	// paper-figures.md §C: tr F = 10.880648 at this point.
	if !strings.Contains(out, "10.88064844") {
		t.Errorf("tr F golden value missing:\n%s", out)
	}
}

func TestEvalEmbeddedAndCSV(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "pts.csv")
	os.WriteFile(csv, []byte("x,y\n0.5,0\n0,-0.5\n0,0\n"), 0o644)
	out, _, err := runCmd(t, "eval", "--data", "csv", "--csv", csv, "--t", "0.1", "--x", "0.1,-0.2")
	if err != nil || !strings.Contains(out, "10.88064844") {
		t.Fatalf("csv eval: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, "eval", "--data", "moons", "--n", "200", "--x", "1,2,3", "--t", "0.3")
	if err != nil || !strings.Contains(out, "in 3 dimensions") {
		t.Fatalf("embedded eval: %v\n%s", err, out)
	}
}

func TestEvalErrors(t *testing.T) {
	cases := map[string][]string{
		"schedule": {"eval", "--schedule", "nope"},
		"data":     {"eval", "--data", "nope"},
		"t":        {"eval", "--t", "7"},
		"x":        {"eval", "--x", "1,abc"},
		"x NaN":    {"eval", "--x", "NaN,1"},
		"dim 1":    {"eval", "--x", "1"},
		"n":        {"eval", "--data", "moons", "--n", "-3"},
		"noise":    {"eval", "--x", "1,2,3", "--ambient-noise", "-1"},
		"csv":      {"eval", "--data", "csv", "--csv", "/nonexistent"},
		"sigma 0":  {"eval", "--schedule", "sd-edm", "--t", "0"},
		"command":  {"frobnicate"},
	}
	for name, args := range cases {
		_, _, err := runCmd(t, args...)
		if err == nil {
			t.Errorf("%s: accepted %v", name, args)
			continue
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error is not one line: %q", name, err)
		}
	}
}

func TestVersionAndHelp(t *testing.T) {
	out, _, err := runCmd(t, "version")
	if err != nil || !strings.HasPrefix(out, "fisherscope ") {
		t.Errorf("version: %q %v", out, err)
	}
	out, _, _ = runCmd(t, "help")
	if !strings.Contains(out, "eval") {
		t.Errorf("help lacks eval: %q", out)
	}
}
