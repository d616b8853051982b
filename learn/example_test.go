package learn_test

import (
	"context"
	"fmt"
	"math"

	"fisherscope/learn"
	"fisherscope/model"
)

// Train a small score network on the paper's three-point set, then estimate
// the trace of the diffusion Fisher from it three ways: by VJP, by
// Hutchinson on the learned Fisher operator, and by DF-TM.
func Example() {
	mix, _ := model.NewDataset("nonaffine", 1, 0)
	data, _ := learn.NewMixtureSource(mix)
	s, _ := model.ScheduleByName("ve")
	cfg := learn.DefaultConfig()
	cfg.Widths, cfg.Steps, cfg.Batch = []int{32, 32}, 100, 128
	ctx := context.Background()
	score, err := learn.TrainScore(ctx, cfg, s, data, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	dftm, err := learn.TrainDFTM(ctx, cfg, s, data, score, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	x := []float64{0.1, 0.2}
	c, _ := s.At(0.5)
	vjp := score.TraceVJP(x, c)
	op := &learn.FisherOp{Net: score, X: x, C: c}
	exact := model.TraceExact(op, &model.TraceWork{}).Value
	tm := dftm.Trace(x, c)
	fmt.Println(score.Info().Layers)
	fmt.Println("VJP trace equals the trace through JVPs:", math.Abs(vjp-exact) < 1e-9*math.Abs(exact))
	fmt.Println("DF-TM trace is finite:", !math.IsNaN(tm) && !math.IsInf(tm, 0))
	// Output:
	// mlp 35-32-32-2
	// VJP trace equals the trace through JVPs: true
	// DF-TM trace is finite: true
}
