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
	Done      bool       // the run finished (DF-EA filled in Rows)
	Err       string     // why the run stopped early, if it did
	Train     *Training  // the networks being trained before the first step (nil: none)
	History   []Snapshot // particle positions at earlier rows, oldest first (subsampled to a memory bound; read-only)
}

// Snapshot is the particles' positions in the data plane at time T.
type Snapshot struct {
	T         float64
	Positions []float64 // B×2
}

// maxHistory bounds the memory of a run's position history.
const maxHistory = 32 << 20

// historyEvery returns every how many rows a run of b particles and rows
// rows records its positions (0: never, when one snapshot is already too big).
func historyEvery(b, rows int) int {
	per := 16 * b
	if per > maxHistory {
		return 0
	}
	keep := maxHistory / per
	return max(1, (rows+keep-1)/keep)
}

// Training is the state of a network's training, for display.
type Training struct {
	Net         string    // "score", "dftm" or "dftm-eps"
	Step, Steps int       // steps done, of Steps
	Loss        []float64 // the loss at every report so far (read-only)
	Elapsed     time.Duration
}

// project writes the states xs (B×D) in plane coordinates into dst (B×2).
func project(dst, xs []float64, d int, em *model.Embedding) {
	if d == 2 {
		copy(dst, xs)
		return
	}
	for k := 0; k < len(xs)/d; k++ {
		em.Project(dst[2*k:2*k+2], xs[k*d:(k+1)*d])
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
