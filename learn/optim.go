package learn

import (
	"math"
	"math/rand/v2"
)

// initParams fills p with the initial weights of tp drawn from r: each
// layer's weights and biases uniform on [−1/√in, 1/√in] (PyTorch's default
// for linear layers).
func initParams(p []float32, tp *topology, r *rand.Rand) {
	for _, d := range tp.layers {
		bound := 1 / math.Sqrt(float64(d.in))
		for i := d.w; i < d.b+d.out; i++ {
			p[i] = float32(bound * (2*r.Float64() - 1))
		}
	}
}

// adam is the Adam optimiser (Kingma & Ba 2015) with global gradient-norm
// clipping and an exponential moving average (EMA) of the weights:
//
//	g ← g·min(1, clip/‖g‖)                       (clip > 0)
//	m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²
//	p ← p − lr·m̂/(√v̂ + ε),  m̂ = m/(1−β₁ᵏ), v̂ = v/(1−β₂ᵏ)
//	ē ← δ_k ē + (1−δ_k) p,  δ_k = min(decay, (1+k)/(10+k))
//
// with β₁ = 0.9, β₂ = 0.999, ε = 1e-8; the warm-up of δ_k keeps the average
// meaningful for short runs.
type adam struct {
	m, v, ema []float32
	step      int
	clip      float64
	decay     float64
}

func newAdam(p []float32, clip, decay float64) *adam {
	return &adam{m: make([]float32, len(p)), v: make([]float32, len(p)), ema: append([]float32(nil), p...), clip: clip, decay: decay}
}

// update applies one step with learning rate lr to p given the gradient g
// (which it may scale) and returns the gradient norm before clipping.
func (o *adam) update(p, g []float32, lr float64) float64 {
	const b1, b2, eps = 0.9, 0.999, 1e-8
	n2 := 0.0
	for _, v := range g {
		n2 += float64(v) * float64(v)
	}
	norm := math.Sqrt(n2)
	scale := float32(1)
	if o.clip > 0 && norm > o.clip {
		scale = float32(o.clip / norm)
	}
	o.step++
	c1 := 1 - math.Pow(b1, float64(o.step))
	c2 := 1 - math.Pow(b2, float64(o.step))
	a := float32(lr / c1)
	ic2 := float32(1 / c2)
	d := float32(math.Min(o.decay, float64(1+o.step)/float64(10+o.step)))
	for i := range p {
		gi := g[i] * scale
		o.m[i] = b1*o.m[i] + (1-b1)*gi
		o.v[i] = b2*o.v[i] + (1-b2)*gi*gi
		p[i] -= a * o.m[i] / (float32(math.Sqrt(float64(o.v[i]*ic2))) + eps)
		o.ema[i] = d*o.ema[i] + (1-d)*p[i]
	}
	return norm
}
