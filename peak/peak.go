package peak

import (
	"runtime"
	"sync"
	"time"
)

// Peak is a measured floating-point ceiling.
type Peak struct {
	GFLOPS  float64 // double-precision GFLOP/s on all cores together (0: not measured)
	Cores   int     // goroutines run, one per GOMAXPROCS
	ISA     string  // the vector instructions used, e.g. "AVX-512"
	Elapsed time.Duration
}

// Measure runs the FMA loop on GOMAXPROCS goroutines three times for about
// d/3 each and returns the best aggregate rate (the first pass often runs
// before the cores reach their vector clock). Without a vector FMA loop for
// this CPU it returns a zero Peak. Safe for concurrent use.
func Measure(d time.Duration) Peak {
	run, perIter, isa := loop()
	if run == nil {
		return Peak{}
	}
	n := calibrate(run, d/3)
	cores := runtime.GOMAXPROCS(0)
	best := Peak{Cores: cores, ISA: isa}
	for rep := 0; rep < 3; rep++ {
		var wg sync.WaitGroup
		t := time.Now()
		for c := 0; c < cores; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				run(n)
			}()
		}
		wg.Wait()
		el := time.Since(t)
		best.Elapsed += el
		best.GFLOPS = max(best.GFLOPS, float64(cores)*float64(n)*perIter/el.Seconds()/1e9)
	}
	return best
}

// calibrate returns the number of iterations of run that take about d on one core.
func calibrate(run func(int), d time.Duration) int {
	n := 1 << 12
	for {
		t := time.Now()
		run(n)
		el := time.Since(t)
		if el > d/16 || n > 1<<34 {
			return max(1, int(float64(n)*float64(d)/float64(max(el, time.Microsecond))))
		}
		n *= 4
	}
}
