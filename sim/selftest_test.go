package sim

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fisherscope/gpu"
)

// simDevice is a simulated GPU: the device algorithm on the CPU, optionally
// wrong, slow or failing.
type simDevice struct {
	fakeDevice
	wrong bool
	delay time.Duration
	fail  bool
}

func (d *simDevice) Posterior2(data *gpu.Data2, xs []float64, alpha, sigma float64, out *gpu.Out2) error {
	if d.fail {
		return errors.New("simulated device error")
	}
	time.Sleep(d.delay)
	if err := d.fakeDevice.Posterior2(data, xs, alpha, sigma, out); err != nil {
		return err
	}
	if d.wrong {
		for i := range out.CovU {
			out.CovU[i] *= 1.01 // a 1 % error in the covariance
		}
	}
	return nil
}

func simAccelerator(dev posteriorDevice) *Accelerator {
	return &Accelerator{open: func() (posteriorDevice, func(), error) { return dev, nil, nil }}
}

// TestSelfTestDecisions: a device that passes and is fast is used; one that
// returns wrong numbers, is slower, or fails is not (auto runs on the CPU
// and says why; forced, wrong numbers and errors are refused, slowness is
// accepted).
func TestSelfTestDecisions(t *testing.T) {
	p := gpuParams()
	p.Particles, p.N = 256, 1024
	for _, c := range []struct {
		name    string
		dev     *simDevice
		cpu     float64 // CPU cost per particle·point the test pretends (0: measured)
		backend string  // want: "gpu" or the reason's words
	}{
		{"pass", &simDevice{}, 1, "gpu"},
		{"wrong numbers", &simDevice{wrong: true}, 1, "wrong numbers"},
		{"slower", &simDevice{delay: time.Millisecond}, 1e-12, "GPU slower than the CPU"},
		{"error", &simDevice{fail: true}, 1, "device error"},
	} {
		acc := simAccelerator(c.dev)
		st, _ := acc.SelfTest()
		if c.cpu > 0 && st.Pass {
			acc.test.CPUPer = time.Duration(c.cpu * float64(time.Second)) // pin the comparison
		}
		res, err := RunWith(context.Background(), p, nil, acc, Limits{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if c.backend == "gpu" {
			if !strings.HasPrefix(res.Backend, "gpu") {
				t.Errorf("%s: backend %q note %q, want the GPU", c.name, res.Backend, res.Note)
			}
			continue
		}
		if !strings.HasPrefix(res.Backend, "cpu") || !strings.Contains(res.Note, c.backend) {
			t.Errorf("%s: backend %q note %q, want the CPU because %q", c.name, res.Backend, res.Note, c.backend)
		}
		q := p
		q.Backend = BackendGPU
		_, err = RunWith(context.Background(), q, nil, acc, Limits{})
		if c.name == "slower" {
			if err != nil {
				t.Errorf("forced on a slower device: %v", err)
			}
		} else if !errors.Is(err, ErrNoGPU) {
			t.Errorf("%s forced: %v, want ErrNoGPU", c.name, err)
		}
	}
}
