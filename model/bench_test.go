package model

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkPosteriorTrace measures the batched posterior + tr F at B = 4096
// particles, N = 2048 checkerboard points; report ns/(particle·point) =
// ns/op / (B·N). D=64 runs both with the data in a known plane and without
// (ambient noise 1e-3, the straightforward O(N·D) loop).
func BenchmarkPosteriorTrace(b *testing.B) {
	const B, N = 4096, 2048
	base, _ := NewDataset("checkerboard", N, 1)
	for _, cfg := range []struct {
		name  string
		d     int
		noise float64
	}{{"D=2", 2, 0}, {"D=64/plane", 64, 0}, {"D=64/generic", 64, 1e-3}} {
		em, _ := NewEmbedding(cfg.d, 1)
		m, _ := em.Apply(base, cfg.noise, 2)
		r := rand.New(rand.NewPCG(1, 1))
		xs := make([]float64, B*cfg.d)
		for i := range xs {
			xs[i] = 2 * r.NormFloat64()
		}
		s, _ := ScheduleByName("vp")
		c, _ := s.At(0.3)
		tr := make([]float64, B)
		work := NewPosterior(m)
		b.Run(fmt.Sprintf("%s/B=%d/N=%d", cfg.name, B, N), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				PosteriorBatchTo(nil, tr, nil, m, xs, c, work)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(B*N), "ns/particle·point")
		})
	}
}

// BenchmarkKernel2D measures the 2-D posterior kernel alone on one point
// against N = 2048 checkerboard points (ns/point: one core, no engine).
func BenchmarkKernel2D(b *testing.B) {
	const N = 2048
	m, _ := NewDataset("checkerboard", N, 1)
	p := NewPosterior(m)
	s, _ := ScheduleByName("vp")
	c, _ := s.At(0.3)
	x := []float64{0.3, -0.7}
	for i := 0; i < b.N; i++ {
		m.Posterior(p, x, c)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/N, "ns/point")
}

// BenchmarkFullTile measures the blocked full path on a tile of 16 points
// at D = 64 against N = 2048 points off their plane (ns/(particle·point) and
// the achieved GFLOP/s counting 4·D flops per particle·point for the two
// products).
func BenchmarkFullTile(b *testing.B) {
	const N, D, P = 2048, 64, 16
	base, _ := NewDataset("checkerboard", N, 1)
	em, _ := NewEmbedding(D, 1)
	m, _ := em.Apply(base, 0.05, 2)
	r := rand.New(rand.NewPCG(1, 1))
	xs := make([]float64, P*D)
	for i := range xs {
		xs[i] = r.NormFloat64()
	}
	s, _ := ScheduleByName("vp")
	c, _ := s.At(0.3)
	t := NewTile(m, P)
	for i := 0; i < b.N; i++ {
		t.Eval(xs, c)
	}
	ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / (P * N)
	b.ReportMetric(ns, "ns/particle·point")
	b.ReportMetric(4*D/ns, "GFLOP/s")
}

// BenchmarkHutchPP measures one Hutch++ estimate of tr F (fresh sketch,
// Rademacher probes) at D = 64 on data in a plane, for m = 12 and m = 48:
// the ratio of the two is the estimator's growth in m.
func BenchmarkHutchPP(b *testing.B) {
	base, _ := NewDataset("checkerboard", 1024, 1)
	em, _ := NewEmbedding(64, 1)
	m, _ := em.Apply(base, 0, 2)
	s, _ := ScheduleByName("vp")
	c, _ := s.At(0.3)
	p := NewPosterior(m)
	x := make([]float64, 64)
	x[0], x[5] = 0.4, -1
	m.Posterior(p, x, c)
	for _, probes := range []int{12, 48} {
		b.Run(fmt.Sprintf("m=%d", probes), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 2))
			var sk Sketch
			var w TraceWork
			for i := 0; i < b.N; i++ {
				if _, err := HutchPP(FisherOp{P: p}, probes, Rademacher, r, &sk, &w); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
