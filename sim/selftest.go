package sim

import (
	"errors"
	"fmt"
	"math"
	"time"

	"fisherscope/gpu"
	"fisherscope/model"
)

// SelfTest is the outcome of checking a GPU against the CPU before it is
// trusted: the numbers of a small batch against float64, and timings from
// which its speed on a scenario is predicted.
type SelfTest struct {
	Pass    bool
	Reason  string        // why it failed ("" when it passed)
	MaxErr  float64       // worst relative error of denoiser, tr F (to d/σ²) and log q
	DevBase time.Duration // one posterior pass of selfTestSmall particles (launch and copies)
	DevBig  time.Duration // one pass of selfTestBig particles
	CPUPer  time.Duration // float64 CPU time per particle·point, one core
}

// The self-test's batch: the checkerboard's points, particles drawn at two
// noise levels, 1e-3 relative tolerance (float32 with u = x − αy gives
// about 1e-6; a wrong kernel is off by far more).
const (
	selfTestPoints = 1024
	selfTestSmall  = 64
	selfTestBig    = 4096
	selfTestTol    = 1e-3
)

// runSelfTest compares dev with the CPU's float64 posterior and times both.
func runSelfTest(dev posteriorDevice) SelfTest {
	mix, err := model.NewDataset("checkerboard", selfTestPoints, 1)
	if err != nil {
		return SelfTest{Reason: err.Error()}
	}
	dirac := mix.(*model.Dirac)
	z := dirac.Points()
	data := gpu.NewData2(z)
	logPi, _ := dirac.UniformLogWeight()
	s, _ := model.ScheduleByName("vp")
	st := SelfTest{Pass: true}
	for _, t := range []float64{0.6, 0.05} {
		c, _ := s.At(t)
		xs := selfTestStates(selfTestBig, c)
		out := gpu.NewOut2(selfTestBig)
		start := time.Now()
		if err := dev.Posterior2(data, xs, c.Alpha, c.Sigma, out); err != nil {
			return SelfTest{Reason: "device error: " + err.Error()}
		}
		st.DevBig = max(st.DevBig, time.Since(start))
		e, cpu, err := compareDevice(mix, xs, out, c, logPi)
		if err != nil {
			return SelfTest{Reason: err.Error()}
		}
		st.MaxErr, st.CPUPer = math.Max(st.MaxErr, e), max(st.CPUPer, cpu)
	}
	small := gpu.NewOut2(selfTestSmall)
	c, _ := s.At(0.6)
	start := time.Now()
	if err := dev.Posterior2(data, selfTestStates(selfTestSmall, c), c.Alpha, c.Sigma, small); err != nil {
		return SelfTest{Reason: "device error: " + err.Error()}
	}
	st.DevBase = time.Since(start)
	if !(st.MaxErr <= selfTestTol) {
		st.Pass, st.Reason = false, fmt.Sprintf("wrong numbers: relative error %.3g against the CPU's float64 (tolerance %g)", st.MaxErr, selfTestTol)
	}
	return st
}

// selfTestStates are b seeded states around the data at coefficients c.
func selfTestStates(b int, c model.Coeffs) []float64 {
	xs := make([]float64, 2*b)
	for i := range xs {
		u := float64((i*7919)%1000)/1000 - 0.5 // deterministic, spread over [−0.5, 0.5)
		xs[i] = c.Alpha*4*u + c.Sigma*math.Sin(float64(i))
	}
	return xs
}

