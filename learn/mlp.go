package learn

// netWS holds the activations of one batch for a topology and the buffers of
// its backward and tangent passes. It is reused across calls without
// allocating once grown. Not safe for concurrent use.
//
// Forward pass, layer by layer: z = u W + b, s = sigmoid(z), h = z·s (h = z
// for the linear output layer), where u is the layer's input (a column range
// of the input matrix, the previous layer's h, or the concat buffer).
type netWS[T floating] struct {
	tp   *topology
	g    gemmer[T]
	rows int // forward rows (points)

	in      []T   // rows × nin: the input matrix, filled by the caller
	z, s, h [][]T // per layer, rows × out (h is nil for layers writing into cat)
	cat     []T   // rows × cat

	gb   [][]T // per layer: gradient (backward) or tangent (JVP) of the layer output
	gcat []T   // same for the concat buffer
	dz   []T   // scratch: gradient or tangent of z, rowsB × out
	din  []T   // rowsB × nx: gradient w.r.t. the x columns of the input
}

// newNetWS returns a workspace for tp using the matrix product g.
func newNetWS[T floating](tp *topology, g gemmer[T]) *netWS[T] {
	n := len(tp.layers)
	return &netWS[T]{tp: tp, g: g, z: make([][]T, n), s: make([][]T, n), h: make([][]T, n), gb: make([][]T, n)}
}

// resize prepares the forward buffers for rows points and returns the input
// matrix (rows × nin) for the caller to fill.
func (w *netWS[T]) resize(rows int) []T {
	w.rows = rows
	tp := w.tp
	w.in = grow(w.in, rows*tp.nin())
	w.cat = grow(w.cat, rows*tp.cat)
	for l, d := range tp.layers {
		w.z[l] = grow(w.z[l], rows*d.out)
		if d.act {
			w.s[l] = grow(w.s[l], rows*d.out)
		}
		switch {
		case !d.act:
			w.h[l] = w.z[l]
		case d.catCol < 0:
			w.h[l] = grow(w.h[l], rows*d.out)
		}
	}
	return w.in
}

// growGrad prepares the gradient/tangent buffers for rowsB rows.
func (w *netWS[T]) growGrad(rowsB int) {
	tp := w.tp
	maxOut := 0
	for l, d := range tp.layers {
		maxOut = max(maxOut, d.out)
		if d.catCol < 0 {
			w.gb[l] = grow(w.gb[l], rowsB*d.out)
		}
	}
	w.gcat = grow(w.gcat, rowsB*tp.cat)
	w.dz = grow(w.dz, rowsB*maxOut)
	w.din = grow(w.din, rowsB*tp.nx)
}

// input returns layer l's input matrix (starting at its first column) and
// its row stride.
func (w *netWS[T]) input(l int) ([]T, int) {
	d := &w.tp.layers[l]
	switch d.src {
	case srcInput:
		return w.in[d.col:], w.tp.nin()
	case srcCat:
		return w.cat, w.tp.cat
	}
	return w.output(l - 1)
}

// output returns layer l's output matrix and its row stride.
func (w *netWS[T]) output(l int) ([]T, int) {
	d := &w.tp.layers[l]
	if d.catCol >= 0 {
		return w.cat[d.catCol:], w.tp.cat
	}
	return w.h[l], d.out
}

// gradOut returns the gradient/tangent buffer of layer l's output and its stride.
func (w *netWS[T]) gradOut(l int) ([]T, int) {
	d := &w.tp.layers[l]
	if d.catCol >= 0 {
		return w.gcat[d.catCol:], w.tp.cat
	}
	return w.gb[l], d.out
}

// forward runs the network on the w.rows input rows with parameters p and
// returns the output matrix (rows × nout).
func (w *netWS[T]) forward(p []T) []T {
	rows := w.rows
	for l := range w.tp.layers {
		d := &w.tp.layers[l]
		u, ldu := w.input(l)
		w.g.gemm(false, false, rows, d.out, d.in, u, ldu, p[d.w:d.b], d.out, 0, w.z[l], d.out)
		h, ldh := w.output(l)
		biasAct(w.z[l], w.s[l], h, ldh, p[d.b:d.b+d.out], rows, d.out, d.act)
	}
	return w.z[len(w.tp.layers)-1][:rows*w.tp.nout]
}

