//go:build linux && (amd64 || arm64)

package gpu

import (
	"bytes"
	"errors"
	"io/fs"
	"strings"
	"testing"
)

// TestMissingDriverLibrary: a library that does not exist gives ErrNoDriver
// with a message naming the library, on every machine.
func TestMissingDriverLibrary(t *testing.T) {
	_, err := loadDriverFrom("libcuda-fisherscope-missing.so.1")
	if !errors.Is(err, ErrNoDriver) || !strings.Contains(err.Error(), "libcuda.so.1") {
		t.Fatalf("err = %v", err)
	}
}

// TestOpenWithoutDriver: on a machine without the NVIDIA driver Open fails
// with ErrNoDriver and a message naming the library (CI takes this path).
func TestOpenWithoutDriver(t *testing.T) {
	d, err := Open()
	if err == nil {
		d.Close()
		t.Skip("a GPU is present: the no-driver path cannot be observed here")
	}
	if _, derr := loadDriver(); derr == nil {
		t.Skipf("driver present but no usable device: %v", err)
	}
	if !errors.Is(err, ErrNoDriver) || !strings.Contains(err.Error(), "libcuda.so.1") {
		t.Fatalf("err = %v", err)
	}
}

// TestNVRTCCompilesKernels compiles kernels.cu through the purego NVRTC
// binding for sm_90 (no GPU needed); skipped where NVRTC is not installed.
func TestNVRTCCompilesKernels(t *testing.T) {
	nv, err := loadNVRTC()
	if err != nil {
		t.Skip(err)
	}
	cubin, err := nv.compileCUBIN(kernelSource, "kernels.cu", 90)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(cubin, []byte("\x7fELF")) {
		t.Fatalf("NVRTC output is not a CUBIN (%d bytes)", len(cubin))
	}
	if _, err := nv.compileCUBIN("this is not CUDA", "bad.cu", 90); err == nil || !strings.Contains(err.Error(), "error") {
		t.Errorf("bad source: %v", err)
	}
}

// TestShippedPTX: the embedded PTX holds posterior2 with the ten parameters
// the launcher passes.
func TestShippedPTX(t *testing.T) {
	b, err := fs.ReadFile(shippedPTX, "ptx/kernels.ptx")
	if err != nil {
		t.Fatal(err)
	}
	ptx := string(b)
	if !strings.Contains(ptx, ".entry posterior2(") {
		t.Fatal("posterior2 missing from the PTX")
	}
	for i := 0; i < 10; i++ {
		if !strings.Contains(ptx, "posterior2_param_"+string(rune('0'+i))) {
			t.Errorf("parameter %d missing", i)
		}
	}
	if strings.Contains(ptx, "posterior2_param_10") {
		t.Error("PTX has more parameters than the launcher passes")
	}
}
