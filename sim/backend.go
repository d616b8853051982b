package sim

import (
	"context"
	"errors"
	"fmt"
	"runtime"
)

// Stepper runs the per-step batched math. Step advances every particle of
// the batch from row i to row i+1 and fills row i's per-particle measurements
// (Finish fills the last row, where no step follows). Implementations may use
// any number of goroutines but must give results that depend only on the
// batch, not on scheduling. A Stepper serves one run; Close releases it.
type Stepper interface {
	Name() string
	Step(ctx context.Context, bt *Batch, i int) error
	Finish(ctx context.Context, bt *Batch, i int) error
	Close()
}

// ErrNoGPU wraps the reason backend=gpu cannot run.
var ErrNoGPU = errors.New("backend: gpu unavailable")

// newBackend returns the backend named by p.Backend and, for auto, the
// reason a GPU is not used. acc may be nil (then no GPU is tried).
func newBackend(bt *Batch, acc *Accelerator) (Stepper, string, error) {
	w := runtime.GOMAXPROCS(0)
	switch bt.Params.Backend {
	case BackendCPU:
		return newCPU(bt, w), "", nil
	case BackendGPU, BackendAuto:
		reason := gpuEligible(bt)
		if reason == "" {
			if acc == nil {
				reason = "no accelerator attached"
			} else if dev, st, err := acc.device(); err != nil {
				reason = err.Error()
			} else if !st.Pass {
				reason = "GPU self-test failed: " + st.Reason
			} else if fast, why := st.Faster(bt.B, bt.Mix.Len(), w); fast || bt.Params.Backend == BackendGPU {
				return newGPUBackend(bt, dev, w), "", nil
			} else {
				reason = why
			}
		}
		if bt.Params.Backend == BackendGPU {
			return nil, "", fmt.Errorf("%w: %s (allowed: auto, cpu)", ErrNoGPU, reason)
		}
		return newCPU(bt, w), "GPU not used: " + reason, nil
	}
	return nil, "", fmt.Errorf("backend: unknown value %v (allowed: auto, cpu, gpu)", bt.Params.Backend)
}
