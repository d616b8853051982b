//go:build !amd64

package peak

// loop reports that no vector FMA loop is written for this architecture.
func loop() (run func(int), flops float64, isa string) { return nil, 0, "" }
