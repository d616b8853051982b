//go:build linux && (amd64 || arm64)

package gpu

import (
	"fmt"
	"unsafe"

	"github.com/ebitengine/purego"
)

// driver holds the CUDA driver API entry points used here.
type driver struct {
	cuInit                    func(flags uint32) int32
	cuDeviceGetCount          func(n *int32) int32
	cuDeviceGet               func(dev *int32, ordinal int32) int32
	cuDeviceGetName           func(name *byte, n int32, dev int32) int32
	cuDeviceGetAttribute      func(v *int32, attr int32, dev int32) int32
	cuDevicePrimaryCtxRetain  func(ctx *uintptr, dev int32) int32
	cuDevicePrimaryCtxRelease func(dev int32) int32
	cuCtxSetCurrent           func(ctx uintptr) int32
	cuCtxSynchronize          func() int32
	cuModuleLoadData          func(mod *uintptr, image unsafe.Pointer) int32
	cuModuleUnload            func(mod uintptr) int32
	cuModuleGetFunction       func(fn *uintptr, mod uintptr, name string) int32
	cuFuncGetAttribute        func(v *int32, attr int32, fn uintptr) int32
	cuMemAlloc                func(p *uint64, size uintptr) int32
	cuMemFree                 func(p uint64) int32
	cuMemAllocHost            func(p *unsafe.Pointer, size uintptr) int32
	cuMemFreeHost             func(p unsafe.Pointer) int32
	cuMemcpyHtoD              func(dst uint64, src unsafe.Pointer, size uintptr) int32
	cuMemcpyDtoH              func(dst unsafe.Pointer, src uint64, size uintptr) int32
	cuLaunchKernel            func(fn uintptr, gx, gy, gz, bx, by, bz, shared uint32, stream uintptr, params unsafe.Pointer, extra unsafe.Pointer) int32
	cuGetErrorString          func(code int32, str **byte) int32
	cuDriverGetVersion        func(v *int32) int32
}

// Device attributes and function attributes used here.
const (
	attrComputeMajor = 75
	attrComputeMinor = 76
	funcNumRegs      = 4
	funcLocalBytes   = 3
)

// driverSoname is the driver library's name.
const driverSoname = "libcuda.so.1"

// loadDriver opens libcuda.so.1 and binds every entry point.
func loadDriver() (*driver, error) { return loadDriverFrom(driverSoname) }

// loadDriverFrom opens the driver library called name.
func loadDriverFrom(name string) (*driver, error) {
	lib, err := purego.Dlopen(name, purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrNoDriver, err)
	}
	d := &driver{}
	syms := []struct {
		fn   any
		name string
	}{
		{&d.cuInit, "cuInit"}, {&d.cuDeviceGetCount, "cuDeviceGetCount"}, {&d.cuDeviceGet, "cuDeviceGet"},
		{&d.cuDeviceGetName, "cuDeviceGetName"}, {&d.cuDeviceGetAttribute, "cuDeviceGetAttribute"},
		{&d.cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain"}, {&d.cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2"},
		{&d.cuCtxSetCurrent, "cuCtxSetCurrent"}, {&d.cuCtxSynchronize, "cuCtxSynchronize"},
		{&d.cuModuleLoadData, "cuModuleLoadData"}, {&d.cuModuleUnload, "cuModuleUnload"},
		{&d.cuModuleGetFunction, "cuModuleGetFunction"}, {&d.cuFuncGetAttribute, "cuFuncGetAttribute"},
		{&d.cuMemAlloc, "cuMemAlloc_v2"}, {&d.cuMemFree, "cuMemFree_v2"},
		{&d.cuMemAllocHost, "cuMemAllocHost_v2"}, {&d.cuMemFreeHost, "cuMemFreeHost"},
		{&d.cuMemcpyHtoD, "cuMemcpyHtoD_v2"}, {&d.cuMemcpyDtoH, "cuMemcpyDtoH_v2"},
		{&d.cuLaunchKernel, "cuLaunchKernel"}, {&d.cuGetErrorString, "cuGetErrorString"},
		{&d.cuDriverGetVersion, "cuDriverGetVersion"},
	}
	for _, s := range syms {
		if err := bind(lib, s.fn, s.name); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// bind resolves one symbol into a Go function pointer without panicking.
func bind(lib uintptr, fn any, name string) error {
	sym, err := purego.Dlsym(lib, name)
	if err != nil {
		return fmt.Errorf("gpu: symbol %s missing from the loaded library: %v", name, err)
	}
	purego.RegisterFunc(fn, sym)
	return nil
}

// check turns a CUresult into an error naming the call.
func (d *driver) check(call string, code int32) error {
	if code == 0 {
		return nil
	}
	var s *byte
	msg := "unknown error"
	if d.cuGetErrorString != nil && d.cuGetErrorString(code, &s) == 0 && s != nil {
		msg = cString(s)
	}
	return fmt.Errorf("gpu: %s failed: %s (CUresult %d)", call, msg, code)
}

// cString copies a NUL-terminated C string.
func cString(p *byte) string {
	var b []byte
	for q := unsafe.Pointer(p); *(*byte)(q) != 0; q = unsafe.Add(q, 1) {
		b = append(b, *(*byte)(q))
	}
	return string(b)
}
