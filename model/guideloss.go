package model

import (
	"fmt"
	"math"
)

// GuideLoss is a guidance objective on the clean sample x_end (in R^D).
type GuideLoss interface {
	Name() string
	Value(x []float64) float64
	Grad(dst, x []float64)   // ∇L(x)
	Inside(x []float64) bool // x reached the target region
}

// GoalLoss is ½‖x − goal‖²; the target region is the ball of radius 1.
type GoalLoss struct{ Goal []float64 }

// Name implements GuideLoss.
func (l GoalLoss) Name() string { return "distance to a goal point" }

// Value implements GuideLoss.
func (l GoalLoss) Value(x []float64) float64 { return halfSq(x, l.Goal) }

// Grad implements GuideLoss.
func (l GoalLoss) Grad(dst, x []float64) {
	for j := range dst {
		dst[j] = x[j] - l.Goal[j]
	}
}

// Inside implements GuideLoss.
func (l GoalLoss) Inside(x []float64) bool { return 2*halfSq(x, l.Goal) <= 1 }

// HalfPlane is ½ max(0, b − wᵀx)² (the constraint wᵀx ≥ b, w a unit vector).
type HalfPlane struct {
	W []float64
	B float64
}

// Name implements GuideLoss.
func (l HalfPlane) Name() string { return "half-plane constraint" }

// Value implements GuideLoss.
func (l HalfPlane) Value(x []float64) float64 {
	v := math.Max(0, l.B-dot(l.W, x))
	return v * v / 2
}

// Grad implements GuideLoss.
func (l HalfPlane) Grad(dst, x []float64) {
	v := math.Max(0, l.B-dot(l.W, x))
	for j := range dst {
		dst[j] = -v * l.W[j]
	}
}

// Inside implements GuideLoss.
func (l HalfPlane) Inside(x []float64) bool { return dot(l.W, x) >= l.B }

// RegionDensity is the negative log-density of a smoothed region: L =
// −log Σ_i exp(−‖x − y_i‖²/(2τ²)) over the region's points y_i (a
// constant dropped); inside means within 2τ of one of them.
type RegionDensity struct {
	Points [][]float64
	Tau    float64
}

// Name implements GuideLoss.
func (l RegionDensity) Name() string { return "negative log-density of a region" }

// Value implements GuideLoss.
func (l RegionDensity) Value(x []float64) float64 {
	m, s := l.logits(x, nil)
	return -(m + math.Log(s))
}

// Grad implements GuideLoss: Σ w_i (x − y_i)/τ² with softmax weights w.
func (l RegionDensity) Grad(dst, x []float64) {
	w := make([]float64, len(l.Points))
	_, s := l.logits(x, w)
	clear(dst)
	for i, y := range l.Points {
		for j := range dst {
			dst[j] += w[i] / s * (x[j] - y[j]) / (l.Tau * l.Tau)
		}
	}
}

// logits returns the log-sum-exp split as max and sum of exp(logit − max);
// w (if not nil) receives the unnormalised weights.
func (l RegionDensity) logits(x, w []float64) (m, s float64) {
	m = math.Inf(-1)
	lg := make([]float64, len(l.Points))
	for i, y := range l.Points {
		lg[i] = -halfSq(x, y) / (l.Tau * l.Tau)
		m = math.Max(m, lg[i])
	}
	for i := range lg {
		e := math.Exp(lg[i] - m)
		s += e
		if w != nil {
			w[i] = e
		}
	}
	return m, s
}

// Inside implements GuideLoss.
func (l RegionDensity) Inside(x []float64) bool {
	for _, y := range l.Points {
		if math.Sqrt(2*halfSq(x, y)) <= 2*l.Tau {
			return true
		}
	}
	return false
}

// GuideLosses are three objectives around goal: the point
// itself, the region of the data points within 1 of it, and the half-plane
// beyond 80 % of it along its direction.
func GuideLosses(m Mixture, goal []float64) ([]GuideLoss, error) {
	n := math.Sqrt(dot(goal, goal))
	if n == 0 {
		return nil, fmt.Errorf("guidance goal at the origin: no half-plane direction")
	}
	w := make([]float64, len(goal))
	for j := range w {
		w[j] = goal[j] / n
	}
	var region [][]float64
	visit := func(y []float64) {
		if math.Sqrt(2*halfSq(y, goal)) <= 1 {
			region = append(region, append([]float64(nil), y...))
		}
	}
	switch m := m.(type) {
	case *Dirac:
		for i := 0; i < m.Len(); i++ {
			visit(m.Point(i))
		}
	case *GMM:
		for c := 0; c < m.Len(); c++ {
			visit(m.Mean(c))
		}
	}
	if len(region) == 0 {
		region = [][]float64{goal}
	}
	return []GuideLoss{GoalLoss{goal}, RegionDensity{region, 0.3}, HalfPlane{w, 0.8 * n}}, nil
}

// halfSq returns ½‖x − y‖².
func halfSq(x, y []float64) float64 {
	s := 0.0
	for j := range x {
		s += (x[j] - y[j]) * (x[j] - y[j])
	}
	return s / 2
}
