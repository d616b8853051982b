package learn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkTrainStep is one full training step (forward, backward, Adam
// with clipping and EMA) of the default 3×128 MLP at batch 512, D = 2, with
// gonum's Sgemm and with the fast kernel, on a fixed pre-drawn batch.
func BenchmarkTrainStep(b *testing.B) {
	for _, k := range []Kernel{KernelGonum, KernelFast} {
		b.Run(string(k), func(b *testing.B) {
			cfg := DefaultConfig()
			tp, err := newTopology(cfg.Arch, cfg.Widths, 2, TimeFeatures, 2)
			if err != nil {
				b.Fatal(err)
			}
			g, err := newGemm32(k)
			if err != nil {
				b.Fatal(err)
			}
			r := rand.New(rand.NewPCG(1, 2))
			st := newStepper(tp, g, &cfg, r)
			in := st.ws.resize(cfg.Batch)
			for i := range in {
				in[i] = float32(r.NormFloat64())
			}
			tgt := make([]float32, cfg.Batch*2)
			for i := range tgt {
				tgt[i] = float32(r.NormFloat64())
			}
			b.ResetTimer()
			for b.Loop() {
				st.step(tgt, 1e-3)
			}
		})
	}
}

// BenchmarkTrace compares the cost of the learned-model trace of the
// diffusion Fisher by VJP (eq. 15: D backward passes) with DF-TM (eq. 17:
// one forward pass of the trace network and one of the score network) at
// D = 2, 16, 64, 256 for the default 3×128 MLP (untrained weights: the cost
// does not depend on them). The paper's Table 1 point: VJP grows with D,
// DF-TM stays nearly flat.
func BenchmarkTrace(b *testing.B) {
	c := vpAt(b, 0.5)
	for _, d := range []int{2, 16, 64, 256} {
		score := randomScore(b, ArchMLP, []int{128, 128, 128}, d, 1, 1)
		tn := &TraceNet{score: score}
		randomInit(b, &tn.network, kindTrace, ArchMLP, []int{128, 128, 128}, d, 2, 1)
		x := randVec(rand.New(rand.NewPCG(3, 3)), d)
		b.Run(fmt.Sprintf("VJP/D=%d", d), func(b *testing.B) {
			for b.Loop() {
				score.TraceVJP(x, c)
			}
		})
		b.Run(fmt.Sprintf("DFTM/D=%d", d), func(b *testing.B) {
			for b.Loop() {
				tn.Trace(x, c)
			}
		})
	}
}
