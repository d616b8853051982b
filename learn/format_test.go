package learn

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fisherscope/model"
)

// tinyNets trains a small score network and a DF-TM network (a few steps:
// only the file format is under test).
func tinyNets(t *testing.T) (*ScoreNet, *TraceNet) {
	t.Helper()
	mix, _ := model.NewDataset("nonaffine", 1, 0)
	src, err := NewMixtureSource(mix)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := model.ScheduleByName("vp")
	cfg := smallConfig(5)
	cfg.Widths = []int{8, 8}
	score, err := TrainScore(context.Background(), cfg, s, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Target = TraceEps
	tn, err := TrainDFTM(context.Background(), cfg, s, src, score, nil)
	if err != nil {
		t.Fatal(err)
	}
	return score, tn
}

// TestFormatRoundTrip saves and loads both kinds of network: the weights
// are bitwise equal, Info is equal, and the networks evaluate identically.
func TestFormatRoundTrip(t *testing.T) {
	score, tn := tinyNets(t)
	var b bytes.Buffer
	if err := score.Save(&b); err != nil {
		t.Fatal(err)
	}
	got, err := LoadScore(bytes.NewReader(b.Bytes()), score.Info().Key)
	if err != nil {
		t.Fatal(err)
	}
	for i := range score.w32 {
		if score.w32[i] != got.w32[i] {
			t.Fatalf("weight %d changed: %g → %g", i, score.w32[i], got.w32[i])
		}
	}
	if a, b := score.Info(), got.Info(); a.Key != b.Key || a.Layers != b.Layers || a.Loss != b.Loss || a.DataScale != b.DataScale ||
		a.Config.LR != b.Config.LR || len(a.Config.Widths) != len(b.Config.Widths) {
		t.Fatalf("info changed:\n%+v\n%+v", a, b)
	}
	x, c := []float64{0.3, -0.2}, vpAt(t, 0.2)
	e1, e2 := make([]float64, 2), make([]float64, 2)
	score.Eps(e1, x, c)
	got.Eps(e2, x, c)
	if e1[0] != e2[0] || e1[1] != e2[1] {
		t.Fatal("loaded network evaluates differently")
	}
	b.Reset()
	if err := tn.Save(&b); err != nil {
		t.Fatal(err)
	}
	tn2, err := LoadTrace(bytes.NewReader(b.Bytes()), got, "")
	if err != nil {
		t.Fatal(err)
	}
	if tn.Trace(x, c) != tn2.Trace(x, c) || tn2.Kind() != TraceEps {
		t.Fatal("loaded DF-TM network evaluates differently")
	}
}

// TestCorruptFilesRefused checks that every kind of damage is refused with
// a one-line error naming it.
func TestCorruptFilesRefused(t *testing.T) {
	score, tn := tinyNets(t)
	var b bytes.Buffer
	if err := score.Save(&b); err != nil {
		t.Fatal(err)
	}
	good := b.Bytes()
	var tb bytes.Buffer
	if err := tn.Save(&tb); err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		c := append([]byte(nil), good...)
		c[i] ^= 0x10
		return c
	}
	version := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(version[8:], 99)
	for name, tc := range map[string]struct {
		data []byte
		key  string
		want string
	}{
		"flipped weight": {flip(len(good) - 40), "", "checksum"},
		"flipped header": {flip(20), "", "checksum"},
		"truncated":      {good[:len(good)-7], "", "checksum"},
		"short":          {good[:10], "", "truncated"},
		"empty":          {nil, "", "empty file"},
		"bad magic":      {flip(0), "", "bad magic"},
		"version":        {version, "", "version 99"},
		"wrong key":      {good, "0123", "does not match"},
		"trace as score": {tb.Bytes(), "", "trace network"},
		"appended":       {append(append([]byte(nil), good...), 0), "", "checksum"},
	} {
		_, err := LoadScore(bytes.NewReader(tc.data), tc.key)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want one line containing %q", name, err, tc.want)
		}
	}
	other, _ := tinyNets(t)
	other.info.Key = "other"
	if _, err := LoadTrace(bytes.NewReader(tb.Bytes()), other, ""); err == nil || !strings.Contains(err.Error(), "belongs to score network") {
		t.Errorf("DF-TM network loaded for another score network: %v", err)
	}
}

