package sim

import "context"

// headless is the observer of Run: never pauses, forwards every row.
type headless struct{ onRow func(Row) }

func (h headless) wait(ctx context.Context) error { return ctx.Err() }

func (h headless) row(_ *Batch, rows []Row, _, _ string) {
	if h.onRow != nil {
		h.onRow(rows[len(rows)-1])
	}
}

// Run validates p, runs the scenario to the end on the calling goroutine (the
// backend may use more) and returns every row and particle. onRow, if not
// nil, sees each row as soon as it is made (the DF-EA summaries are filled
// only in the Result). It returns ctx's error if cancelled. A GPU, if the
// scenario can use one, is opened for this run and closed after it.
func Run(ctx context.Context, p Params, onRow func(Row)) (*Result, error) {
	acc := NewAccelerator()
	defer acc.Close()
	return RunWith(ctx, p, onRow, acc, Limits{})
}

// RunWith is Run with a shared accelerator (nil: CPU only) and limits.
func RunWith(ctx context.Context, p Params, onRow func(Row), acc *Accelerator, lim Limits) (*Result, error) {
	sc, err := buildScenario(p, lim)
	if err != nil {
		return nil, err
	}
	return execute(ctx, sc, headless{onRow}, acc)
}
