//go:build linux && (amd64 || arm64)

package gpu

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"strings"
	"sync"
	"unsafe"
)

// Device is one GPU with a context, the compiled kernels and reusable
// staging buffers. All driver calls run on one goroutine locked to its OS
// thread; methods may be called from any goroutine and are serialised.
type Device struct {
	drv     *driver
	calls   chan func()
	name    string
	arch    int
	source  string // "nvrtc sm_XX" or "ptx"
	dev     int32
	ctx     uintptr
	mod     uintptr
	fnPost2 uintptr
	regs    int32
	spill   int32
	bufs    buffers

	mu     sync.Mutex // guards closed against concurrent calls and Close
	closed bool
}

// Open finds the first GPU, creates its context on a dedicated OS thread and
// compiles the kernels. It returns an error saying why when there is no
// driver, no device, or the kernels cannot be built.
func Open() (*Device, error) {
	drv, err := loadDriver()
	if err != nil {
		return nil, err
	}
	d := &Device{drv: drv, calls: make(chan func())}
	ready := make(chan error)
	go d.loop(ready)
	if err := <-ready; err != nil {
		return nil, err
	}
	return d, nil
}

// loop is the device's OS thread: it sets up the context, then runs calls.
func (d *Device) loop(ready chan<- error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := d.setup(); err != nil {
		ready <- err
		return
	}
	ready <- nil
	for f := range d.calls {
		f()
	}
}

// do runs f on the device thread and returns its error.
func (d *Device) do(f func() error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return errors.New("gpu: device closed")
	}
	errc := make(chan error, 1)
	d.calls <- func() { errc <- f() }
	return <-errc
}

func (d *Device) setup() error {
	drv := d.drv
	if err := drv.check("cuInit", drv.cuInit(0)); err != nil {
		return err
	}
	var n int32
	if err := drv.check("cuDeviceGetCount", drv.cuDeviceGetCount(&n)); err != nil {
		return err
	}
	if n == 0 {
		return errors.New("gpu: the driver found no CUDA device")
	}
	if err := drv.check("cuDeviceGet", drv.cuDeviceGet(&d.dev, 0)); err != nil {
		return err
	}
	name := make([]byte, 256)
	if err := drv.check("cuDeviceGetName", drv.cuDeviceGetName(&name[0], int32(len(name)), d.dev)); err != nil {
		return err
	}
	d.name = strings.TrimRight(string(name), "\x00")
	var major, minor int32
	drv.cuDeviceGetAttribute(&major, attrComputeMajor, d.dev)
	drv.cuDeviceGetAttribute(&minor, attrComputeMinor, d.dev)
	d.arch = int(10*major + minor)
	if err := drv.check("cuDevicePrimaryCtxRetain", drv.cuDevicePrimaryCtxRetain(&d.ctx, d.dev)); err != nil {
		return err
	}
	if err := drv.check("cuCtxSetCurrent", drv.cuCtxSetCurrent(d.ctx)); err != nil {
		return err
	}
	return d.loadModule()
}

// loadModule compiles kernels.cu with NVRTC for the exact architecture, or
// loads the shipped PTX when NVRTC is missing.
func (d *Device) loadModule() error {
	image, err := d.compile()
	if err != nil {
		return err
	}
	image = append(image, 0) // PTX must be NUL-terminated; harmless for CUBIN
	code := d.drv.cuModuleLoadData(&d.mod, unsafe.Pointer(&image[0]))
	runtime.KeepAlive(image) // read by the driver during the call only
	if err := d.drv.check("cuModuleLoadData", code); err != nil {
		return err
	}
	if err := d.drv.check("cuModuleGetFunction(posterior2)", d.drv.cuModuleGetFunction(&d.fnPost2, d.mod, "posterior2")); err != nil {
		return err
	}
	d.drv.cuFuncGetAttribute(&d.regs, funcNumRegs, d.fnPost2)
	d.drv.cuFuncGetAttribute(&d.spill, funcLocalBytes, d.fnPost2)
	return nil
}

func (d *Device) compile() ([]byte, error) {
	nv, nvErr := loadNVRTC()
	if nvErr == nil {
		cubin, err := nv.compileCUBIN(kernelSource, "kernels.cu", d.arch)
		if err == nil {
			d.source = fmt.Sprintf("nvrtc sm_%d", d.arch)
			return cubin, nil
		}
		nvErr = err
	}
	ptx, err := fs.ReadFile(shippedPTX, "ptx/kernels.ptx")
	if err != nil {
		return nil, fmt.Errorf("%v; and no PTX ships in this binary (run scripts/gen-ptx.sh)", nvErr)
	}
	d.source = "ptx"
	return ptx, nil
}

// Name returns the device's name, e.g. "NVIDIA H100 80GB HBM3".
func (d *Device) Name() string { return d.name }

// Info describes the device and the kernel build: architecture, how the
// kernels were built, registers per thread and local-memory (spill) bytes.
func (d *Device) Info() string {
	return fmt.Sprintf("%s sm_%d, kernels %s, posterior2 %d registers, %d B local (spills)", d.name, d.arch, d.source, d.regs, d.spill)
}

// Close frees the buffers, unloads the kernels, releases the context and
// ends the device thread.
func (d *Device) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	done := make(chan struct{})
	d.calls <- func() {
		d.bufs.free(d.drv)
		d.drv.cuModuleUnload(d.mod)
		d.drv.cuDevicePrimaryCtxRelease(d.dev)
		close(done)
	}
	<-done
	d.closed = true
	close(d.calls)
}
