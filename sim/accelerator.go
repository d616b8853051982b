package sim

import (
	"sync"

	"fisherscope/gpu"
)

// Accelerator opens the GPU once, on first use, checks it against the CPU
// (SelfTest) before it is trusted, and shares it: several engines (one per
// SSH session) then queue their batches on the same device, whose calls are
// serialised on its own OS thread. Safe for concurrent use.
type Accelerator struct {
	once  sync.Once
	open  func() (posteriorDevice, func(), error) // finds the device (gpu.Open, or a test's)
	dev   posteriorDevice
	close func()
	err   error
	test  SelfTest
}

// NewAccelerator returns an accelerator that has not yet looked for a GPU.
func NewAccelerator() *Accelerator {
	return &Accelerator{open: func() (posteriorDevice, func(), error) {
		d, err := gpu.Open()
		if err != nil {
			return nil, nil, err
		}
		return d, d.Close, nil
	}}
}

// device returns the GPU and its self-test, or why there is none. The first
// call opens the device and runs the self-test.
func (a *Accelerator) device() (posteriorDevice, SelfTest, error) {
	a.once.Do(func() {
		a.dev, a.close, a.err = a.open()
		if a.err == nil {
			a.test = runSelfTest(a.dev)
		}
	})
	return a.dev, a.test, a.err
}

// SelfTest returns the device's self-test (opening and testing it on first
// use), or why there is no device.
func (a *Accelerator) SelfTest() (SelfTest, error) {
	_, st, err := a.device()
	return st, err
}

// Close releases the GPU if it was opened.
func (a *Accelerator) Close() {
	if _, _, err := a.device(); err == nil && a.close != nil {
		a.close()
	}
}
