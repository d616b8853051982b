package sim

import (
	"sync"

	"fisherscope/gpu"
)

// Accelerator opens the GPU once, on first use, and shares it: several
// engines (one per SSH session) then queue their batches on the same device,
// whose calls are serialised on its own OS thread. Safe for concurrent use.
type Accelerator struct {
	once sync.Once
	dev  *gpu.Device
	err  error
}

// NewAccelerator returns an accelerator that has not yet looked for a GPU.
func NewAccelerator() *Accelerator { return &Accelerator{} }

// device returns the GPU, or why there is none.
func (a *Accelerator) device() (*gpu.Device, error) {
	a.once.Do(func() { a.dev, a.err = gpu.Open() })
	return a.dev, a.err
}

// Close releases the GPU if it was opened.
func (a *Accelerator) Close() {
	if d, err := a.device(); err == nil {
		d.Close()
	}
}
