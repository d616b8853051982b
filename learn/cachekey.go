package learn

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"os"
	"path/filepath"

	"fisherscope/model"
)

// keyVersion changes whenever the meaning of trained weights changes (input
// features, architecture details, training procedure), so that old cache
// entries are not reused.
const keyVersion = "fisherscope-learn-1"

// CacheKey returns the content key of the score network that TrainScore
// would train from (cfg, s, data): a SHA-256 (first 128 bits, hex) of
// everything the weights depend on — the key version, every Config field but
// Target and Kernel, the schedule's name and a fingerprint of its
// coefficients (α, σ, f, g² at 33 times spanning its range, which captures
// its constants), the data's Identity (which covers the points or the
// sampler and the embedding) and D.
func CacheKey(cfg Config, s model.Schedule, data Source) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|score|", keyVersion)
	hashConfig(h, &cfg)
	hashSchedule(h, s)
	fmt.Fprintf(h, "data=%q|dim=%d|", data.Identity(), data.Dim())
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// TraceCacheKey returns the content key of the DF-TM network that TrainDFTM
// would train from cfg for the score network with key scoreKey (which
// already covers the schedule and the data).
func TraceCacheKey(cfg Config, scoreKey string) string {
	if cfg.Target == "" {
		cfg.Target = TraceNorm
	}
	return traceKey(cfg, scoreKey)
}

func traceKey(cfg Config, scoreKey string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|trace|target=%s|score=%s|", keyVersion, cfg.Target, scoreKey)
	hashConfig(h, &cfg)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func hashConfig(h hash.Hash, c *Config) {
	fmt.Fprintf(h, "arch=%s|widths=%v|steps=%d|batch=%d|lr=%x|seed=%d|train=%s|ema=%x|clip=%x|",
		c.Arch, c.widths(), c.Steps, c.Batch, math.Float64bits(c.LR), c.Seed, c.TrainData,
		math.Float64bits(c.EMA), math.Float64bits(c.Clip))
}

func hashSchedule(h hash.Hash, s model.Schedule) {
	tmin, tmax := s.Range()
	fmt.Fprintf(h, "schedule=%s|range=%x,%x|", s.Name(), math.Float64bits(tmin), math.Float64bits(tmax))
	const n = 32
	v := make([]float64, 0, 4*(n+1))
	for i := 0; i <= n; i++ {
		t := tmin + (tmax-tmin)*float64(i)/n
		if i == n {
			t = tmax
		}
		c, err := s.At(t)
		if err != nil {
			v = append(v, math.NaN())
			continue
		}
		v = append(v, c.Alpha, c.Sigma, c.F, c.G2)
	}
	hashFloats(h, "coeffs", v)
}

// FileExt is the extension of cached network files.
const FileExt = ".fsnn"

// CachePath returns the path of the file for key under dir.
func CachePath(dir, key string) string { return filepath.Join(dir, key+FileExt) }

// WriteFileAtomic writes a file named name under dir (created with mode 0700
// if missing) through write, atomically: into a temporary file in the same
// directory, synced, then renamed over the destination, so that readers see
// either the old file or the complete new one. It returns the path.
func WriteFileAtomic(dir, name string, write func(io.Writer) error) (path string, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("learn: cache directory: %w", err)
	}
	f, err := os.CreateTemp(dir, ".tmp-"+name+"-*")
	if err != nil {
		return "", fmt.Errorf("learn: cache file: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = write(f); err != nil {
		return "", err
	}
	if err = f.Sync(); err != nil {
		return "", fmt.Errorf("learn: cache file: %w", err)
	}
	if err = f.Close(); err != nil {
		return "", fmt.Errorf("learn: cache file: %w", err)
	}
	path = filepath.Join(dir, name)
	if err = os.Rename(f.Name(), path); err != nil {
		return "", fmt.Errorf("learn: cache file: %w", err)
	}
	return path, nil
}

// CachedScore returns the score network for (cfg, s, data) from the file
// CachePath(dir, CacheKey(…)) when it exists and loads (cached = true), and
// otherwise trains it and writes it there atomically. A file that exists but
// does not load (corrupted, other version) is replaced; a failure to write
// the cache is returned together with the trained network.
func CachedScore(ctx context.Context, dir string, cfg Config, s model.Schedule, data Source, progress func(Progress)) (n *ScoreNet, cached bool, err error) {
	key := CacheKey(cfg, s, data)
	path := CachePath(dir, key)
	if f, err := os.Open(path); err == nil {
		n, lerr := LoadScore(f, key)
		f.Close()
		if lerr == nil {
			return n, true, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, false, fmt.Errorf("learn: cache: %w", err)
	}
	n, err = TrainScore(ctx, cfg, s, data, progress)
	if err != nil {
		return nil, false, err
	}
	_, err = WriteFileAtomic(dir, key+FileExt, n.Save)
	return n, false, err
}

// CachedTrace is CachedScore for the DF-TM network of cfg.Target that
// belongs to score: loaded from CachePath(dir, TraceCacheKey(…)) when
// possible, else trained and written there.
func CachedTrace(ctx context.Context, dir string, cfg Config, s model.Schedule, data Source, score *ScoreNet, progress func(Progress)) (n *TraceNet, cached bool, err error) {
	key := TraceCacheKey(cfg, score.info.Key)
	path := CachePath(dir, key)
	if f, err := os.Open(path); err == nil {
		n, lerr := LoadTrace(f, score, key)
		f.Close()
		if lerr == nil {
			return n, true, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, false, fmt.Errorf("learn: cache: %w", err)
	}
	n, err = TrainDFTM(ctx, cfg, s, data, score, progress)
	if err != nil {
		return nil, false, err
	}
	_, err = WriteFileAtomic(dir, key+FileExt, n.Save)
	return n, false, err
}
