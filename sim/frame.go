package sim

import (
	"time"

	"fisherscope/model"
)

// Frame is an immutable snapshot of a run for display: nothing in it is
// modified after it is published, so readers on other goroutines may keep it.
type Frame struct {
	Params    Params
	Backend   string    // e.g. "cpu (2 cores)"
	Note      string    // why the GPU is not used (backend auto)
	Rows      []Row     // the rows measured so far (t decreasing)
	Total     int       // rows the run will make (steps + 1)
	Grid      []float64 // the times of all rows (shared between frames, read-only)
	T         float64   // time of Positions
	Positions []float64 // particles projected to the data plane, B×2
	Data      []float64 // data in the plane, N×2 (shared between frames, read-only)
	MatVecs   int64     // matvecs spent so far, all estimators
	QRs       int64     // QR factorisations so far
	Elapsed   time.Duration
	Done      bool   // the run finished (DF-EA filled in Rows)
	Err       string // why the run stopped early, if it did
}

// Progress returns the rows made and the total as a fraction in [0, 1].
func (f *Frame) Progress() float64 {
	if f.Total == 0 {
		return 0
	}
	return float64(len(f.Rows)) / float64(f.Total)
}

// project writes the batch's states in plane coordinates into dst (B×2).
func project(dst []float64, bt *Batch, em *model.Embedding) {
	d := bt.D
	if d == 2 {
		copy(dst, bt.X)
		return
	}
	for k := 0; k < bt.B; k++ {
		em.Project(dst[2*k:2*k+2], bt.X[k*d:(k+1)*d])
	}
}

// costs returns the matvecs and QRs over all rows.
func costs(rows []Row) (mv, qr int64) {
	for _, r := range rows {
		for _, e := range r.Est {
			mv += e.MatVecs
			qr += e.QRs
		}
	}
	return mv, qr
}
