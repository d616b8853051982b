package model

import (
	"errors"
	"fmt"
	"math"
)

// Dormand–Prince 5(4) (Dormand & Prince 1980): nodes, stage weights, the
// fifth-order weights (b = the last stage row: first same as last) and the
// difference to the embedded fourth-order ones.
var (
	dpC = [7]float64{0, 1. / 5, 3. / 10, 4. / 5, 8. / 9, 1, 1}
	dpA = [7][6]float64{
		{},
		{1. / 5},
		{3. / 40, 9. / 40},
		{44. / 45, -56. / 15, 32. / 9},
		{19372. / 6561, -25360. / 2187, 64448. / 6561, -212. / 729},
		{9017. / 3168, -355. / 33, 46732. / 5247, 49. / 176, -5103. / 18656},
		{35. / 384, 0, 500. / 1113, 125. / 192, -2187. / 6784, 11. / 84},
	}
	dpE = [7]float64{35./384 - 5179./57600, 0, 500./1113 - 7571./16695, 125./192 - 393./640,
		-2187./6784 + 92097./339200, 11./84 - 187./2100, -1. / 40}
)

// Default tolerances of ODE.Step with RK45 (score_sde's likelihood setting).
const (
	DefaultRTol = 1e-5
	DefaultATol = 1e-5
)

// ErrCancelled is returned by Adaptive when ODE.Done is closed mid-interval.
var ErrCancelled = errors.New("cancelled")

// errStepUnderflow is returned when the controller cannot meet the tolerance.
var errStepUnderflow = errors.New("rk45: step size underflow (the tolerance cannot be met)")

// maxAdaptiveSteps bounds the attempts of one Adaptive call.
const maxAdaptiveSteps = 100_000

// Adaptive advances x from time t to time s with Dormand–Prince 5(4) and
// step-size control on the augmented state (x, log q), writing x_s into dst
// (dst may alias x). The error of a step is the RMS over the components of
// err_i/(atol + rtol·max(|y_i|, |y'_i|)); a step is accepted when it is ≤ 1
// and the next step is scaled by 0.9·err^(−1/5) within [0.2, 5]. h is the
// size of the first attempted step (≤ 0: |s − t|); the step ends exactly at
// s. It returns the change of log q along the path (exact trace), the
// velocity evaluations spent, and the step size to start the next interval.
func (o *ODE) Adaptive(dst, x []float64, t, s, rtol, atol, h float64) (dl float64, evals int, hNext float64, err error) {
	return o.AdaptiveTangent(dst, nil, x, nil, t, s, rtol, atol, h)
}

