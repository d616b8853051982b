package model

// Products of the posterior covariance with blocks of vectors on the
// blocked path: the k vectors take the particles' place in the logits
// product (S = V·Ỹᵀ, S_ri = v_r·ỹ_i) and, for C·v, the weighted residuals
// w_i (S_ri − m̃·v_r) take the weights' place in the denoiser product. Both
// run through the register blocks; the sums are the centred ones of
// covMatVec: C v = Σ_i w_i (ỹ_i·v − m̃·v) ỹ_i − (Σ_i w_i (ỹ_i·v − m̃·v)) m̃.

// blockSparse is the share of points with non-zero weight below which a
// block product goes vector by vector over those points instead: late in a
// trajectory the posterior sits on a few points and the dense products would
// multiply zeros.
const blockSparse = 0.25

// blocked returns the packed data when products with blocks of vectors at p
// should take the dense blocked products: data off a known plane, no cached
// C, and enough points of non-zero weight (counted once per evaluation).
// Otherwise it returns nil and the products go vector by vector.
func (p *Posterior) blocked() *fullPath {
	dm, ok := p.mix.(*Dirac)
	if !ok || dm.full == nil || p.dense != nil {
		return nil
	}
	if p.nnz < 0 {
		p.nnz = 0
		for _, w := range p.W {
			if w != 0 {
				p.nnz++
			}
		}
	}
	if float64(p.nnz) < blockSparse*float64(dm.full.n) {
		return nil
	}
	return dm.full
}

// blockMax is the most vectors one blocked product takes; longer blocks go
// in chunks, so the workspace stays at blockMax·N values.
const blockMax = 32

// blockWork returns p's workspace for blocks of up to k ≤ blockMax vectors.
func (f *fullPath) blockWork(p *Posterior, k int) *tileWork {
	if p.blk.tw == nil || p.blk.tw.rows < k {
		p.blk.tw = f.newTileWork(max(k, 8))
	}
	return p.blk.tw
}

// project packs the k vectors vs (row-major k×d) and computes S = V·Ỹᵀ
// into the rows of tw.l; it returns m̃ = ȳ − μ (in p's scratch).
func (f *fullPath) project(p *Posterior, tw *tileWork, vs []float64, k int) []float64 {
	d := f.d
	rows := roundUp(k, gemmMR)
	tw.pack(vs[:k*d], d, 1, nil)
	f.product(tw, rows)
	mt := p.scratch[:d]
	for j := range mt {
		mt[j] = p.Mean[j] - f.mu[j]
	}
	return mt
}

// covQuads writes v_rᵀ C v_r = Σ_i w_i (ỹ_i·v_r − m̃·v_r)² into out[r] for
// the k = len(out) vectors vs.
func (f *fullPath) covQuads(p *Posterior, out, vs []float64) {
	k := len(out)
	tw := f.blockWork(p, k)
	mt := f.project(p, tw, vs, k)
	for r := range out {
		mv := dot(mt, vs[r*f.d:(r+1)*f.d])
		row := tw.l[r*f.np : r*f.np+f.n]
		q := 0.0
		for i, w := range p.W {
			u := row[i] - mv
			q += w * u * u
		}
		out[r] = q
	}
}

// covMatVecs writes C v_r into dst[r·d:(r+1)·d] for the k vectors vs.
func (f *fullPath) covMatVecs(p *Posterior, dst, vs []float64, k int) {
	d, np := f.d, f.np
	tw := f.blockWork(p, k)
	mt := f.project(p, tw, vs, k)
	sums := tw.s0[:k]
	for r := 0; r < k; r++ {
		mv := dot(mt, vs[r*d:(r+1)*d])
		row := tw.l[r*np : (r+1)*np]
		sum := 0.0
		for i, w := range p.W {
			row[i] = w * (row[i] - mv)
			sum += row[i]
		}
		clear(row[f.n:])
		sums[r] = sum
	}
	tw.count = k
	f.denoise(tw, roundUp(k, gemmMR))
	for r := 0; r < k; r++ {
		out := dst[r*d : (r+1)*d]
		copy(out, tw.acc[r*f.dp:r*f.dp+d])
		addScaled(out, -sums[r], mt)
	}
}
