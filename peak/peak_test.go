package peak

import (
	"testing"
	"time"
)

// TestMeasure: a vector machine reports a positive, finite rate no larger
// than a generous physical bound (64 flops per cycle at 6 GHz per core).
func TestMeasure(t *testing.T) {
	p := Measure(20 * time.Millisecond)
	if p.ISA == "" {
		t.Skip("no vector FMA loop for this CPU")
	}
	if !(p.GFLOPS > 0) || p.GFLOPS > float64(p.Cores)*64*6 {
		t.Fatalf("peak %g GFLOP/s on %d cores", p.GFLOPS, p.Cores)
	}
}
