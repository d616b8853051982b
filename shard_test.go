package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestShardAndMerge splits a sweep three ways, merges the shards and checks
// the result equals the unsplit run apart from timings; mismatched,
// incomplete and duplicated shards are refused with one line.
func TestShardAndMerge(t *testing.T) {
	dir := t.TempDir()
	base := []string{"run", "--preset", "testdata/small-sweep.toml", "--quiet", "--format", "json"}
	var files []string
	for i := 0; i < 3; i++ {
		path := filepath.Join(dir, "s"+string(rune('0'+i))+".json")
		args := append(append([]string(nil), base...), "--shard", string(rune('0'+i))+"/3", "--out", path)
		if err := run(context.Background(), args, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
		files = append(files, path)
	}
	var merged, whole bytes.Buffer
	if err := run(context.Background(), append([]string{"merge"}, files...), &merged, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), base, &whole, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if a, b := withoutTimings(t, merged.Bytes()), withoutTimings(t, whole.Bytes()); a != b {
		t.Errorf("merged document differs from the unsplit run")
	}
	other := filepath.Join(dir, "other.json")
	args := append(append([]string(nil), base...), "--shard", "1/3", "--set", "seed=9", "--out", other)
	if err := run(context.Background(), args, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		files []string
		want  string
	}{
		{files[:2], "missing"},
		{[]string{files[0], other, files[2]}, "another preset or other parameters"},
		{[]string{files[0], files[0], files[1], files[2]}, "both shard 0/3"},
	} {
		err := run(context.Background(), append([]string{"merge"}, c.files...), &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") || exitCode(err) != 2 {
			t.Errorf("merge %v: %v", c.files, err)
		}
	}
}

func withoutTimings(t *testing.T, b []byte) string {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	delete(d, "elapsed_s")
	if runs, ok := d["runs"].([]any); ok {
		for _, r := range runs {
			delete(r.(map[string]any), "elapsed_s")
		}
	}
	out, _ := json.Marshal(d)
	return string(out)
}

// TestShardAuto reads Slurm and Kubernetes indices.
func TestShardAuto(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, c := range []struct {
		env   map[string]string
		count int
		want  shardSpec
		err   string
	}{
		{map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "4"}, 0, shardSpec{2, 4}, ""},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "2"}, 0, shardSpec{0, 2}, ""},
		{map[string]string{"JOB_COMPLETION_INDEX": "5"}, 8, shardSpec{5, 8}, ""},
		{map[string]string{"JOB_COMPLETION_INDEX": "5"}, 0, shardSpec{}, "--shard-count"},
		{map[string]string{}, 0, shardSpec{}, "neither"},
	} {
		got, err := parseShard("auto", c.count, env(c.env))
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%v: err %v, want %q", c.env, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%v: %v %v, want %v", c.env, got, err, c.want)
		}
	}
	if _, err := parseShard("3/3", 0, os.Getenv); err == nil {
		t.Error("3/3 accepted")
	}
}

// TestGPUCheckWithoutGPU: without a device gpu-check says why in one line
// and succeeds.
func TestGPUCheckWithoutGPU(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"gpu-check"}, &out, &bytes.Buffer{})
	if strings.HasPrefix(out.String(), "device:") {
		t.Skip("a GPU is present: " + strings.SplitN(out.String(), "\n", 2)[0])
	}
	if err != nil || !strings.HasPrefix(out.String(), "gpu-check: no GPU: ") || strings.Count(out.String(), "\n") != 1 {
		t.Errorf("err %v, output %q", err, out.String())
	}
}

// TestShardEdgeCases: reports cannot be sharded; merge refuses a shard of
// count 0; sizes that round to 0 bytes are refused.
func TestShardEdgeCases(t *testing.T) {
	err := run(context.Background(), []string{"run", "--preset", "table1", "--shard", "0/2", "--format", "json"}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "cannot be sharded") {
		t.Errorf("report with --shard: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"shard":{"index":0,"count":0,"total":0,"runs":[],"key":"x"},"runs":[]}`), 0o644)
	if err := run(context.Background(), []string{"merge", bad}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "invalid shard") {
		t.Errorf("merge count 0: %v", err)
	}
	for _, v := range []string{"0.5", "-0", "0.1KiB"} {
		if _, err := parseBytes(v); err == nil && v != "0.1KiB" {
			t.Errorf("%q accepted", v)
		}
	}
}
