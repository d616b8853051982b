package sim

import (
	"context"
	"errors"
	"fmt"
	"runtime"
)

// Backend runs the per-step batched math. Step advances every particle of
// the batch from row i to row i+1 and fills row i's per-particle measurements
// (Finish fills the last row, where no step follows). Implementations may use
// any number of goroutines but must give results that depend only on the
// batch, not on scheduling. A Backend serves one run; Close releases it.
type Backend interface {
	Name() string
	Step(ctx context.Context, bt *Batch, i int) error
	Finish(ctx context.Context, bt *Batch, i int) error
	Close()
}

// ErrNoGPU is returned for backend=gpu: this build has no GPU backend.
var ErrNoGPU = errors.New("backend: gpu unavailable: no GPU backend in this build (allowed now: auto, cpu)")

// newBackend returns the backend named by p.Backend and, for auto, the
// reason a GPU is not used.
func newBackend(bt *Batch) (Backend, string, error) {
	switch bt.Params.Backend {
	case "gpu":
		return nil, "", ErrNoGPU
	case "auto":
		return newCPU(bt, runtime.GOMAXPROCS(0)), "no GPU backend in this build", nil
	case "cpu":
		return newCPU(bt, runtime.GOMAXPROCS(0)), "", nil
	}
	return nil, "", fmt.Errorf("backend: unknown value %q (allowed: auto, cpu, gpu)", bt.Params.Backend)
}