// TestCachedScore trains into an empty cache directory, loads from it the
// second time, and retrains over a corrupted file.
func TestCachedScore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "fisherscope")
	mix, _ := model.NewDataset("affine", 1, 0)
	src, _ := NewMixtureSource(mix)
	s, _ := model.ScheduleByName("ve")
	cfg := smallConfig(5)
	cfg.Widths = []int{8}
	ctx := context.Background()
	a, cached, err := CachedScore(ctx, dir, cfg, s, src, nil)
	if err != nil || cached {
		t.Fatalf("first call: cached=%v err=%v", cached, err)
	}
	path := CachePath(dir, a.Info().Key)
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	b, cached, err := CachedScore(ctx, dir, cfg, s, src, nil)
	if err != nil || !cached || b.w32[0] != a.w32[0] {
		t.Fatalf("second call: cached=%v err=%v", cached, err)
	}
	if err := os.WriteFile(path, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, cached, err = CachedScore(ctx, dir, cfg, s, src, nil); err != nil || cached {
		t.Fatalf("corrupted cache: cached=%v err=%v", cached, err)
	}
	if f, err := os.Open(path); err != nil {
		t.Fatal(err)
	} else if _, err := LoadScore(f, a.Info().Key); err != nil {
		t.Fatalf("corrupted cache file not replaced: %v", err)
	} else {
		f.Close()
	}
	tn, cached, err := CachedTrace(ctx, dir, cfg, s, src, a, nil)
	if err != nil || cached {
		t.Fatalf("first DF-TM call: cached=%v err=%v", cached, err)
	}
	tn2, cached, err := CachedTrace(ctx, dir, cfg, s, src, a, nil)
	if err != nil || !cached || tn2.w32[0] != tn.w32[0] || tn2.Info().Key != TraceCacheKey(cfg, a.Info().Key) {
		t.Fatalf("second DF-TM call: cached=%v err=%v", cached, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("%d files in the cache directory, want 2 (no temporary files left)", len(entries))
	}
}

// TestCacheKey checks that the key is stable for equal inputs and changes
// with the data (points, D, sampler), the schedule (name and constants),
// the network size, the seed and the other training fields, but not with
// the kernel or the DF-TM target (which only enters TraceCacheKey).
func TestCacheKey(t *testing.T) {
	src := func(name string) Source {
		m, err := model.NewDataset(name, 100, 1)
		if err != nil {
			t.Fatal(err)
		}
		s, err := NewMixtureSource(m)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	sched := func(s model.Schedule, err error) model.Schedule {
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	vp := sched(model.ScheduleByName("vp"))
	cfg := DefaultConfig()
	base := CacheKey(cfg, vp, src("affine"))
	if base != CacheKey(DefaultConfig(), sched(model.NewVP(0.1, 20)), src("affine")) {
		t.Fatal("key not stable")
	}
	emb, _ := model.NewEmbedding(3, 1)
	lifted, _ := emb.Apply(mustDataset(t, "affine"), 0, 1)
	liftedSrc, _ := NewMixtureSource(lifted)
	ckSampler, _ := NewSamplerSource("checkerboard", nil, 0)
	ckSampler3, _ := NewSamplerSource("checkerboard", emb, 0)
	m1, _ := model.NewDataset("moons", 100, 1)
	m2, _ := model.NewDataset("moons", 100, 2)
	s1, _ := NewMixtureSource(m1)
	s2, _ := NewMixtureSource(m2)
	with := func(f func(*Config)) Config { c := DefaultConfig(); f(&c); return c }
	changed := map[string]string{
		"data set":   CacheKey(cfg, vp, src("nonaffine")),
		"data seed":  CacheKey(cfg, vp, s2),
		"dimension":  CacheKey(cfg, vp, liftedSrc),
		"sampler":    CacheKey(cfg, vp, ckSampler),
		"sampler D":  CacheKey(cfg, vp, ckSampler3),
		"schedule":   CacheKey(cfg, sched(model.ScheduleByName("ve")), src("affine")),
		"constants":  CacheKey(cfg, sched(model.NewVP(0.1, 19)), src("affine")),
		"sd option":  CacheKey(cfg, sched(model.ScheduleByName("sd-subvp")), src("affine")),
		"widths":     CacheKey(with(func(c *Config) { c.Widths = []int{128, 128} }), vp, src("affine")),
		"arch":       CacheKey(with(func(c *Config) { c.Arch = ArchPaper }), vp, src("affine")),
		"seed":       CacheKey(with(func(c *Config) { c.Seed = 2 }), vp, src("affine")),
		"steps":      CacheKey(with(func(c *Config) { c.Steps++ }), vp, src("affine")),
		"batch":      CacheKey(with(func(c *Config) { c.Batch = 256 }), vp, src("affine")),
		"lr":         CacheKey(with(func(c *Config) { c.LR = 2e-3 }), vp, src("affine")),
		"ema":        CacheKey(with(func(c *Config) { c.EMA = 0.99 }), vp, src("affine")),
		"train data": CacheKey(with(func(c *Config) { c.TrainData = TrainSampler }), vp, src("affine")),
	}
	seen := map[string]string{base: "base", CacheKey(cfg, vp, s1): "moons seed 1"}
	for what, k := range changed {
		if prev, dup := seen[k]; dup {
			t.Errorf("changing %s gives the key of %s", what, prev)
		}
		seen[k] = what
	}
	if CacheKey(with(func(c *Config) { c.Kernel = KernelGonum; c.Target = TraceEps }), vp, src("affine")) != base {
		t.Error("kernel or DF-TM target changed the score key")
	}
	if TraceCacheKey(cfg, base) == TraceCacheKey(with(func(c *Config) { c.Target = TraceEps }), base) ||
		TraceCacheKey(cfg, base) == TraceCacheKey(cfg, "other") {
		t.Error("trace key ignores the target or the score key")
	}
}

func mustDataset(t *testing.T, name string) model.Mixture {
	m, err := model.NewDataset(name, 100, 1)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
