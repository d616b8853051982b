package model

import "math"

// The blocked full path multiplies packed operands with a 4×8 register
// block: a holds 4 rows packed k-major (a[4p+r]), b a panel of 8 columns
// packed k-major (b[8p+j]). Both helpers below compute the same thing; the
// AVX2 one is used where the CPU has it.
const (
	gemmMR = 4 // rows of the register block (particles)
	gemmNR = 8 // columns of the register block (points or coordinates)
)

// gemm4x8 adds A·B to the 4×8 block of c with row stride ldc (or, without
// add, overwrites the block with it). k is the inner dimension, ≥ 1.
func gemm4x8(a, b []float64, k int, c []float64, ldc int, add bool) {
	_ = a[gemmMR*k-1]
	_ = b[gemmNR*k-1]
	_ = c[3*ldc+gemmNR-1]
	if haveAVX2 {
		gemm4x8AVX2(&a[0], &b[0], k, &c[0], ldc, add)
		return
	}
	gemm4x8Go(a, b, k, c, ldc, add)
}

// gemmCols adds A·B to a 4-row block of c (overwrites it without add): a is the rows packed k-major
// (length 4k); b holds cols/8 panels of 8 columns packed k-major, panel q
// starting at b[q·stride]; c has row stride ldc. With AVX-512 two panels go
// through one 4×16 block; each entry is summed in the same order either way,
// so the result has the same bits.
func gemmCols(a, b []float64, k, stride, cols int, c []float64, ldc int, add bool) {
	j, q := 0, 0
	if haveAVX512 && k > 0 {
		_ = a[gemmMR*k-1]
		for ; j+2*gemmNR <= cols; j, q = j+2*gemmNR, q+2 {
			b0 := b[q*stride : q*stride+gemmNR*k]
			b1 := b[(q+1)*stride : (q+1)*stride+gemmNR*k]
			cb := c[j : 3*ldc+j+2*gemmNR]
			gemm4x16AVX512(&a[0], &b0[0], &b1[0], k, &cb[0], ldc, add)
		}
	}
	for ; j < cols; j, q = j+gemmNR, q+1 {
		gemm4x8(a, b[q*stride:q*stride+gemmNR*k], k, c[j:], ldc, add)
	}
}

// gemmWidth is the number of columns to take per pass over the row blocks
// at column j of cols: two panels where the 4×16 block runs, else one.
func gemmWidth(j, cols int) int {
	if haveAVX512 && j+2*gemmNR <= cols {
		return 2 * gemmNR
	}
	return gemmNR
}

// gemm4x8Go is the portable gemm4x8.
func gemm4x8Go(a, b []float64, k int, c []float64, ldc int, add bool) {
	var acc [gemmMR][gemmNR]float64
	for p := 0; p < k; p++ {
		bp := b[gemmNR*p : gemmNR*p+gemmNR]
		for r := 0; r < gemmMR; r++ {
			ar := a[gemmMR*p+r]
			row := &acc[r]
			for j, bj := range bp {
				row[j] += ar * bj
			}
		}
	}
	storeBlock(&acc, c, ldc, add)
}

// expRow replaces l[i] by exp(l[i] − m) (0 where l[i] − m < −700) and
// returns Σ l and Σ l·y2 over the new values. len(l) is a multiple of 4.
func expRow(l, y2 []float64, m float64) (s0, s1 float64) {
	if len(l) == 0 {
		return 0, 0
	}
	y2 = y2[:len(l)]
	if haveAVX512 && len(l)%8 == 0 {
		return expRowAVX512(&l[0], &y2[0], len(l), m)
	}
	if haveAVX2 {
		return expRowAVX2(&l[0], &y2[0], len(l), m)
	}
	for i, v := range l {
		x := v - m
		e := 0.0
		if x >= -700 {
			e = math.Exp(x)
		}
		l[i] = e
		s0 += e
		s1 += e * y2[i]
	}
	return s0, s1
}

// gemmRows is gemmCols with row r of A given as its own slice a[r] (length
// ≥ k) instead of a packed block: the weights enter as the exp pass left
// them. Each entry is summed in the same order as gemmCols, so the result
// has the same bits.
func gemmRows(a *[gemmMR][]float64, b []float64, k, stride, cols int, c []float64, ldc int, add bool) {
	var ap [gemmMR]*float64
	for r := range a {
		_ = a[r][k-1]
		ap[r] = &a[r][0]
	}
	_ = c[3*ldc+cols-1]
	j, q := 0, 0
	if haveAVX512 {
		for ; j+2*gemmNR <= cols; j, q = j+2*gemmNR, q+2 {
			b0 := b[q*stride : q*stride+gemmNR*k]
			b1 := b[(q+1)*stride : (q+1)*stride+gemmNR*k]
			gemm4x16rowsAVX512(&ap, &b0[0], &b1[0], k, &c[j], ldc, add)
		}
	}
	for ; j < cols; j, q = j+gemmNR, q+1 {
		bq := b[q*stride : q*stride+gemmNR*k]
		if haveAVX2 {
			gemm4x8rowsAVX2(&ap, &bq[0], k, &c[j], ldc, add)
		} else {
			gemm4x8RowsGo(a, bq, k, c[j:], ldc, add)
		}
	}
}

// gemm4x8RowsGo is the portable gemm4x8 with A given by rows.
func gemm4x8RowsGo(a *[gemmMR][]float64, b []float64, k int, c []float64, ldc int, add bool) {
	var acc [gemmMR][gemmNR]float64
	for p := 0; p < k; p++ {
		bp := b[gemmNR*p : gemmNR*p+gemmNR]
		for r := 0; r < gemmMR; r++ {
			ar := a[r][p]
			row := &acc[r]
			for j, bj := range bp {
				row[j] += ar * bj
			}
		}
	}
	storeBlock(&acc, c, ldc, add)
}

// storeBlock adds the register block acc to c (row stride ldc), or with
// add false overwrites c with it.
func storeBlock(acc *[gemmMR][gemmNR]float64, c []float64, ldc int, add bool) {
	for r := range acc {
		row := c[r*ldc : r*ldc+gemmNR]
		for j := range row {
			if add {
				row[j] += acc[r][j]
			} else {
				row[j] = acc[r][j]
			}
		}
	}
}
