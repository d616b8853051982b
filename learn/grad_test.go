package learn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// netCase is a small float64 network with a random input batch.
type netCase struct {
	name string
	tp   *topology
	p    []float64
	in   []float64 // rows × nin
	rows int
}

func newNetCase(t *testing.T, name string, arch Arch, widths []int, nx, nt, nout, rows int, seed uint64) netCase {
	t.Helper()
	tp, err := newTopology(arch, widths, nx, nt, nout)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(seed, 1))
	p := randVec(r, tp.nparams)
	for _, d := range tp.layers { // weights of scale ~1.5/√in: saturating and linear regimes both occur
		for i := d.w; i < d.b; i++ {
			p[i] *= 1.5 / math.Sqrt(float64(d.in))
		}
	}
	return netCase{name: name, tp: tp, p: p, in: randVec(r, rows*tp.nin()), rows: rows}
}

func (nc netCase) forward(p, in []float64) ([]float64, *netWS[float64]) {
	w := newNetWS(nc.tp, gemmer[float64](gonum64{}))
	copy(w.resize(nc.rows), in)
	return append([]float64(nil), w.forward(p)...), w
}

// cases covers each layer type on its own (one SiLU layer then the linear
// output layer; a linear layer alone is the output layer of every case), a
// deeper MLP, and the paper's two-tower network with its concatenation.
func gradCases(t *testing.T) []netCase {
	return []netCase{
		newNetCase(t, "silu+linear", ArchMLP, []int{5}, 3, 2, 2, 4, 1),
		newNetCase(t, "mlp-3", ArchMLP, []int{7, 6, 5}, 4, TimeFeatures, 3, 5, 2),
		newNetCase(t, "mlp-x-only", ArchMLP, []int{9}, 2, 0, 2, 3, 3),
		newNetCase(t, "paper", ArchPaper, nil, 2, TimeFeatures, 2, 2, 4),
	}
}

// TestBackpropMatchesFiniteDifferences checks the parameter gradient of
// L = ⟨u, out⟩ against central differences with step h = 1e-5 in float64:
// truncation error O(h²·L”') ~ 1e-10 and rounding ~ 1e-16/h ~ 1e-11
// relative to the output scale, so 1e-6 relative (plus 1e-8 absolute) is a
// wide margin that still catches any wrong term. For the paper network 300
// random parameters are checked (it has 400k).
func TestBackpropMatchesFiniteDifferences(t *testing.T) {
	for _, nc := range gradCases(t) {
		t.Run(nc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(5, 5))
			out, w := nc.forward(nc.p, nc.in)
			u := randVec(r, len(out))
			grad := make([]float64, nc.tp.nparams)
			w.backward(nc.p, grad, u, 1, false)
			idx := r.Perm(nc.tp.nparams)
			if len(idx) > 300 {
				idx = idx[:300]
			}
			const h = 1e-5
			p := append([]float64(nil), nc.p...)
			for _, i := range idx {
				p[i] = nc.p[i] + h
				op, _ := nc.forward(p, nc.in)
				p[i] = nc.p[i] - h
				om, _ := nc.forward(p, nc.in)
				p[i] = nc.p[i]
				fd := (dotT(u, op) - dotT(u, om)) / (2 * h)
				if math.Abs(fd-grad[i]) > 1e-6*math.Abs(fd)+1e-8 {
					t.Fatalf("parameter %d: backprop %.12g, finite difference %.12g", i, grad[i], fd)
				}
			}
		})
	}
}

// TestInputDerivatives checks, for every case, the JVP and the input VJP
// w.r.t. the x columns against central differences (h = 1e-5, tolerance as
// above), that the time columns carry no tangent, the adjoint identity
// ⟨u, J v⟩ = ⟨Jᵀ u, v⟩ to 1e-12 relative, and that several tangents per
// point (per > 1) give the same result as one at a time.
func TestInputDerivatives(t *testing.T) {
	for _, nc := range gradCases(t) {
		t.Run(nc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(6, 6))
			nx, nin := nc.tp.nx, nc.tp.nin()
			out, w := nc.forward(nc.p, nc.in)
			v := randVec(r, nc.rows*nx)
			u := randVec(r, len(out))
			jv := append([]float64(nil), w.jvp(nc.p, v, 1)...)
			jtu := append([]float64(nil), w.backward(nc.p, nil, u, 1, true)...)
			const h = 1e-5
			shift := func(s float64) []float64 {
				in := append([]float64(nil), nc.in...)
				for i := 0; i < nc.rows; i++ {
					for j := 0; j < nx; j++ {
						in[i*nin+j] += s * v[i*nx+j]
					}
				}
				o, _ := nc.forward(nc.p, in)
				return o
			}
			op, om := shift(h), shift(-h)
			for i := range jv {
				fd := (op[i] - om[i]) / (2 * h)
				if math.Abs(fd-jv[i]) > 1e-6*math.Abs(fd)+1e-8 {
					t.Fatalf("JVP entry %d: %.12g, finite difference %.12g", i, jv[i], fd)
				}
			}
			// VJP against finite differences of ⟨u, out⟩ along each x coordinate.
			for i := 0; i < nc.rows; i++ {
				for j := 0; j < nx; j++ {
					in := append([]float64(nil), nc.in...)
					in[i*nin+j] += h
					o1, _ := nc.forward(nc.p, in)
					in[i*nin+j] -= 2 * h
					o2, _ := nc.forward(nc.p, in)
					fd := (dotT(u, o1) - dotT(u, o2)) / (2 * h)
					if g := jtu[i*nx+j]; math.Abs(fd-g) > 1e-6*math.Abs(fd)+1e-8 {
						t.Fatalf("VJP entry (%d,%d): %.12g, finite difference %.12g", i, j, g, fd)
					}
				}
			}
			if a, b := dotT(u, jv), dotT(jtu, v); math.Abs(a-b) > 1e-12*(math.Abs(a)+1) {
				t.Fatalf("⟨u, Jv⟩ = %.15g but ⟨Jᵀu, v⟩ = %.15g", a, b)
			}
			checkPerRows(t, nc, w, r)
		})
	}
}

