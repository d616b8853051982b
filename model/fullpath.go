package model

import (
	"math"

	"gonum.org/v1/gonum/floats"
)

// fullMinDim is the smallest dimension that takes the blocked full path; below
// it the scalar kernel is as fast (the register block pads D to 8).
const fullMinDim = 4

// BlockedKernel reports whether Dirac data in dimension dim take the blocked
// O(N·D) kernel: data off a known plane from fullMinDim dimensions on (the
// rule Dirac uses; callers estimating memory use it too).
func BlockedKernel(dim int, inPlane bool) bool { return !inPlane && dim >= fullMinDim }

// fullKBlock is the number of points per block of the denoiser product: a
// block of the packed data (fullKBlock × 8) and of the packed weights
// (fullKBlock × 4 per register block) stay in the L1 cache.
const fullKBlock = 256

// fullPath is the data of a Dirac mixture packed for the blocked posterior
// (math-spec §2.1 written as two matrix products). Points are centred on
// their mean μ: ỹ_i = y_i − μ, which keeps ‖ỹ_i‖² and the uncentred second
// moment small. Immutable after newFullPath.
//
// With x' = x − αμ the log-weights are
//
//	ℓ_i = log π_i − ‖x' − α ỹ_i‖²/(2σ²) = log π_i + (α/σ²) x'·ỹ_i − α²‖ỹ_i‖²/(2σ²) − ‖x'‖²/(2σ²),
//
// the first product is X'·Ỹᵀ (particles × points), the last term is the same
// for every point and is added back exactly (see tileWork.finish), and the
// denoiser is μ + (E·Ỹ)/Σe for the unnormalised weights E.
type fullPath struct {
	d, n   int
	np, dp int       // n and d rounded up to multiples of 8
	mu     []float64 // data mean (d)
	yt     []float64 // Ỹᵀ in panels of 8 points: panel j holds d rows of ỹ_{8j…8j+7}
	yr     []float64 // Ỹ in panels of 8 coordinates: panel j holds np rows of ỹ_{·,8j…8j+7}
	y2     []float64 // ‖ỹ_i‖² (np, 0 for padding)
	yc     []float64 // Ỹ row-major (n×d), for covariance products
	logPi  []float64 // log π_i (np, −Inf for padding)
}

// newFullPath packs the n×d points y with log-weights logPi.
func newFullPath(y []float64, d int, logPi []float64) *fullPath {
	n := len(logPi)
	f := &fullPath{d: d, n: n, np: roundUp(n, gemmNR), dp: roundUp(d, gemmNR), mu: make([]float64, d)}
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			f.mu[j] += y[i*d+j]
		}
	}
	for j := range f.mu {
		f.mu[j] /= float64(n)
	}
	f.yt = make([]float64, f.np*d)
	f.yr = make([]float64, f.np*f.dp)
	f.y2 = make([]float64, f.np)
	f.yc = make([]float64, n*d)
	f.logPi = make([]float64, f.np)
	for i := range f.logPi {
		f.logPi[i] = math.Inf(-1)
	}
	copy(f.logPi, logPi)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			v := y[i*d+j] - f.mu[j]
			f.yc[i*d+j] = v
			f.y2[i] += v * v
			f.yt[(i/gemmNR)*gemmNR*d+j*gemmNR+i%gemmNR] = v
			f.yr[(j/gemmNR)*gemmNR*f.np+i*gemmNR+j%gemmNR] = v
		}
	}
	return f
}

// roundUp returns n rounded up to a multiple of m.
func roundUp(n, m int) int { return (n + m - 1) / m * m }

// tileWork is the workspace of the blocked posterior for up to rows points.
// Not safe for concurrent use.
type tileWork struct {
	rows   int                 // capacity, a multiple of gemmMR
	count  int                 // points of the current evaluation
	xa     []float64           // the scaled x' packed in register-block rows (rows × d)
	l      []float64           // logits, then unnormalised weights (rows × np)
	zero   []float64           // fullKBlock zeros: the weights of padding rows
	groups [][gemmMR][]float64 // per register block: its rows' weights in the current block
	acc    []float64           // E·Ỹ (rows × dp)
	top    []int               // per row: index of the largest logit
	s0     []float64           // per row: Σ e
	s1     []float64           // per row: Σ e ‖ỹ‖²
}

