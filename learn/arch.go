package learn

import (
	"fmt"
	"strings"
)

// Arch names a network architecture. Both read the input row
// u = [c_in·x (D) | time features (TimeFeatures)] and end in a linear layer.
type Arch string

// The architectures.
const (
	// ArchMLP is concat(x, time features) → Widths (SiLU each) → linear output.
	ArchMLP Arch = "mlp"
	// ArchPaper is the 2-D toy network of the DiffusionFisher paper (after Lu
	// et al. 2022): x → 128-128-128 and the time features → 128-128-128
	// (SiLU each), the two concatenated, → 512-512 (SiLU) → linear output.
	// Widths is ignored.
	ArchPaper Arch = "paper"
)

// Limits on the network size accepted by the constructors.
const (
	MaxWidth  = 4096 // largest hidden width
	MaxLayers = 16   // most hidden layers
)

// dense is one affine layer h = act(u W + b) of a topology, with W (in×out,
// row-major) and b (out) stored at offsets w and b of the parameter vector.
type dense struct {
	in, out int
	w, b    int
	act     bool // SiLU after the affine map
	src     int  // where the input comes from: srcInput, srcPrev or srcCat
	col     int  // first input column when src == srcInput
	catCol  int  // ≥ 0: the output is written into the concat buffer at this column
}

const (
	srcInput = iota // columns [col, col+in) of the input matrix
	srcPrev         // the previous layer's output
	srcCat          // the concat buffer
)

// topology is a network's layer graph: towers that each read a column range
// of the input and write into a concat buffer, then a trunk on the concat
// buffer (or, with no towers, directly on the input), the last layer linear.
type topology struct {
	arch    Arch
	nx, nt  int // input widths: x and time features
	nout    int
	cat     int // width of the concat buffer (0: no towers)
	layers  []dense
	nparams int
}

// nin is the width of the input row.
func (tp *topology) nin() int { return tp.nx + tp.nt }

// newTopology builds the layer graph of arch for inputs of width nx + nt and
// nout outputs.
func newTopology(arch Arch, widths []int, nx, nt, nout int) (*topology, error) {
	if nx < 1 || nt < 0 || nout < 1 {
		return nil, fmt.Errorf("network sizes nx=%d nt=%d nout=%d invalid", nx, nt, nout)
	}
	tp := &topology{arch: arch, nx: nx, nt: nt, nout: nout}
	switch arch {
	case ArchMLP:
		if len(widths) == 0 || len(widths) > MaxLayers {
			return nil, fmt.Errorf("mlp needs 1 to %d hidden widths, got %d", MaxLayers, len(widths))
		}
		for _, w := range widths {
			if w < 1 || w > MaxWidth {
				return nil, fmt.Errorf("hidden width %d outside [1, %d]", w, MaxWidth)
			}
		}
		tp.chain(srcInput, 0, nx+nt, widths, -1)
	case ArchPaper:
		tp.cat = 256
		tp.chain(srcInput, 0, nx, []int{128, 128, 128}, 0)
		tp.chain(srcInput, nx, nt, []int{128, 128, 128}, 128)
		tp.chain(srcCat, 0, tp.cat, []int{512, 512}, -1)
	default:
		return nil, fmt.Errorf("unknown architecture %q (allowed: %s, %s)", arch, ArchMLP, ArchPaper)
	}
	last := tp.layers[len(tp.layers)-1]
	tp.add(dense{in: last.out, out: nout, src: srcPrev, catCol: -1})
	return tp, nil
}

// chain appends SiLU layers of the given widths reading from src; the last
// one writes into the concat buffer at catCol when catCol ≥ 0.
func (tp *topology) chain(src, col, in int, widths []int, catCol int) {
	for i, w := range widths {
		d := dense{in: in, out: w, act: true, src: src, col: col, catCol: -1}
		if i > 0 {
			d.src, d.col = srcPrev, 0
		}
		if i == len(widths)-1 {
			d.catCol = catCol
		}
		tp.add(d)
		in = w
	}
}

func (tp *topology) add(d dense) {
	d.w = tp.nparams
	d.b = d.w + d.in*d.out
	tp.nparams = d.b + d.out
	tp.layers = append(tp.layers, d)
}

// String describes the layer widths, e.g. "mlp 35-128-128-128-2".
func (tp *topology) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s", tp.arch)
	for i, d := range tp.layers {
		if i == 0 || d.src != srcPrev {
			fmt.Fprintf(&b, " %d", d.in)
		}
		fmt.Fprintf(&b, "-%d", d.out)
	}
	return b.String()
}

// xdep reports whether layer l's output depends on the x columns of the
// input (layers of the time tower do not: their tangents are zero and the
// input gradient does not flow through them).
func (tp *topology) xdep(l int) bool {
	for ; l >= 0; l-- {
		switch d := tp.layers[l]; d.src {
		case srcInput:
			return d.col < tp.nx
		case srcCat:
			return true
		}
	}
	return false
}
