package gpu

// Data2 is a 2-D point set in device layout (float32, structure of arrays).
type Data2 struct {
	Y0, Y1 []float32
}

// NewData2 converts n×2 row-major float64 points.
func NewData2(z []float64) *Data2 {
	n := len(z) / 2
	d := &Data2{Y0: make([]float32, n), Y1: make([]float32, n)}
	for i := 0; i < n; i++ {
		d.Y0[i], d.Y1[i] = float32(z[2*i]), float32(z[2*i+1])
	}
	return d
}

// Out2 receives the results of Posterior2 for B particles, in float64.
type Out2 struct {
	EU   []float64 // B×2: E[u], u = x − αy
	CovU []float64 // B×3: Cov(u) = α² C_z as c00, c01, c11
	LogZ []float64 // B: log Σ_j exp(−|u_j|²/(2σ²))
}

// NewOut2 allocates outputs for b particles.
func NewOut2(b int) *Out2 {
	return &Out2{EU: make([]float64, 2*b), CovU: make([]float64, 3*b), LogZ: make([]float64, b)}
}