// compareDevice returns the worst relative error of the device's outputs
// against the CPU and the CPU's time per particle·point.
func compareDevice(mix model.Mixture, xs []float64, out *gpu.Out2, c model.Coeffs, logPi float64) (float64, time.Duration, error) {
	post := model.NewPosterior(mix)
	s2, a2 := c.Sigma*c.Sigma, c.Alpha*c.Alpha
	norm := math.Log(2 * math.Pi * s2)
	worst := 0.0
	start := time.Now()
	b := len(xs) / 2
	for k := 0; k < b; k++ {
		x := xs[2*k : 2*k+2]
		mix.Posterior(post, x, c)
		m0, m1 := (x[0]-out.EU[2*k])/c.Alpha, (x[1]-out.EU[2*k+1])/c.Alpha
		trC := (out.CovU[3*k] + out.CovU[3*k+2]) / a2
		trF := 2/s2 - a2/(s2*s2)*trC
		logQ := out.LogZ[k] + logPi - norm
		for _, e := range []float64{
			math.Hypot(m0-post.Mean[0], m1-post.Mean[1]) / (1 + math.Hypot(post.Mean[0], post.Mean[1])),
			math.Abs(trF-post.TraceFisher()) * s2 / 2, // against the scale d/σ² of its two cancelling terms
			math.Abs(logQ-post.LogDensity) / (1 + math.Abs(post.LogDensity)),
		} {
			if math.IsNaN(e) {
				return 0, 0, errors.New("wrong numbers: non-finite output")
			}
			worst = math.Max(worst, e)
		}
	}
	return worst, time.Since(start) / time.Duration(b*mix.Len()), nil
}

// Faster predicts whether the device computes the posterior of b particles
// on n points faster than the CPU's workers, from the self-test's timings
// (device: a fixed cost plus a cost per particle·point; CPU: a cost per
// particle·point spread over the workers). It says why not when it is not.
func (s SelfTest) Faster(b, n, workers int) (bool, string) {
	work := float64(b) * float64(n)
	perDev := float64(s.DevBig-s.DevBase) / float64((selfTestBig-selfTestSmall)*selfTestPoints)
	dev := time.Duration(math.Max(0, perDev)*work) + s.DevBase
	cpu := time.Duration(float64(s.CPUPer) * work / float64(max(workers, 1)))
	if dev < cpu {
		return true, ""
	}
	return false, fmt.Sprintf("GPU slower than the CPU here (posterior pass ≈ %v on the GPU, %v on %d cores)", dev.Round(time.Microsecond), cpu.Round(time.Microsecond), workers)
}

// DeviceReport describes the accelerator for a bug report: the device and
// its kernel build (architecture, NVRTC or shipped PTX, registers, spills),
// the self-test, and one posterior pass on b particles × n points timed on
// the device and predicted for the CPU's workers.
type DeviceReport struct {
	Info        string
	Test        SelfTest
	Kernel      time.Duration // measured: one posterior pass on the device
	CPUEstimate time.Duration // predicted from the self-test: the same pass on the CPU
	Workers     int
}

// CheckDevice opens (or reuses) the accelerator's device, runs its
// self-test and times the heavy workload (b particles, n points).
func (a *Accelerator) CheckDevice(b, n, workers int) (DeviceReport, error) {
	dev, st, err := a.device()
	if err != nil {
		return DeviceReport{}, err
	}
	r := DeviceReport{Info: dev.Info(), Test: st, Workers: workers}
	if !st.Pass {
		return r, nil
	}
	mix, err := model.NewDataset("checkerboard", n, 1)
	if err != nil {
		return r, err
	}
	data := gpu.NewData2(mix.(*model.Dirac).Points())
	s, _ := model.ScheduleByName("vp")
	c, _ := s.At(0.5)
	xs, out := selfTestStates(b, c), gpu.NewOut2(b)
	if err := dev.Posterior2(data, xs, c.Alpha, c.Sigma, out); err != nil { // warm: upload, allocation
		return r, err
	}
	start := time.Now()
	if err := dev.Posterior2(data, xs, c.Alpha, c.Sigma, out); err != nil {
		return r, err
	}
	r.Kernel = time.Since(start)
	r.CPUEstimate = time.Duration(float64(st.CPUPer) * float64(b) * float64(n) / float64(max(workers, 1)))
	return r, nil
}
