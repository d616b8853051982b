//go:build linux && (amd64 || arm64)

package gpu

import (
	"fmt"
	"runtime"
	"unsafe"
)

// Posterior2 runs the posterior2 kernel for the particles xs (B×2 plane
// coordinates, float64) at (alpha, sigma) and writes the results into out.
func (d *Device) Posterior2(data *Data2, xs []float64, alpha, sigma float64, out *Out2) error {
	b, n := len(xs)/2, len(data.Y0)
	if len(out.EU) != 2*b || len(out.CovU) != 3*b || len(out.LogZ) != b || n == 0 {
		return fmt.Errorf("gpu: Posterior2 sizes: %d particles, %d points, outputs %d/%d/%d", b, n, len(out.EU), len(out.CovU), len(out.LogZ))
	}
	return d.do(func() error {
		bf := &d.bufs
		if err := bf.ensure(d.drv, n, b); err != nil {
			return err
		}
		if err := d.upload(data); err != nil {
			return err
		}
		hx := bf.hostF32(0, 2*b)
		for i, v := range xs {
			hx[i] = float32(v)
		}
		if err := d.drv.check("cuMemcpyHtoD(xs)", d.drv.cuMemcpyHtoD(bf.xs, bf.host, uintptr(8*b))); err != nil {
			return err
		}
		if err := d.launch2(n, b, float32(alpha), float32(1/(2*sigma*sigma))); err != nil {
			return err
		}
		return d.download(b, out)
	})
}

// upload copies the data set to the device once (until another one comes).
// The device keeps a reference to the uploaded *Data2, so a new data set can
// never be mistaken for it by address; a Data2 must not be modified after
// its first use.
func (d *Device) upload(data *Data2) error {
	bf := &d.bufs
	if bf.data == data && bf.dataN == len(data.Y0) {
		return nil
	}
	bf.data = nil
	n := uintptr(4 * len(data.Y0))
	c0 := d.drv.cuMemcpyHtoD(bf.y0, unsafe.Pointer(&data.Y0[0]), n)
	c1 := d.drv.cuMemcpyHtoD(bf.y1, unsafe.Pointer(&data.Y1[0]), n)
	runtime.KeepAlive(data) // synchronous copies: read during the calls only
	if err := d.drv.check("cuMemcpyHtoD(y0)", c0); err != nil {
		return err
	}
	if err := d.drv.check("cuMemcpyHtoD(y1)", c1); err != nil {
		return err
	}
	bf.data, bf.dataN = data, len(data.Y0)
	return nil
}

// kernelArgs2 holds the argument values of posterior2; cuLaunchKernel reads
// them through an array of pointers during the call.
type kernelArgs2 struct {
	y0, y1         uint64
	n              int32
	xs             uint64
	b              int32
	alpha, inv2s2  float32
	eu, covu, logz uint64
}

func (d *Device) launch2(n, b int, alpha, inv2s2 float32) error {
	bf := &d.bufs
	a := &kernelArgs2{y0: bf.y0, y1: bf.y1, n: int32(n), xs: bf.xs, b: int32(b), alpha: alpha, inv2s2: inv2s2, eu: bf.eu, covu: bf.cu, logz: bf.lz}
	params := [...]unsafe.Pointer{unsafe.Pointer(&a.y0), unsafe.Pointer(&a.y1), unsafe.Pointer(&a.n), unsafe.Pointer(&a.xs),
		unsafe.Pointer(&a.b), unsafe.Pointer(&a.alpha), unsafe.Pointer(&a.inv2s2), unsafe.Pointer(&a.eu),
		unsafe.Pointer(&a.covu), unsafe.Pointer(&a.logz)}
	// params is Go memory holding Go pointers into a: pin a while C reads it.
	var pin runtime.Pinner
	pin.Pin(a)
	defer pin.Unpin()
	const block = 128
	grid := uint32((b + block - 1) / block)
	err := d.drv.check("cuLaunchKernel(posterior2)", d.drv.cuLaunchKernel(d.fnPost2, grid, 1, 1, block, 1, 1, 0, 0, unsafe.Pointer(&params[0]), nil))
	if err == nil {
		err = d.drv.check("cuCtxSynchronize", d.drv.cuCtxSynchronize())
	}
	return err
}

// download copies the outputs back and widens them to float64. Pinned
// layout: xs (2b) | eu (2b) | covu (3b) | logz (b) float32.
func (d *Device) download(b int, out *Out2) error {
	bf := &d.bufs
	off := uintptr(8 * b)
	parts := []struct {
		src uint64
		n   int
		dst []float64
	}{{bf.eu, 2 * b, out.EU}, {bf.cu, 3 * b, out.CovU}, {bf.lz, b, out.LogZ}}
	for _, c := range parts {
		if err := d.drv.check("cuMemcpyDtoH", d.drv.cuMemcpyDtoH(unsafe.Add(bf.host, off), c.src, uintptr(4*c.n))); err != nil {
			return err
		}
		for i, v := range bf.hostF32(off, c.n) {
			c.dst[i] = float64(v)
		}
		off += uintptr(4 * c.n)
	}
	return nil
}