// AdaptiveTangent is Adaptive that also integrates the fundamental matrix Φ
// (D×D row-major, dΦ/dt = J(x_t, t) Φ, math-spec §9.2) with the same stages
// and includes it in the error control; phi nil integrates x and log q only.
// dstPhi may alias phi.
func (o *ODE) AdaptiveTangent(dst, dstPhi, x, phi []float64, t, s, rtol, atol, h float64) (dl float64, evals int, hNext float64, err error) {
	d := o.d
	if len(dst) != d || len(x) != d || phi != nil && (len(phi) != d*d || len(dstPhi) != d*d) {
		panic("model: ODE.Adaptive length mismatch")
	}
	tangent := phi != nil
	o.dpInit(tangent)
	if tangent {
		copy(o.dpPY, phi)
	}
	span := s - t
	if span == 0 {
		copy(dst, x)
		return 0, 0, h, nil
	}
	dir := math.Copysign(1, span)
	if !(h > 0) {
		h = math.Abs(span)
	}
	copy(o.dpY, x)
	ll := 0.0
	cur := t
	var l [7]float64
	if l[0], err = o.eval(o.dpK[0], o.dpY, cur, nil); err != nil {
		return 0, 1, h, err
	}
	if tangent {
		o.jacobianTimes(o.dpKP[0], o.dpPY)
	}
	evals = 1
	for n := 0; ; n++ {
		if n == maxAdaptiveSteps || h < 1e-14*math.Max(1, math.Abs(cur)) {
			return 0, evals, h, fmt.Errorf("%w at t=%g", errStepUnderflow, cur)
		}
		if o.Done != nil {
			select {
			case <-o.Done:
				return 0, evals, h, ErrCancelled
			default:
			}
		}
		last := h >= math.Abs(s-cur)
		if last {
			h = math.Abs(s - cur)
		}
		hs := dir * h
		stageT := func(i int) float64 { // the last step's c = 1 stages sit exactly at s
			if last && dpC[i] == 1 {
				return s
			}
			return cur + dpC[i]*hs
		}
		for i := 1; i < 7; i++ {
			for j := range o.dpT {
				v := o.dpY[j]
				for m := 0; m < i; m++ {
					v += hs * dpA[i][m] * o.dpK[m][j]
				}
				o.dpT[j] = v
			}
			if l[i], err = o.eval(o.dpK[i], o.dpT, stageT(i), nil); err != nil {
				return 0, evals, h, err
			}
			evals++
			if tangent {
				stage(o.dpPT, o.dpPY, o.dpKP[:i], dpA[i][:i], hs)
				o.jacobianTimes(o.dpKP[i], o.dpPT)
			}
		}
		// o.dpT is the fifth-order solution (stage 7 is evaluated there).
		llNew, e2 := ll, 0.0
		for i := 0; i < 6; i++ { // d log q/dt = −integrand, fifth-order weights
			llNew += -hs * dpA[6][i] * l[i]
		}
		errLL := 0.0
		for i := 0; i < 7; i++ {
			errLL += -hs * dpE[i] * l[i]
		}
		for j := range o.dpT {
			ej := 0.0
			for i := 0; i < 7; i++ {
				ej += hs * dpE[i] * o.dpK[i][j]
			}
			sc := atol + rtol*math.Max(math.Abs(o.dpY[j]), math.Abs(o.dpT[j]))
			e2 += (ej / sc) * (ej / sc)
		}
		sc := atol + rtol*math.Max(math.Abs(ll), math.Abs(llNew))
		e2 += (errLL / sc) * (errLL / sc)
		n := d + 1
		if tangent {
			e2 += errSum(o.dpPY, o.dpPT, o.dpKP[:], hs, rtol, atol)
			n += d * d
		}
		e := math.Sqrt(e2 / float64(n))
		if math.IsNaN(e) || math.IsInf(e, 0) {
			return 0, evals, h, fmt.Errorf("rk45: non-finite state at t=%g", cur)
		}
		factor := 5.0
		if e > 0 {
			factor = math.Min(5, math.Max(0.2, 0.9*math.Pow(e, -0.2)))
		}
		if e <= 1 { // accept; first same as last
			copy(o.dpY, o.dpT)
			o.dpK[0], o.dpK[6] = o.dpK[6], o.dpK[0]
			if tangent {
				copy(o.dpPY, o.dpPT)
				o.dpKP[0], o.dpKP[6] = o.dpKP[6], o.dpKP[0]
			}
			l[0] = l[6]
			ll, cur = llNew, cur+hs
			if last {
				cur = s
				copy(dst, o.dpY)
				if tangent {
					copy(dstPhi, o.dpPY)
				}
				return ll, evals, h * factor, nil
			}
		}
		h *= factor
	}
}

// stage writes y + h Σ a_m k_m into dst.
func stage(dst, y []float64, k [][]float64, a []float64, h float64) {
	for j := range dst {
		v := y[j]
		for m := range k {
			v += h * a[m] * k[m][j]
		}
		dst[j] = v
	}
}

// errSum returns Σ (e_j/(atol + rtol·max(|y_j|, |y'_j|)))² over a block
// whose error estimate is h Σ E_i k_i.
func errSum(y, yNew []float64, k [][]float64, h, rtol, atol float64) float64 {
	s := 0.0
	for j := range y {
		e := 0.0
		for i := range k {
			e += h * dpE[i] * k[i][j]
		}
		sc := atol + rtol*math.Max(math.Abs(y[j]), math.Abs(yNew[j]))
		s += (e / sc) * (e / sc)
	}
	return s
}

// dpInit allocates the Dormand–Prince workspaces on first use (those of Φ,
// D² each, only when the tangent is integrated).
func (o *ODE) dpInit(tangent bool) {
	d := o.d
	if o.dpY == nil {
		o.dpY, o.dpT = make([]float64, d), make([]float64, d)
		for i := range o.dpK {
			o.dpK[i] = make([]float64, d)
		}
	}
	if tangent && o.dpPY == nil {
		o.dpPY, o.dpPT = make([]float64, d*d), make([]float64, d*d)
		for i := range o.dpKP {
			o.dpKP[i] = make([]float64, d*d)
		}
	}
}