// newTileWork returns a workspace for up to rows points (rounded up to the register block).
func (f *fullPath) newTileWork(rows int) *tileWork {
	rows = roundUp(max(rows, 1), gemmMR)
	return &tileWork{rows: rows, xa: make([]float64, rows*f.d), l: make([]float64, rows*f.np),
		zero: make([]float64, fullKBlock), groups: make([][gemmMR][]float64, rows/gemmMR), acc: make([]float64, rows*f.dp),
		top: make([]int, rows), s0: make([]float64, rows), s1: make([]float64, rows)}
}

// pack writes the len(vs)/d vectors vs (row-major), each coordinate k as
// scale·(v − shift(k)) (shift nil: scale·v), into tw.xa in register-block rows
// (group g of gemmMR rows k-major: xa[g·gemmMR·d + k·gemmMR + r mod gemmMR]),
// padding rows up to the block with zeros.
func (tw *tileWork) pack(vs []float64, d int, scale float64, shift func(k int) float64) {
	count := len(vs) / d
	clear(tw.xa[:roundUp(count, gemmMR)*d])
	for r := 0; r < count; r++ {
		g, o := r/gemmMR, r%gemmMR
		blk := tw.xa[g*gemmMR*d : (g+1)*gemmMR*d]
		for k, v := range vs[r*d : (r+1)*d] {
			if shift != nil {
				v -= shift(k)
			}
			blk[k*gemmMR+o] = scale * v
		}
	}
}

// eval computes the unnormalised weights and E·Ỹ of the count = len(xs)/d
// points xs (row-major) at the coefficients c. Row r's result depends only on
// xs's row r: the register block pads with zero rows and every sum runs in
// the same order, so a point gets the same bits alone or in any tile.
func (f *fullPath) eval(tw *tileWork, xs []float64, c Coeffs) {
	d, np := f.d, f.np
	count := len(xs) / d
	if count > tw.rows || count*d != len(xs) {
		panic("model: tile evaluation larger than its workspace")
	}
	tw.count = count
	rows := roundUp(count, gemmMR)
	s2 := c.Sigma * c.Sigma
	scale := c.Alpha / s2
	tw.pack(xs, d, scale, func(k int) float64 { return c.Alpha * f.mu[k] })
	f.product(tw, rows)
	l := tw.l[:rows*np]
	q := c.Alpha * c.Alpha / (2 * s2)
	for r := 0; r < count; r++ {
		row := l[r*np : (r+1)*np]
		tw.top[r] = addBias(row, f.logPi, f.y2, q)
		tw.s0[r], tw.s1[r] = expRow(row, f.y2, row[tw.top[r]])
	}
	f.denoise(tw, rows)
}

// addBias adds log π_i − q‖ỹ_i‖² to the logits in row (its length a
// multiple of 8) and returns the index of the largest (the first one on
// ties; 0 if all are −Inf or NaN).
func addBias(row, logPi, y2 []float64, q float64) int {
	logPi, y2 = logPi[:len(row)], y2[:len(row)]
	if haveAVX2 && len(row) > 0 {
		best := biasMaxAVX2(&row[0], &logPi[0], &y2[0], len(row), q)
		for i, v := range row {
			if v == best {
				return i
			}
		}
		return 0
	}
	top, best := 0, math.Inf(-1)
	for i := range row {
		v := row[i] + logPi[i] - q*y2[i]
		row[i] = v
		if v > best {
			top, best = i, v
		}
	}
	return top
}

// product computes l = A·Ỹᵀ (rows × np) for the rows of A packed in
// register-block groups in tw.xa.
func (f *fullPath) product(tw *tileWork, rows int) {
	d, np := f.d, f.np
	l := tw.l[:rows*np]
	for j := 0; j < np; {
		w := gemmWidth(j, np)
		panels := f.yt[j*d : (j+w)*d]
		for g := 0; g < rows; g += gemmMR {
			gemmCols(tw.xa[g*d:(g+gemmMR)*d], panels, d, gemmNR*d, w, l[g*np+j:], np, false)
		}
		j += w
	}
}