// checkPerRows compares per = 3 tangents/cotangents per point with three
// separate passes.
func checkPerRows(t *testing.T, nc netCase, w *netWS[float64], r *rand.Rand) {
	const per = 3
	nx, nout := nc.tp.nx, nc.tp.nout
	vs := randVec(r, nc.rows*per*nx)
	us := randVec(r, nc.rows*per*nout)
	jv := append([]float64(nil), w.jvp(nc.p, vs, per)...)
	jtu := append([]float64(nil), w.backward(nc.p, nil, us, per, true)...)
	for k := 0; k < per; k++ {
		v1 := make([]float64, nc.rows*nx)
		u1 := make([]float64, nc.rows*nout)
		for i := 0; i < nc.rows; i++ {
			copy(v1[i*nx:(i+1)*nx], vs[(i*per+k)*nx:])
			copy(u1[i*nout:(i+1)*nout], us[(i*per+k)*nout:])
		}
		a := w.jvp(nc.p, v1, 1)
		for i := 0; i < nc.rows; i++ {
			for j := 0; j < nout; j++ {
				if g, want := jv[(i*per+k)*nout+j], a[i*nout+j]; math.Abs(g-want) > 1e-12*(math.Abs(want)+1) {
					t.Fatalf("JVP per=%d row %d tangent %d: %g vs %g", per, i, k, g, want)
				}
			}
		}
		b := w.backward(nc.p, nil, u1, 1, true)
		for i := 0; i < nc.rows; i++ {
			for j := 0; j < nx; j++ {
				if g, want := jtu[(i*per+k)*nx+j], b[i*nx+j]; math.Abs(g-want) > 1e-12*(math.Abs(want)+1) {
					t.Fatalf("VJP per=%d row %d cotangent %d: %g vs %g", per, i, k, g, want)
				}
			}
		}
	}
}

// TestFloat32MatchesFloat64 runs the float32 training path (fast kernel and
// gonum) and the float64 path on the same weights and inputs: outputs and
// gradients agree to 1e-4 relative to their scale (float32 rounding through
// a few layers of width ≤ 512).
func TestFloat32MatchesFloat64(t *testing.T) {
	for _, nc := range gradCases(t) {
		for _, k := range []Kernel{KernelFast, KernelGonum} {
			t.Run(fmt.Sprintf("%s/%s", nc.name, k), func(t *testing.T) {
				g, err := newGemm32(k)
				if err != nil {
					t.Fatal(err)
				}
				out64, w64 := nc.forward(nc.p, nc.in)
				u := randVec(rand.New(rand.NewPCG(7, 7)), len(out64))
				g64 := make([]float64, nc.tp.nparams)
				w64.backward(nc.p, g64, u, 1, false)
				w32 := newNetWS(nc.tp, g)
				in := w32.resize(nc.rows)
				for i, v := range nc.in {
					in[i] = float32(v)
				}
				p32, u32 := to32(nc.p), to32(u)
				out32 := w32.forward(p32)
				g32 := make([]float32, nc.tp.nparams)
				w32.backward(p32, g32, u32, 1, false)
				cmpScaled(t, "output", out32, out64, 1e-4)
				cmpScaled(t, "gradient", g32, g64, 1e-4)
			})
		}
	}
}

func to32(v []float64) []float32 {
	o := make([]float32, len(v))
	for i, x := range v {
		o[i] = float32(x)
	}
	return o
}

func cmpScaled(t *testing.T, what string, got []float32, want []float64, tol float64) {
	t.Helper()
	scale := 0.0
	for _, v := range want {
		scale = math.Max(scale, math.Abs(v))
	}
	for i, v := range want {
		if math.Abs(float64(got[i])-v) > tol*scale {
			t.Fatalf("%s %d: float32 %g, float64 %g (scale %g)", what, i, got[i], v, scale)
		}
	}
}
