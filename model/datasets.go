package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
)

// The fixed three-point sets and the single Gaussian of the DiffusionFisher
// paper (App. B.3) and of its OT script (math-spec §9.6).
var (
	paperAffine    = []float64{0.2, -0.4, 0.2, 0.0, 0.2, 0.9}
	paperNonAffine = []float64{0.0, 0.5, 0.0, 0.0, 0.5, 0.0}
	otAffine       = []float64{0, 0, 0, 0.5, 0, -0.6}
	otNonAffine    = []float64{0.5, 0, 0, -0.5, 0, 0}
)

// GaussianVariance is the per-coordinate variance of the "gaussian" data set
// (mean (0.5, 0.5)); the paper's value was lost, 0.1 is this project's choice.
const GaussianVariance = 0.1

// MaxPoints is the largest n accepted by NewDataset.
const MaxPoints = 1_000_000

// sampler draws n 2-D points (row-major) from a named distribution.
type sampler func(r *rand.Rand, n int) []float64

var samplers = map[string]sampler{
	"checkerboard": checkerboard,
	"8gaussians":   eightGaussians,
	"2spirals":     twoSpirals,
	"moons":        moons,
	"rings":        rings,
	"pinwheel":     pinwheel,
	"swissroll":    swissroll,
	"circles":      circles,
}