// denoise computes acc = E·Ỹ over blocks of fullKBlock points, the rows of
// E read where the exp pass wrote them (padding rows from a zero block).
// Within a block each panel of Ỹ serves every row group while it is in L1.
func (f *fullPath) denoise(tw *tileWork, rows int) {
	np, dp := f.np, f.dp
	acc := tw.acc[:rows*dp]
	groups := tw.groups[:rows/gemmMR]
	for k0 := 0; k0 < np; k0 += fullKBlock {
		kl := min(fullKBlock, np-k0)
		for g := range groups {
			for o := range groups[g] {
				if r := g*gemmMR + o; r < tw.count {
					groups[g][o] = tw.l[r*np+k0 : r*np+k0+kl]
				} else {
					groups[g][o] = tw.zero[:kl]
				}
			}
		}
		for j := 0; j < dp; {
			w := gemmWidth(j, dp)
			for g := range groups {
				gemmRows(&groups[g], f.yr[j*np+k0*gemmNR:], kl, gemmNR*np, w, acc[g*gemmMR*dp+j:], dp, k0 > 0)
			}
			j += w
		}
	}
}

// fullCancel is the smallest ratio tr C / E‖ỹ‖² that the uncentred form
// Σ w‖ỹ‖² − ‖ȳ − μ‖² is trusted with (its rounding error is a few ulps of
// E‖ỹ‖², so at least ~10 significant digits remain); below it tr C is summed
// in the centred form over the points of non-zero weight.
const fullCancel = 1e-5

// finish writes row r of the last eval into p: weights, denoiser, tr C,
// second moment and log q_t. x is the point of row r, y the mixture's points.
func (f *fullPath) finish(tw *tileWork, r int, p *Posterior, x, y []float64, c Coeffs) {
	d, np, dp := f.d, f.np, f.dp
	inv := 1 / tw.s0[r]
	acc := tw.acc[r*dp : r*dp+d]
	mm := 0.0
	for j, a := range acc {
		v := a * inv
		mm += v * v
		p.Mean[j] = f.mu[j] + v
	}
	floats.ScaleTo(p.W, inv, tw.l[r*np:r*np+f.n])
	second := tw.s1[r] * inv
	trC := second - mm
	if !(trC >= fullCancel*second) {
		trC = centredTrace(p.W, y, p.Mean)
	}
	s2 := c.Sigma * c.Sigma
	top := tw.top[r]
	dist := 0.0
	for j, v := range x {
		u := v - c.Alpha*y[top*d+j]
		dist += u * u
	}
	logZ := f.logPi[top] - dist/(2*s2) + math.Log(tw.s0[r])
	p.TrCov = trC
	p.SecondMoment = trC + dot(p.Mean, p.Mean)
	p.LogDensity = logZ - 0.5*float64(d)*math.Log(2*math.Pi*s2)
}

// centredTrace returns Σ w_i ‖y_i − mean‖² over the points of non-zero weight.
func centredTrace(w, y, mean []float64) float64 {
	d := len(mean)
	s := 0.0
	for i, wi := range w {
		if wi == 0 {
			continue
		}
		yi := y[i*d : (i+1)*d]
		t := 0.0
		for j, m := range mean {
			u := yi[j] - m
			t += u * u
		}
		s += wi * t
	}
	return s
}

// covMatVec writes C v = Σ_i w_i (ỹ_i·v − m̃·v) ỹ_i − (Σ_i w_i (ỹ_i·v − m̃·v)) m̃
// into dst, m̃ = ȳ − μ: the centred product written on the centred copy of
// the points, a vectorised dot and update per point of non-zero weight.
// (The second sum vanishes in exact arithmetic; it removes its rounding.)
func (f *fullPath) covMatVec(p *Posterior, dst, v []float64) {
	d := f.d
	mt := p.scratch[:d] // m̃
	for j := range mt {
		mt[j] = p.Mean[j] - f.mu[j]
	}
	clear(dst)
	mv, sum := dot(mt, v), 0.0
	for i, wi := range p.W {
		if wi == 0 {
			continue
		}
		yi := f.yc[i*d : (i+1)*d]
		s := wi * (dot(yi, v) - mv)
		sum += s
		addScaled(dst, s, yi)
	}
	addScaled(dst, -sum, mt)
}
