//go:build linux && (amd64 || arm64)

package gpu

import (
	"fmt"
	"runtime"
	"strings"
	"unsafe"

	"github.com/ebitengine/purego"
)

// nvrtc holds the NVRTC entry points (the run-time compiler ships with the
// CUDA toolkit, not with the driver).
type nvrtc struct {
	create    func(prog *uintptr, src, name string, nHeaders int32, headers, includes unsafe.Pointer) int32
	compile   func(prog uintptr, nOpts int32, opts unsafe.Pointer) int32
	logSize   func(prog uintptr, n *uintptr) int32
	log       func(prog uintptr, buf *byte) int32
	cubinSize func(prog uintptr, n *uintptr) int32
	cubin     func(prog uintptr, buf *byte) int32
	destroy   func(prog *uintptr) int32
}

// nvrtcNames are the sonames tried, newest first.
var nvrtcNames = []string{"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"}

// loadNVRTC opens the newest NVRTC found, or returns an error listing the tries.
func loadNVRTC() (*nvrtc, error) {
	var tried []string
	for _, name := range nvrtcNames {
		lib, err := purego.Dlopen(name, purego.RTLD_NOW|purego.RTLD_GLOBAL)
		if err != nil {
			tried = append(tried, name)
			continue
		}
		n := &nvrtc{}
		for _, s := range []struct {
			fn   any
			name string
		}{{&n.create, "nvrtcCreateProgram"}, {&n.compile, "nvrtcCompileProgram"}, {&n.logSize, "nvrtcGetProgramLogSize"},
			{&n.log, "nvrtcGetProgramLog"}, {&n.cubinSize, "nvrtcGetCUBINSize"}, {&n.cubin, "nvrtcGetCUBIN"},
			{&n.destroy, "nvrtcDestroyProgram"}} {
			if err := bind(lib, s.fn, s.name); err != nil {
				return nil, err
			}
		}
		return n, nil
	}
	return nil, fmt.Errorf("gpu: NVRTC not found (tried %s)", strings.Join(tried, ", "))
}

// compileCUBIN compiles src for sm_<arch> and returns the CUBIN.
func (n *nvrtc) compileCUBIN(src, name string, arch int) ([]byte, error) {
	var prog uintptr
	if c := n.create(&prog, src, name, 0, nil, nil); c != 0 {
		return nil, fmt.Errorf("gpu: nvrtcCreateProgram failed (%d)", c)
	}
	defer n.destroy(&prog)
	opts := []string{fmt.Sprintf("--gpu-architecture=sm_%d", arch), "--use_fast_math", "-default-device"}
	cOpts, unpin := cStrings(opts)
	defer unpin()
	if c := n.compile(prog, int32(len(opts)), cOpts); c != 0 {
		return nil, fmt.Errorf("gpu: NVRTC compile failed (%d): %s", c, n.programLog(prog))
	}
	var size uintptr
	if c := n.cubinSize(prog, &size); c != 0 || size == 0 {
		return nil, fmt.Errorf("gpu: nvrtcGetCUBINSize failed (%d)", c)
	}
	buf := make([]byte, size)
	if c := n.cubin(prog, &buf[0]); c != 0 {
		return nil, fmt.Errorf("gpu: nvrtcGetCUBIN failed (%d)", c)
	}
	return buf, nil
}

func (n *nvrtc) programLog(prog uintptr) string {
	var size uintptr
	if n.logSize(prog, &size) != 0 || size <= 1 {
		return ""
	}
	buf := make([]byte, size)
	n.log(prog, &buf[0])
	return strings.TrimRight(string(buf), "\x00\n")
}

// cStrings builds a C array (char**) of NUL-terminated copies of ss in Go
// memory for the duration of one call. The array holds Go pointers, so both
// the strings and the array are pinned (runtime.Pinner) until unpin is
// called; the collector neither moves nor frees them while C reads them.
func cStrings(ss []string) (arr unsafe.Pointer, unpin func()) {
	if len(ss) == 0 {
		return nil, func() {}
	}
	var pin runtime.Pinner
	ptrs := make([]unsafe.Pointer, len(ss))
	for i, s := range ss {
		b := append([]byte(s), 0)
		pin.Pin(&b[0])
		ptrs[i] = unsafe.Pointer(&b[0])
	}
	pin.Pin(&ptrs[0])
	return unsafe.Pointer(&ptrs[0]), pin.Unpin
}
