package learn

import "math"

// SiLU activation: silu(z) = z·s(z) with the logistic sigmoid
// s(z) = 1/(1 + e^{−z}); its derivative is silu′(z) = s(z)·(1 + z·(1 − s(z))).
// The forward pass keeps s(z) so that the backward and tangent passes need
// no further exponentials.

// biasAct adds the bias b to each of the rows of z (rows×out, contiguous) and
// writes s = sigmoid(z) and h = z·s (h with row stride ldh); for a linear
// layer (act false) h = z and s is not touched (h may alias z).
func biasAct[T floating](z, s, h []T, ldh int, b []T, rows, out int, act bool) {
	if z32, ok := any(z).([]float32); ok && act {
		s32, h32, b32 := any(s).([]float32), any(h).([]float32), any(b).([]float32)
		for r := 0; r < rows; r++ {
			siluRow32(z32[r*out:r*out+out], s32[r*out:r*out+out], h32[r*ldh:r*ldh+out], b32[:out])
		}
		return
	}
	for r := 0; r < rows; r++ {
		zr := z[r*out : r*out+out]
		for j := range zr {
			zr[j] += b[j]
		}
		hr := h[r*ldh : r*ldh+out]
		if !act {
			if &hr[0] != &zr[0] {
				copy(hr, zr)
			}
			continue
		}
		sr := s[r*out : r*out+out]
		sigmoidTo(sr, zr)
		for j, zv := range zr {
			hr[j] = zv * sr[j]
		}
	}
}

// actGrad writes dst = g ⊙ silu′(z) for rowsB rows of g (row strides ldd and
// ldg), where row r of g belongs to forward row r/per (several tangents or
// cotangents per point); for a linear layer dst = g.
func actGrad[T floating](dst []T, ldd int, g []T, ldg int, z, s []T, rowsB, out, per int, act bool) {
	for r := 0; r < rowsB; r++ {
		gr := g[r*ldg : r*ldg+out]
		dr := dst[r*ldd : r*ldd+out]
		if !act {
			copy(dr, gr)
			continue
		}
		f := r / per
		zr, sr := z[f*out:f*out+out], s[f*out:f*out+out]
		for j, gv := range gr {
			sv := sr[j]
			dr[j] = gv * sv * (1 + zr[j]*(1-sv))
		}
	}
}

// siluRowGo is the portable fused bias and SiLU of one float32 row.
func siluRowGo(z, s, h, b []float32) {
	for j := range z {
		v := z[j] + b[j]
		z[j] = v
		sv := 1 / (1 + exp32(-v))
		s[j] = sv
		h[j] = v * sv
	}
}

// sigmoidTo writes s(z) elementwise: with math.Exp in float64 and with the
// polynomial exp32 in float32.
func sigmoidTo[T floating](dst, z []T) {
	switch zz := any(z).(type) {
	case []float32:
		d := any(dst).([]float32)
		for j, v := range zz {
			d[j] = 1 / (1 + exp32(-v))
		}
	case []float64:
		d := any(dst).([]float64)
		for j, v := range zz {
			d[j] = 1 / (1 + math.Exp(-v))
		}
	}
}

// exp32 returns e^x in float32 with relative error below 2e-7 on
// [−87, 88] (clamped outside): x = n·ln2 + r, |r| ≤ ln2/2, e^r by its
// degree-6 Taylor polynomial, scaled by 2^n through the exponent bits.
func exp32(x float32) float32 {
	const (
		log2e = 1.44269504088896341
		ln2hi = 0.693359375
		ln2lo = -2.12194440e-4
	)
	if x > 88 {
		x = 88
	} else if x < -87 {
		x = -87
	}
	const round = 12582912 // 1.5·2²³: adding and subtracting it rounds to an integer
	fn := (x*log2e + round) - round
	r := x - fn*ln2hi - fn*ln2lo
	p := float32(1.0 / 720)
	p = p*r + 1.0/120
	p = p*r + 1.0/24
	p = p*r + 1.0/6
	p = p*r + 0.5
	p = p*r + 1
	p = p*r + 1
	return p * math.Float32frombits(uint32(int32(fn)+127)<<23)
}
