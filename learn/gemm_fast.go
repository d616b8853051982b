package learn

// Blocking of the fast GEMM (Goto/BLIS scheme): C is updated by
// mr×nr tiles, each the product of an mr×kc panel of A and a kc×nr panel of
// B, both packed contiguously (zero-padded at the edges) so that the
// micro-kernel streams through memory. kc×nc panels of B stay in L2.
const (
	gemmMR = 6   // rows of a micro-tile
	gemmNR = 16  // columns of a micro-tile (two 8-lane AVX registers)
	gemmKC = 256 // depth of a packed block
	gemmMC = 96  // rows of a packed A block (multiple of gemmMR)
	gemmNC = 512 // columns of a packed B block (multiple of gemmNR)
)

// fastGemm is the blocked float32 GEMM. It owns its packing buffers and is
// not safe for concurrent use.
type fastGemm struct {
	ap, bp []float32
	tile   [gemmMR * gemmNR]float32
}

func (g *fastGemm) kernelName() string {
	if haveAsmKernel {
		return "fast-avx2"
	}
	return "fast-go"
}

// gemm computes C = op(A)·op(B) + β·C.
func (g *fastGemm) gemm(tA, tB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkGemm(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	if m == 0 || n == 0 {
		return
	}
	if beta != 1 {
		for i := 0; i < m; i++ {
			row := c[i*ldc : i*ldc+n]
			if beta == 0 {
				clear(row)
				continue
			}
			for j := range row {
				row[j] *= beta
			}
		}
	}
	if k == 0 {
		return
	}
	g.ap = grow(g.ap, gemmMC*gemmKC)
	g.bp = grow(g.bp, gemmKC*gemmNC)
	for jc := 0; jc < n; jc += gemmNC {
		nb := min(gemmNC, n-jc)
		for pc := 0; pc < k; pc += gemmKC {
			kb := min(gemmKC, k-pc)
			packB(g.bp, tB, b, ldb, pc, jc, kb, nb)
			for ic := 0; ic < m; ic += gemmMC {
				mb := min(gemmMC, m-ic)
				packA(g.ap, tA, a, lda, ic, pc, mb, kb)
				g.macro(mb, nb, kb, c[ic*ldc+jc:], ldc)
			}
		}
	}
}

// macro multiplies the packed mb×kb block of A by the packed kb×nb block of B
// into C (whose top-left corner is c[0]).
func (g *fastGemm) macro(mb, nb, kb int, c []float32, ldc int) {
	for jr := 0; jr < nb; jr += gemmNR {
		bpan := g.bp[jr*kb:]
		nr := min(gemmNR, nb-jr)
		for ir := 0; ir < mb; ir += gemmMR {
			apan := g.ap[ir*kb:]
			mr := min(gemmMR, mb-ir)
			off := ir*ldc + jr
			if mr == gemmMR && nr == gemmNR {
				microKernel(kb, apan, bpan, c[off:], ldc)
				continue
			}
			clear(g.tile[:])
			microKernel(kb, apan, bpan, g.tile[:], gemmNR)
			for i := 0; i < mr; i++ {
				row := c[off+i*ldc : off+i*ldc+nr]
				for j := range row {
					row[j] += g.tile[i*gemmNR+j]
				}
			}
		}
	}
}

// packA copies the mb×kb block of op(A) at (ic, pc) into dst as consecutive
// gemmMR-row panels, each stored column by column (dst[p·MR + i]), with zero
// rows padding the last panel.
func packA(dst []float32, tA bool, a []float32, lda, ic, pc, mb, kb int) {
	for ir := 0; ir < mb; ir += gemmMR {
		mr := min(gemmMR, mb-ir)
		pan := dst[ir*kb : ir*kb+kb*gemmMR]
		r0 := ic + ir
		switch {
		case tA && mr == gemmMR:
			for p := 0; p < kb; p++ {
				src := (*[gemmMR]float32)(a[(pc+p)*lda+r0:])
				*(*[gemmMR]float32)(pan[p*gemmMR:]) = *src
			}
		case mr == gemmMR:
			a0 := a[r0*lda+pc : r0*lda+pc+kb]
			a1 := a[(r0+1)*lda+pc : (r0+1)*lda+pc+kb]
			a2 := a[(r0+2)*lda+pc : (r0+2)*lda+pc+kb]
			a3 := a[(r0+3)*lda+pc : (r0+3)*lda+pc+kb]
			a4 := a[(r0+4)*lda+pc : (r0+4)*lda+pc+kb]
			a5 := a[(r0+5)*lda+pc : (r0+5)*lda+pc+kb]
			for p := range a0 {
				d := (*[gemmMR]float32)(pan[p*gemmMR:])
				d[0], d[1], d[2], d[3], d[4], d[5] = a0[p], a1[p], a2[p], a3[p], a4[p], a5[p]
			}
		default:
			clear(pan)
			for i := 0; i < mr; i++ {
				for p := 0; p < kb; p++ {
					if tA {
						pan[p*gemmMR+i] = a[(pc+p)*lda+r0+i]
					} else {
						pan[p*gemmMR+i] = a[(r0+i)*lda+pc+p]
					}
				}
			}
		}
	}
}

// packB copies the kb×nb block of op(B) at (pc, jc) into dst as consecutive
// gemmNR-column panels, each stored row by row (dst[p·NR + j]), with zero
// columns padding the last panel.
func packB(dst []float32, tB bool, b []float32, ldb, pc, jc, kb, nb int) {
	for jr := 0; jr < nb; jr += gemmNR {
		nr := min(gemmNR, nb-jr)
		pan := dst[jr*kb : jr*kb+kb*gemmNR]
		if nr < gemmNR {
			clear(pan)
		}
		if !tB {
			for p := 0; p < kb; p++ {
				copy(pan[p*gemmNR:p*gemmNR+nr], b[(pc+p)*ldb+jc+jr:])
			}
			continue
		}
		for j := 0; j < nr; j++ {
			src := b[(jc+jr+j)*ldb+pc : (jc+jr+j)*ldb+pc+kb]
			for p, v := range src {
				pan[p*gemmNR+j] = v
			}
		}
	}
}

// microKernelGo is the portable micro-kernel: C[0:MR, 0:NR] += Ã·B̃ for the
// packed panels a (kb×MR) and b (kb×NR).
func microKernelGo(kb int, a, b, c []float32, ldc int) {
	var acc [gemmMR][gemmNR]float32
	a = a[:kb*gemmMR]
	b = b[:kb*gemmNR]
	for p := 0; p < kb; p++ {
		bp := (*[gemmNR]float32)(b[p*gemmNR:])
		ap := (*[gemmMR]float32)(a[p*gemmMR:])
		for i := range gemmMR {
			ai := ap[i]
			row := &acc[i]
			for j := range gemmNR {
				row[j] += ai * bp[j]
			}
		}
	}
	for i := range gemmMR {
		row := c[i*ldc : i*ldc+gemmNR]
		for j := range row {
			row[j] += acc[i][j]
		}
	}
}

// checkGemm panics when the sizes and slices do not describe valid operands.
func checkGemm(tA, tB bool, m, n, k, la, lda, lb, ldb, lc, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic("learn: negative GEMM dimension")
	}
	ar, ac := m, k
	if tA {
		ar, ac = k, m
	}
	br, bc := k, n
	if tB {
		br, bc = n, k
	}
	if lda < max(1, ac) || ldb < max(1, bc) || ldc < max(1, n) {
		panic("learn: GEMM leading dimension too small")
	}
	if (ar > 0 && ac > 0 && la < (ar-1)*lda+ac) || (br > 0 && bc > 0 && lb < (br-1)*ldb+bc) || (m > 0 && n > 0 && lc < (m-1)*ldc+n) {
		panic("learn: GEMM operand too short")
	}
}
