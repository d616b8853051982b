package peak

import "golang.org/x/sys/cpu"

//go:noescape
func fmaLoop512(n int)

//go:noescape
func fmaLoop256(n int)

// loop returns the widest FMA loop this CPU runs, its flops per iteration
// and its name; nil where there is none.
func loop() (run func(int), flops float64, isa string) {
	switch {
	case cpu.X86.HasAVX512F:
		return fmaLoop512, 12 * 8 * 2, "AVX-512"
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		return fmaLoop256, 12 * 4 * 2, "AVX2+FMA"
	}
	return nil, 0, ""
}
