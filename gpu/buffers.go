//go:build linux && (amd64 || arm64)

package gpu

import "unsafe"

// buffers are the device arrays and pinned host staging arrays, grown on
// demand and reused across calls.
type buffers struct {
	n, b           int            // capacities: data points, particles
	y0, y1         uint64         // device data (float32)
	xs, eu, cu, lz uint64         // device particles and outputs
	host           unsafe.Pointer // pinned: xs (2b) | eu (2b) | vu (b) | lz (b)
	hostBytes      uintptr
	data           *Data2 // the data set on the device (held, so its identity cannot be reused)
	dataN          int    // len(data.Y0) when uploaded
}

// ensure grows the buffers to hold n points and b particles.
func (bf *buffers) ensure(drv *driver, n, b int) error {
	if n > bf.n {
		drv.cuMemFree(bf.y0)
		drv.cuMemFree(bf.y1)
		bf.y0, bf.y1, bf.n, bf.data = 0, 0, 0, nil
		if err := drv.check("cuMemAlloc", drv.cuMemAlloc(&bf.y0, uintptr(4*n))); err != nil {
			return err
		}
		if err := drv.check("cuMemAlloc", drv.cuMemAlloc(&bf.y1, uintptr(4*n))); err != nil {
			return err
		}
		bf.n = n
	}
	if b > bf.b {
		for _, p := range []*uint64{&bf.xs, &bf.eu, &bf.cu, &bf.lz} {
			drv.cuMemFree(*p)
			*p = 0
		}
		if bf.host != nil {
			drv.cuMemFreeHost(bf.host)
			bf.host = nil
		}
		bf.b = 0
		sizes := []uintptr{uintptr(8 * b), uintptr(8 * b), uintptr(12 * b), uintptr(4 * b)}
		for i, p := range []*uint64{&bf.xs, &bf.eu, &bf.cu, &bf.lz} {
			if err := drv.check("cuMemAlloc", drv.cuMemAlloc(p, sizes[i])); err != nil {
				return err
			}
		}
		bf.hostBytes = uintptr(32 * b)
		if err := drv.check("cuMemAllocHost", drv.cuMemAllocHost(&bf.host, bf.hostBytes)); err != nil {
			return err
		}
		bf.b = b
	}
	return nil
}

func (bf *buffers) free(drv *driver) {
	for _, p := range []uint64{bf.y0, bf.y1, bf.xs, bf.eu, bf.cu, bf.lz} {
		if p != 0 {
			drv.cuMemFree(p)
		}
	}
	if bf.host != nil {
		drv.cuMemFreeHost(bf.host)
	}
	*bf = buffers{}
}

// hostF32 views n float32 at byte offset off of the pinned buffer.
func (bf *buffers) hostF32(off uintptr, n int) []float32 {
	return unsafe.Slice((*float32)(unsafe.Add(bf.host, off)), n)
}
