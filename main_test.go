package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// TestMain runs main itself when FISHERSCOPE_MAIN=1, so that tests can check
// the process's exit status: the test binary re-executes itself with the
// command line's arguments.
func TestMain(m *testing.M) {
	if os.Getenv("FISHERSCOPE_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runMain runs fisherscope with args as a process and returns its stdout,
// stderr and exit status.
func runMain(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "FISHERSCOPE_MAIN=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return out.String(), errb.String(), cmd.ProcessState.ExitCode()
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
	golden.RequireEqual(t, []byte(out))
	// paper-figures.md §C: tr F = 10.880648 at this point.
	if !strings.Contains(out, "10.88064844") {
		t.Errorf("tr F golden value missing:\n%s", out)
	}
}

func TestEvalEmbeddedAndCSV(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "pts.csv")
	if err := os.WriteFile(csv, []byte("x,y\n0.5,0\n0,-0.5\n0,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, "eval", "--data", "csv", "--csv", csv, "--t", "0.1", "--x", "0.1,-0.2")
	if err != nil || !strings.Contains(out, "10.88064844") {
		t.Fatalf("csv eval: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, "eval", "--data", "moons", "--n", "200", "--x", "1,2,3", "--t", "0.3")
	if err != nil || !strings.Contains(out, "in 3 dimensions") {
		t.Fatalf("embedded eval: %v\n%s", err, out)
	}
}

// TestEvalErrors checks that bad input is refused with one line (exit
// status 2) naming the flag where there is one.
func TestEvalErrors(t *testing.T) {
	cases := map[string]struct {
		args []string
		want string
	}{
		"schedule": {[]string{"eval", "--schedule", "nope"}, "--schedule"},
		"data":     {[]string{"eval", "--data", "nope"}, "data"},
		"t":        {[]string{"eval", "--t", "7"}, "--t"},
		"x":        {[]string{"eval", "--x", "1,abc"}, "--x"},
		"x NaN":    {[]string{"eval", "--x", "NaN,1"}, "--x"},
		"x huge":   {[]string{"eval", "--x", "1e300,1e300"}, "--x"},
		"x 1e151":  {[]string{"eval", "--x", "0,-1e151"}, "--x"},
		"dim 1":    {[]string{"eval", "--x", "1"}, "eval"},
		"n":        {[]string{"eval", "--data", "moons", "--n", "-3"}, "eval"},
		"noise":    {[]string{"eval", "--x", "1,2,3", "--ambient-noise", "-1"}, "eval"},
		"csv":      {[]string{"eval", "--data", "csv", "--csv", "/nonexistent"}, "nonexistent"},
		"sigma 0":  {[]string{"eval", "--schedule", "sd-edm", "--t", "0"}, "--t"},
		"flag":     {[]string{"eval", "--frobnicate"}, "frobnicate"},
		"argument": {[]string{"eval", "extra"}, "extra"},
		"command":  {[]string{"frobnicate"}, "frobnicate"},
	}
	for name, c := range cases {
		out, _, err := runCmd(t, c.args...)
		if err == nil {
			t.Errorf("%s: accepted %v:\n%s", name, c.args, out)
			continue
		}
		if strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q is not one line naming %s", name, err, c.want)
		}
		if code := exitCode(err); code != 2 {
			t.Errorf("%s: exit status %d, want 2 (refused)", name, code)
		}
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestOutputErrors checks that failed writes are reported (exit status 1).
func TestOutputErrors(t *testing.T) {
	for _, args := range [][]string{
		{"eval"},
		{"run", "--preset", "testdata/small.toml"},
		{"run", "--preset", "testdata/small.toml", "--format", "json"},
		{"presets"},
		{"version"},
	} {
		err := run(context.Background(), args, failWriter{}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("%v: write error not reported: %v", args, err)
		}
		if code := exitCode(err); code != 1 {
			t.Errorf("%v: exit status %d, want 1", args, code)
		}
	}
}

// TestExitStatus runs the program as a process: 0 for success and help, 2
// for refused input, 1 for a failure while running.
func TestExitStatus(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.txt")
	cases := []struct {
		args []string
		code int
	}{
		{[]string{"version"}, 0},
		{[]string{"--help"}, 0},
		{[]string{"help"}, 0},
		{[]string{"-h"}, 0},
		{[]string{"run", "--help"}, 0},
		{[]string{"eval", "-h"}, 0},
		{[]string{"eval", "--x", "1e300,1e300"}, 2},
		{[]string{"run", "--format", "xml"}, 2},
		{[]string{"run", "--set", "warp=9"}, 2},
		{[]string{"run", "--preset", "nope"}, 2},
		{[]string{"frobnicate"}, 2},
		{[]string{"run", "--preset", "testdata/small.toml", "--set", "start=file:" + missing, "--quiet"}, 2},
		{[]string{"run", "--preset", "testdata/small.toml", "--set", "particles=1048576", "--set", "dim=4096", "--quiet"}, 2},
		{[]string{"run", "--preset", "testdata/small.toml", "--quiet", "--out", "/dev/full"}, 1},
	}
	for _, c := range cases {
		out, stderr, code := runMain(t, c.args...)
		if code != c.code {
			t.Errorf("%v: exit status %d, want %d\nstdout: %s\nstderr: %s", c.args, code, c.code, out, stderr)
		}
		if c.code == 0 && (out == "" || stderr != "") {
			t.Errorf("%v: stdout %q, stderr %q; want output on stdout only", c.args, out, stderr)
		}
		if c.code != 0 && strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: stderr is not one line: %q", c.args, stderr)
		}
	}
}

func TestVersion(t *testing.T) {
	out, _, err := runCmd(t, "version")
	if err != nil || !strings.HasPrefix(out, "fisherscope ") {
		t.Errorf("version: %q %v", out, err)
	}
	if out2, _, _ := runCmd(t, "--version"); out2 != out {
		t.Errorf("--version: %q, want %q", out2, out)
	}
}