// backward propagates the output cotangent dout (rowsB × nout, rowsB =
// rows·per, row r belonging to point r/per) through the last forward pass.
// With grad non-nil (only for per = 1) it writes the parameter gradient
// Σ_r ∂⟨dout_r, out_r⟩/∂p into grad; with wantDX it returns the gradient
// w.r.t. the x columns of the input (rowsB × nx), else nil. Layers that
// neither carry parameters to differentiate nor lead to x are skipped.
func (w *netWS[T]) backward(p, grad, dout []T, per int, wantDX bool) []T {
	tp := w.tp
	if grad != nil && per != 1 {
		panic("learn: parameter gradients need one cotangent per point")
	}
	rowsB := w.rows * per
	w.growGrad(rowsB)
	last := len(tp.layers) - 1
	copy(w.gb[last][:rowsB*tp.nout], dout)
	if wantDX {
		clear(w.din[:rowsB*tp.nx])
	}
	for l := last; l >= 0; l-- {
		d := &tp.layers[l]
		if grad == nil && !tp.xdep(l) {
			continue
		}
		g, ldg := w.gradOut(l)
		dz := w.dz[:rowsB*d.out]
		actGrad(dz, d.out, g, ldg, w.z[l], w.s[l], rowsB, d.out, per, d.act)
		if grad != nil {
			u, ldu := w.input(l)
			w.g.gemm(true, false, d.in, d.out, rowsB, u, ldu, dz, d.out, 0, grad[d.w:d.b], d.out)
			colSum(grad[d.b:d.b+d.out], dz, rowsB, d.out)
		}
		wt := p[d.w:d.b]
		switch d.src {
		case srcPrev:
			gi, ldi := w.gradOut(l - 1)
			w.g.gemm(false, true, rowsB, d.in, d.out, dz, d.out, wt, d.out, 0, gi, ldi)
		case srcCat:
			w.g.gemm(false, true, rowsB, d.in, d.out, dz, d.out, wt, d.out, 0, w.gcat, tp.cat)
		case srcInput:
			if nxu := min(d.in, tp.nx-d.col); wantDX && nxu > 0 {
				w.g.gemm(false, true, rowsB, nxu, d.out, dz, d.out, wt, d.out, 1, w.din[d.col:], tp.nx)
			}
		}
	}
	if !wantDX {
		return nil
	}
	return w.din[:rowsB*tp.nx]
}

// jvp pushes the tangents vx (rowsT × nx, rowsT = rows·per, row r a tangent
// of the x columns of point r/per; the time features have zero tangent)
// through the last forward pass and returns the output tangents (rowsT × nout).
func (w *netWS[T]) jvp(p, vx []T, per int) []T {
	tp := w.tp
	rowsT := w.rows * per
	w.growGrad(rowsT)
	for l := range tp.layers {
		d := &tp.layers[l]
		g, ldg := w.gradOut(l)
		if !tp.xdep(l) {
			for r := 0; r < rowsT; r++ {
				clear(g[r*ldg : r*ldg+d.out])
			}
			continue
		}
		dz := w.dz[:rowsT*d.out]
		wt := p[d.w:d.b]
		switch d.src {
		case srcInput:
			nxu := min(d.in, tp.nx-d.col)
			w.g.gemm(false, false, rowsT, d.out, nxu, vx[d.col:], tp.nx, wt, d.out, 0, dz, d.out)
		case srcCat:
			w.g.gemm(false, false, rowsT, d.out, d.in, w.gcat, tp.cat, wt, d.out, 0, dz, d.out)
		default:
			u, ldu := w.gradOut(l - 1)
			w.g.gemm(false, false, rowsT, d.out, d.in, u, ldu, wt, d.out, 0, dz, d.out)
		}
		actGrad(g, ldg, dz, d.out, w.z[l], w.s[l], rowsT, d.out, per, d.act)
	}
	return w.gb[len(tp.layers)-1][:rowsT*tp.nout]
}

// colSum writes the column sums of the rows×cols matrix m into dst.
func colSum[T floating](dst, m []T, rows, cols int) {
	clear(dst)
	for r := 0; r < rows; r++ {
		for j, v := range m[r*cols : r*cols+cols] {
			dst[j] += v
		}
	}
}
