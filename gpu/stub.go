//go:build !(linux && (amd64 || arm64))

package gpu

import (
	"errors"
	"fmt"
	"runtime"
)

// Device is a GPU. On this platform there is no CUDA backend: Open always
// fails and no Device is ever returned.
type Device struct{}

// errUnsupported says why there is no GPU on this platform.
func errUnsupported() error {
	return fmt.Errorf("gpu: the CUDA backend is built only for linux/amd64 and linux/arm64, not %s/%s: %w",
		runtime.GOOS, runtime.GOARCH, errors.ErrUnsupported)
}

// Open returns an error wrapping errors.ErrUnsupported: this build has no
// CUDA backend.
func Open() (*Device, error) { return nil, errUnsupported() }

// Name returns "" (there is no device on this platform).
func (d *Device) Name() string { return "" }

// Info says that there is no CUDA backend on this platform.
func (d *Device) Info() string { return errUnsupported().Error() }

// Close does nothing.
func (d *Device) Close() {}

// Posterior2 returns an error wrapping errors.ErrUnsupported.
func (d *Device) Posterior2(*Data2, []float64, float64, float64, *Out2) error {
	return errUnsupported()
}
