package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"fisherscope/presets"
)

// shardSpec is a share of a sweep's runs: those whose index i satisfies
// i mod count = index.
type shardSpec struct{ index, count int }

// parseShard reads --shard: "i/n" (0 ≤ i < n), or "auto" from a Slurm array
// (SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT) or
// a Kubernetes Indexed Job (JOB_COMPLETION_INDEX of --shard-count). getenv
// is os.Getenv outside tests.
func parseShard(spec string, count int, getenv func(string) string) (shardSpec, error) {
	if spec != "auto" {
		a, b, ok := strings.Cut(spec, "/")
		i, err1 := strconv.Atoi(a)
		n, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n || n > 100000 {
			return shardSpec{}, fmt.Errorf("--shard: %q is not i/n with 0 ≤ i < n (or auto)", spec)
		}
		return shardSpec{i, n}, nil
	}
	if id := getenv("SLURM_ARRAY_TASK_ID"); id != "" {
		min := getenv("SLURM_ARRAY_TASK_MIN")
		if min == "" {
			min = "0"
		}
		return parseShard(fmt.Sprintf("%s/%s", sub(id, min), getenv("SLURM_ARRAY_TASK_COUNT")), 0, getenv)
	}
	if idx := getenv("JOB_COMPLETION_INDEX"); idx != "" {
		if count < 1 {
			return shardSpec{}, fmt.Errorf("--shard auto: a Kubernetes Indexed Job needs --shard-count (its completions)")
		}
		return parseShard(fmt.Sprintf("%s/%d", idx, count), 0, getenv)
	}
	return shardSpec{}, fmt.Errorf("--shard auto: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set (allowed outside a scheduler: i/n)")
}

// sub returns a − b for decimal strings (a itself when either is not a number).
func sub(a, b string) string {
	x, err1 := strconv.Atoi(a)
	y, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil {
		return a
	}
	return strconv.Itoa(x - y)
}

// owns reports whether run i belongs to the shard.
func (s shardSpec) owns(i int) bool { return i%s.count == s.index }

// shardKey fingerprints a preset with its overrides, so that merge can tell
// shards of the same sweep from others.
func shardKey(p *presets.Preset, maxParticles int) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%d\n", p.Name, p.Params.Fingerprint(), maxParticles)
	for _, ax := range p.Sweep {
		fmt.Fprintf(h, "%s=%s\n", ax.Key, strings.Join(ax.Values, ","))
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}
