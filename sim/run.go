package sim

import (
	"context"
	"errors"
)

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
	return RunEnv(ctx, p, onRow, Env{Acc: acc, Limits: lim})
}

// RunEnv is Run in an environment: accelerator, limits, the cache of trained
// networks and a training report (networks are loaded or trained before the
// first step).
func RunEnv(ctx context.Context, p Params, onRow func(Row), env Env) (*Result, error) {
	sc, err := buildScenario(p, env.Limits)
	if err != nil {
		return nil, refusal{err}
	}
	return execute(ctx, sc, headless{onRow}, env)
}

// ErrRefused is matched (errors.Is) by the errors of a scenario refused
// before it ran: invalid or over-limit parameters, unreadable data or start
// files. Other errors happened while it ran.
var ErrRefused = errors.New("scenario refused")

// refusal wraps a scenario's build error; its text is the error's.
type refusal struct{ err error }

func (r refusal) Error() string        { return r.err.Error() }
func (r refusal) Unwrap() error        { return r.err }
func (r refusal) Is(target error) bool { return target == ErrRefused }
