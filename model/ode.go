package model

import (
	"errors"
	"fmt"
)

// ODE integrates the PF-ODE of one mixture under one schedule, optionally
// with the log-density along the path and the tangent (fundamental) matrix.
// It owns its workspaces: not safe for concurrent use; make one per goroutine.
type ODE struct {
	Mix   Mixture
	Sched Schedule
	Post  *Posterior // posterior at the last evaluated stage

	d          int
	k          [4][]float64
	xs         []float64
	kphi       [4][]float64 // D×D, row-major, for the tangent
	phis, colv []float64
	colo       []float64
	// Done, when closed, stops Adaptive between two attempts (ErrCancelled).
	Done <-chan struct{}

	dpK        [7][]float64 // Dormand–Prince stages (allocated on first use)
	dpKP       [7][]float64 // … of Φ (D×D each)
	dpY, dpT   []float64
	dpPY, dpPT []float64 // Φ at the step's start and its fifth-order solution
}

// NewODE returns an integrator for m under s.
func NewODE(m Mixture, s Schedule) *ODE {
	d := m.Dim()
	o := &ODE{Mix: m, Sched: s, Post: NewPosterior(m), d: d, xs: make([]float64, d),
		phis: make([]float64, d*d), colv: make([]float64, d), colo: make([]float64, d)}
	for i := range o.k {
		o.k[i] = make([]float64, d)
		o.kphi[i] = make([]float64, d*d)
	}
	return o
}

// TraceFunc returns an estimate of tr F at the posterior p (p.TraceFisher for
// the exact trace); it is called once per solver stage.
type TraceFunc func(p *Posterior) float64

// eval evaluates the posterior at (x, t) and writes the velocity into v; it
// returns the likelihood integrand with the trace from tr (nil: exact).
func (o *ODE) eval(v, x []float64, t float64, tr TraceFunc) (float64, error) {
	c, err := o.Sched.At(t)
	if err != nil {
		return 0, err
	}
	o.Mix.Posterior(o.Post, x, c)
	Velocity(v, x, o.Post)
	trF := 0.0
	if tr != nil {
		trF = tr(o.Post)
	} else {
		trF = o.Post.TraceFisher()
	}
	return LikelihoodIntegrand(c, o.d, trF), nil
}

// Step advances x from time t to time s with the solver, writing x_s into
// dst (dst may alias x), and returns the change of log q along the path,
// log q_s(x_s) − log q_t(x_t) = ∫_s^t tr J dt, integrated with the same rule
// (left point for DDIM and Euler, trapezoid for Heun, Simpson stages for RK4)
// and the trace from tr (nil: exact). It fails if t or s is outside the
// schedule's range, or σ_t = 0.
func (o *ODE) Step(dst, x []float64, t, s float64, solver Solver, tr TraceFunc) (float64, error) {
	if len(dst) != o.d || len(x) != o.d {
		panic("model: ODE.Step length mismatch")
	}
	h := s - t
	to, err := o.Sched.At(s)
	if err != nil {
		return 0, err
	}
	switch solver {
	case DDIM:
		l, err := o.eval(o.k[0], x, t, tr)
		if err != nil {
			return 0, err
		}
		DDIMStep(dst, x, o.Post, to)
		return -h * l, nil
	case Euler:
		l, err := o.eval(o.k[0], x, t, tr)
		if err != nil {
			return 0, err
		}
		axpy(dst, x, h, o.k[0])
		return -h * l, nil
	case Heun:
		return o.heun(dst, x, t, s, tr)
	case RK4:
		return o.rk4(dst, x, t, s, tr)
	case RK45:
		if tr != nil {
			return 0, errors.New("rk45 integrates the exact trace only")
		}
		dl, _, _, err := o.Adaptive(dst, x, t, s, DefaultRTol, DefaultATol, 0)
		return dl, err
	}
	return 0, fmt.Errorf("unknown solver %d", solver)
}

// axpy writes x + h·k into dst (dst may alias x).
func axpy(dst, x []float64, h float64, k []float64) {
	for j := range dst {
		dst[j] = x[j] + h*k[j]
	}
}

