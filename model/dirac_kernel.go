package model

import "math"

// diracKernel is the hot loop of the Dirac posterior. For the n points y
// (n×d) with log-weights logPi it computes ℓ_i = log π_i − ‖x − α y_i‖²/(2σ²),
// writes the normalised weights w_i = exp(ℓ_i − LSE ℓ) into w and the weighted
// mean Σ w_i y_i into mean, and returns LSE_i ℓ_i and the centred trace
// Σ w_i ‖y_i − mean‖².
func diracKernel(w, mean, y []float64, d int, logPi, x []float64, alpha, sigma float64) (logZ, trC float64) {
	if d == 2 {
		return diracKernel2(w, mean, y, logPi, x[0], x[1], alpha, sigma)
	}
	inv := 1 / (2 * sigma * sigma)
	maxL := math.Inf(-1)
	for i := range w {
		yi := y[i*d : (i+1)*d]
		dist := 0.0
		for j, xj := range x {
			r := xj - alpha*yi[j]
			dist += r * r
		}
		l := logPi[i] - dist*inv
		w[i] = l
		if l > maxL {
			maxL = l
		}
	}
	clear(mean)
	sum := 0.0
	for i, l := range w {
		e := math.Exp(l - maxL)
		w[i] = e
		if e == 0 {
			continue
		}
		sum += e
		yi := y[i*d : (i+1)*d]
		for j := range mean {
			mean[j] += e * yi[j]
		}
	}
	invSum := 1 / sum
	for j := range mean {
		mean[j] *= invSum
	}
	for i := range w {
		w[i] *= invSum
	}
	return maxL + math.Log(sum), centredTrace(w, y, mean)
}

// diracKernel2 is diracKernel for d = 2.
func diracKernel2(w, mean, y, logPi []float64, x0, x1, alpha, sigma float64) (logZ, trC float64) {
	inv := 1 / (2 * sigma * sigma)
	maxL := math.Inf(-1)
	y = y[:2*len(w)]
	logPi = logPi[:len(w)]
	for i := range w {
		r0 := x0 - alpha*y[2*i]
		r1 := x1 - alpha*y[2*i+1]
		l := logPi[i] - (r0*r0+r1*r1)*inv
		w[i] = l
		if l > maxL {
			maxL = l
		}
	}
	var sum, m0, m1 float64
	for i, l := range w {
		e := math.Exp(l - maxL)
		w[i] = e
		sum += e
		m0 += e * y[2*i]
		m1 += e * y[2*i+1]
	}
	invSum := 1 / sum
	m0 *= invSum
	m1 *= invSum
	mean[0], mean[1] = m0, m1
	for i, e := range w {
		wi := e * invSum
		w[i] = wi
		a, b := y[2*i]-m0, y[2*i+1]-m1
		trC += wi * (a*a + b*b)
	}
	return maxL + math.Log(sum), trC
}
