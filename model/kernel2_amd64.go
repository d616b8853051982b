package model

import "golang.org/x/sys/cpu"

// haveAVX2 reports whether the vectorised 2-D kernel can run here.
var haveAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func distMax2AVX2(l, y0, y1 *float64, n int, x0, x1, alpha, negInv float64) float64

//go:noescape
func expSum2AVX2(w, y0, y1 *float64, n int, m float64) (s0, s1, s2 float64)

//go:noescape
func ctrace2AVX2(w, y0, y1 *float64, n int, mx, my, scale float64) float64