// DatasetNames lists the names accepted by NewDataset, sorted.
func DatasetNames() []string {
	names := []string{"gaussian", "affine", "nonaffine", "ot-affine", "ot-nonaffine"}
	for k := range samplers {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// NewDataset returns a built-in 2-D data set. The sampled sets (the FFJORD toy
// samplers: checkerboard, 8gaussians, 2spirals, moons, rings, pinwheel,
// swissroll, circles) are Dirac mixtures of n points drawn with the given
// seed; the fixed sets ignore n and seed: "affine" and "nonaffine" are the
// paper's three-point sets, "ot-affine" and "ot-nonaffine" the OT script's,
// and "gaussian" is the single Gaussian N((0.5, 0.5), 0.1 I) as a GMM.
func NewDataset(name string, n int, seed uint64) (Mixture, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	switch key {
	case "gaussian":
		return NewGMM([]float64{0.5, 0.5}, []float64{GaussianVariance, 0, 0, GaussianVariance}, 2, nil)
	case "affine":
		return NewDirac(paperAffine, 2, nil)
	case "nonaffine":
		return NewDirac(paperNonAffine, 2, nil)
	case "ot-affine":
		return NewDirac(otAffine, 2, nil)
	case "ot-nonaffine":
		return NewDirac(otNonAffine, 2, nil)
	}
	s, ok := samplers[key]
	if !ok {
		return nil, fmt.Errorf("unknown data set %q (allowed: %s)", name, strings.Join(DatasetNames(), ", "))
	}
	if n < 1 || n > MaxPoints {
		return nil, fmt.Errorf("%d points outside [1, %d]", n, MaxPoints)
	}
	return NewDirac(s(rand.New(rand.NewPCG(seed, 0x5eed)), n), 2, nil)
}

// checkerboard: 8 squares of side 2 in [−4, 4]², uniform.
func checkerboard(r *rand.Rand, n int) []float64 {
	p := make([]float64, 2*n)
	for i := 0; i < n; i++ {
		x1 := r.Float64()*4 - 2
		x2 := r.Float64() - float64(r.IntN(2))*2
		x2 += math.Mod(math.Floor(x1)+4, 2)
		p[2*i], p[2*i+1] = 2*x1, 2*x2
	}
	return p
}

// eightGaussians: 8 Gaussians (sd 0.5) on a circle of radius 4, all scaled by 1/1.414.
func eightGaussians(r *rand.Rand, n int) []float64 {
	p := make([]float64, 2*n)
	for i := 0; i < n; i++ {
		a := float64(r.IntN(8)) * math.Pi / 4
		p[2*i] = (r.NormFloat64()*0.5 + 4*math.Cos(a)) / 1.414
		p[2*i+1] = (r.NormFloat64()*0.5 + 4*math.Sin(a)) / 1.414
	}
	return p
}

// twoSpirals: two interleaved spirals, scaled by 1/3, noise sd 0.1.
func twoSpirals(r *rand.Rand, n int) []float64 {
	p := make([]float64, 2*n)
	for i := 0; i < n; i++ {
		t := math.Sqrt(r.Float64()) * 540 * 2 * math.Pi / 360
		x := -math.Cos(t)*t + r.Float64()*0.5
		y := math.Sin(t)*t + r.Float64()*0.5
		if i%2 == 1 {
			x, y = -x, -y
		}
		p[2*i] = x/3 + r.NormFloat64()*0.1
		p[2*i+1] = y/3 + r.NormFloat64()*0.1
	}
	return p
}

// moons: two interleaved half circles (noise 0.1), scaled by 2 and shifted by (−1, −0.2).
func moons(r *rand.Rand, n int) []float64 {
	p := make([]float64, 2*n)
	for i := 0; i < n; i++ {
		a := r.Float64() * math.Pi
		x, y := math.Cos(a), math.Sin(a)
		if i%2 == 1 {
			x, y = 1-x, 1-y-0.5
		}
		p[2*i] = 2*(x+r.NormFloat64()*0.1) - 1
		p[2*i+1] = 2*(y+r.NormFloat64()*0.1) - 0.2
	}
	return p
}

// rings: four concentric circles of radii 0.75, 1.5, 2.25, 3 (×3 of 0.25..1), noise 0.08.
func rings(r *rand.Rand, n int) []float64 {
	p := make([]float64, 2*n)
	for i := 0; i < n; i++ {
		rad := 3 * 0.25 * float64(1+r.IntN(4))
		a := r.Float64() * 2 * math.Pi
		p[2*i] = rad*math.Cos(a) + r.NormFloat64()*0.08
		p[2*i+1] = rad*math.Sin(a) + r.NormFloat64()*0.08
	}
	return p
}

// pinwheel: five curved arms (radial sd 0.3, tangential sd 0.1, rate 0.25), ×2.
func pinwheel(r *rand.Rand, n int) []float64 {
	p := make([]float64, 2*n)
	for i := 0; i < n; i++ {
		f0 := r.NormFloat64()*0.3 + 1
		f1 := r.NormFloat64() * 0.1
		a := float64(r.IntN(5))*2*math.Pi/5 + 0.25*math.Exp(f0)
		c, s := math.Cos(a), math.Sin(a)
		p[2*i] = 2 * (f0*c + f1*s)
		p[2*i+1] = 2 * (-f0*s + f1*c)
	}
	return p
}

// swissroll: the (x, z) coordinates of sklearn's swiss roll (noise 1), divided by 5.
func swissroll(r *rand.Rand, n int) []float64 {
	p := make([]float64, 2*n)
	for i := 0; i < n; i++ {
		t := 1.5 * math.Pi * (1 + 2*r.Float64())
		p[2*i] = (t*math.Cos(t) + r.NormFloat64()) / 5
		p[2*i+1] = (t*math.Sin(t) + r.NormFloat64()) / 5
	}
	return p
}

// circles: sklearn's make_circles (factor 0.5, noise 0.08), ×3.
func circles(r *rand.Rand, n int) []float64 {
	p := make([]float64, 2*n)
	for i := 0; i < n; i++ {
		rad := 1.0
		if i%2 == 1 {
			rad = 0.5
		}
		a := r.Float64() * 2 * math.Pi
		p[2*i] = 3 * (rad*math.Cos(a) + r.NormFloat64()*0.08)
		p[2*i+1] = 3 * (rad*math.Sin(a) + r.NormFloat64()*0.08)
	}
	return p
}