// heun and rk4 evaluate their last stage at s itself, not t + (s − t),
// which can fall an ulp outside the schedule's range at its end.
func (o *ODE) heun(dst, x []float64, t, s float64, tr TraceFunc) (float64, error) {
	h := s - t
	l0, err := o.eval(o.k[0], x, t, tr)
	if err != nil {
		return 0, err
	}
	axpy(o.xs, x, h, o.k[0])
	l1, err := o.eval(o.k[1], o.xs, s, tr)
	if err != nil {
		return 0, err
	}
	for j := range dst {
		dst[j] = x[j] + 0.5*h*(o.k[0][j]+o.k[1][j])
	}
	return -0.5 * h * (l0 + l1), nil
}

func (o *ODE) rk4(dst, x []float64, t, s float64, tr TraceFunc) (float64, error) {
	h := s - t
	var l [4]float64
	var err error
	stageT := [4]float64{t, t + h/2, t + h/2, s}
	stageH := [4]float64{0, h / 2, h / 2, h}
	for i := 0; i < 4; i++ {
		xi := x
		if i > 0 {
			axpy(o.xs, x, stageH[i], o.k[i-1])
			xi = o.xs
		}
		if l[i], err = o.eval(o.k[i], xi, stageT[i], tr); err != nil {
			return 0, err
		}
	}
	for j := range dst {
		dst[j] = x[j] + h/6*(o.k[0][j]+2*o.k[1][j]+2*o.k[2][j]+o.k[3][j])
	}
	return -h / 6 * (l[0] + 2*l[1] + 2*l[2] + l[3]), nil
}

// jacobianTimes writes J·Φ into dst (D×D row-major) for the posterior in
// o.Post, using D covariance matvecs: J Φ = (f + g²/(2σ²)) Φ − (α²g²/(2σ⁴)) C Φ.
func (o *ODE) jacobianTimes(dst, phi []float64) {
	d, c := o.d, o.Post.C
	s2 := c.Sigma * c.Sigma
	a := c.F + c.G2/(2*s2)
	b := c.Alpha * c.Alpha * c.G2 / (2 * s2 * s2)
	for col := 0; col < d; col++ {
		for i := 0; i < d; i++ {
			o.colv[i] = phi[i*d+col]
		}
		o.Post.CovMatVec(o.colo, o.colv)
		for i := 0; i < d; i++ {
			dst[i*d+col] = a*o.colv[i] - b*o.colo[i]
		}
	}
}

// StepTangent advances x and the fundamental matrix Φ (D×D row-major,
// dΦ/dt = J(x_t, t) Φ, math-spec §9.2) together with RK4 from t to s,
// writing the results into dstX and dstPhi (which may alias x and phi). It
// returns the change of log q along the path with the exact trace, as Step.
func (o *ODE) StepTangent(dstX, dstPhi, x, phi []float64, t, s float64) (float64, error) {
	d := o.d
	if len(phi) != d*d || len(dstPhi) != d*d {
		panic("model: StepTangent length mismatch")
	}
	h := s - t
	var l [4]float64
	var err error
	stageT := [4]float64{t, t + h/2, t + h/2, s}
	stageH := [4]float64{0, h / 2, h / 2, h}
	for i := 0; i < 4; i++ {
		xi, pi := x, phi
		if i > 0 {
			axpy(o.xs, x, stageH[i], o.k[i-1])
			axpy(o.phis, phi, stageH[i], o.kphi[i-1])
			xi, pi = o.xs, o.phis
		}
		if l[i], err = o.eval(o.k[i], xi, stageT[i], nil); err != nil {
			return 0, err
		}
		o.jacobianTimes(o.kphi[i], pi)
	}
	for j := range dstX {
		dstX[j] = x[j] + h/6*(o.k[0][j]+2*o.k[1][j]+2*o.k[2][j]+o.k[3][j])
	}
	for j := range dstPhi {
		dstPhi[j] = phi[j] + h/6*(o.kphi[0][j]+2*o.kphi[1][j]+2*o.kphi[2][j]+o.kphi[3][j])
	}
	return -h / 6 * (l[0] + 2*l[1] + 2*l[2] + l[3]), nil
}
