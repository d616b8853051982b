package model

// Tile evaluates the posteriors of several points at one time. For a Dirac
// mixture off any known plane with D ≥ 4 it runs the blocked kernel, which
// reads the data once for the whole tile instead of once per point; for every
// other mixture it calls Mixture.Posterior point by point. Either way
// Posterior(r) afterwards holds exactly what Mixture.Posterior would have
// written for point r (the same bits). Not safe for concurrent use.
type Tile struct {
	m  Mixture
	d  *Dirac // the blocked kernel's mixture (nil: point by point)
	ps []*Posterior
	tw *tileWork
}

// NewTile returns a tile of up to size points for m (size 1 unless m takes
// the blocked kernel). It panics if size < 1.
func NewTile(m Mixture, size int) *Tile {
	if size < 1 {
		panic("model: tile size < 1")
	}
	t := &Tile{m: m}
	if dm, ok := m.(*Dirac); ok && dm.full != nil {
		t.d, t.tw = dm, dm.full.newTileWork(size)
	} else {
		size = 1
	}
	t.ps = make([]*Posterior, size)
	blk := &blockBuf{}
	for i := range t.ps {
		t.ps[i] = newPosteriorWith(m, blk)
	}
	return t
}

// Size is the largest number of points one Eval takes.
func (t *Tile) Size() int { return len(t.ps) }

// Posterior returns the posterior of point r of the last Eval.
func (t *Tile) Posterior(r int) *Posterior { return t.ps[r] }

// Eval evaluates the posterior at the len(xs)/D points xs (row-major) at the
// coefficients c. It panics on more than Size points, a length that is not a
// multiple of D, or an invalid σ (as Mixture.Posterior does).
func (t *Tile) Eval(xs []float64, c Coeffs) {
	dim := t.m.Dim()
	count := len(xs) / dim
	if count > len(t.ps) || count*dim != len(xs) {
		panic("model: Tile.Eval length mismatch")
	}
	if t.d == nil || count == 0 {
		for r := 0; r < count; r++ {
			t.m.Posterior(t.ps[r], xs[r*dim:(r+1)*dim], c)
		}
		return
	}
	for r := 0; r < count; r++ {
		checkEval(t.m, t.ps[r], xs[r*dim:(r+1)*dim], c)
		t.ps[r].C = c
	}
	t.d.full.eval(t.tw, xs, c)
	for r := 0; r < count; r++ {
		t.d.full.finish(t.tw, r, t.ps[r], xs[r*dim:(r+1)*dim], t.d.y, c)
	}
}
