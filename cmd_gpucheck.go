package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime"

	"fisherscope/sim"
)

// setupGPUCheck defines `fisherscope gpu-check`: a diagnostic to paste into
// a bug report (the device, its kernel build, the self-test, timings on the
// heavy workload and the verdict of --gpu auto).
func setupGPUCheck(fs *flag.FlagSet) action {
	b := fs.Int("particles", 65536, "particles `B` of the heavy workload")
	n := fs.Int("points", 4096, "data points `N` of the heavy workload")
	return func(_ context.Context, _ []string, stdout, _ io.Writer) error {
		if *b < 1 || *b > sim.MaxParticles || *n < 1 || *n > 1_000_000 {
			return refused(fmt.Errorf("gpu-check: --particles in [1, %d] and --points in [1, 1000000]", sim.MaxParticles))
		}
		acc := sim.NewAccelerator()
		defer acc.Close()
		w := runtime.GOMAXPROCS(0)
		r, err := acc.CheckDevice(*b, *n, w)
		if err != nil { // no GPU is not a failure of this command
			_, werr := fmt.Fprintf(stdout, "gpu-check: no GPU: %v (--gpu auto runs on the CPU)\n", err)
			return werr
		}
		return writeGPUReport(stdout, r, *b, *n)
	}
}

// writeGPUReport prints the report.
func writeGPUReport(w io.Writer, r sim.DeviceReport, b, n int) error {
	st := r.Test
	fmt.Fprintf(w, "device:     %s\n", r.Info)
	fmt.Fprintf(w, "self-test:  pass=%v  max relative error %.3g (denoiser, tr F to d/σ², log q vs float64)\n", st.Pass, st.MaxErr)
	if !st.Pass {
		_, err := fmt.Fprintf(w, "verdict:    --gpu auto uses the CPU: %s\n", st.Reason)
		return err
	}
	fmt.Fprintf(w, "timings:    posterior pass %d×%d: device %v (launch and copies %v), CPU ≈ %v on %d cores\n",
		b, n, r.Kernel, st.DevBase, r.CPUEstimate, r.Workers)
	verdict := "--gpu auto uses the GPU for this workload"
	if fast, why := st.Faster(b, n, r.Workers); !fast {
		verdict = "--gpu auto uses the CPU for this workload: " + why
	}
	_, err := fmt.Fprintf(w, "verdict:    %s\n", verdict)
	return err
}
