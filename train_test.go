package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainThenRunWithFile trains small networks into a private cache,
// writes the score net with --out and runs the learned estimators from it.
func TestTrainThenRunWithFile(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	out := filepath.Join(t.TempDir(), "score.fsnn")
	set := []string{"--set", "data=gaussian", "--set", "net_steps=200", "--set", "net_width=16", "--set", "net_depth=2", "--set", "net_batch=64"}
	var stdout, stderr bytes.Buffer
	args := append([]string{"train", "--quiet", "--out", out}, set...)
	if err := run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("train: %v\n%s", err, stderr.String())
	}
	for _, want := range []string{"score    mlp", "dftm     mlp", "dftm-eps mlp", "cache: "} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("train output lacks %q:\n%s", want, stdout.String())
		}
	}
	stdout.Reset()
	args = append([]string{"run", "--quiet", "--format", "csv", "--set", "net=file:" + out, "--set", "estimators=vjp,vjp-hutchinson",
		"--set", "particles=8", "--set", "steps=4", "--set", "jacobian=off", "--set", "dfea=0"}, set...)
	if err := run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("run with the file: %v", err)
	}
	if !strings.Contains(stdout.String(), "vjp_estimate_mean") {
		t.Errorf("no vjp column:\n%s", stdout.String())
	}
	err := run(context.Background(), []string{"run", "--set", "net=file:" + out + "x", "--set", "estimators=vjp", "--set", "jacobian=off"}, &stdout, &stderr)
	if err == nil || exitCode(err) != 2 {
		t.Errorf("missing net file: %v (exit %d)", err, exitCode(err))
	}
}
