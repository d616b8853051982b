package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"fisherscope/learn"
	"fisherscope/sim"
)

// setupTrain defines the flags of `fisherscope train`: the scenario flags
// (data, schedule, dim and the net_* parameters), --dftm, --out, --quiet.
func setupTrain(fs *flag.FlagSet) action {
	var f scenarioFlags
	f.register(fs)
	out := fs.String("out", "", "also write the score network to `FILE` (load it with --set net=file:FILE)")
	dftm := fs.Bool("dftm", true, "also train the two DF-TM networks")
	quiet := fs.Bool("quiet", false, "no progress bar on standard error")
	return func(ctx context.Context, _ []string, stdout, stderr io.Writer) error {
		p, err := f.load()
		if err != nil {
			return err
		}
		bar := newProgress(stderr, *quiet)
		env := sim.Env{Limits: f.limits(), OnTrain: func(tp sim.TrainProgress) {
			if tp.Step <= 1 {
				bar.begin("train " + tp.Net + " net")
			}
			bar.label = fmt.Sprintf("train %s net · loss %.4g", tp.Net, tp.Loss)
			bar.update(tp.Step, tp.Steps)
		}}
		tr, err := sim.Train(ctx, p.Runs()[0].Params, *dftm, env)
		bar.end()
		if err != nil {
			return fmt.Errorf("train: %w", err)
		}
		if err := reportTrained(stdout, tr); err != nil {
			return fmt.Errorf("train: writing output: %w", err)
		}
		if *out != "" {
			if err := writeFile(*out, tr.Score.Save); err != nil {
				return fmt.Errorf("train --out %s: %w", *out, err)
			}
			fmt.Fprintf(stderr, "wrote %s\n", *out)
		}
		return nil
	}
}

// reportTrained prints what each network is and where it is cached.
func reportTrained(w io.Writer, tr *sim.Trained) error {
	for _, n := range []struct {
		name string
		info *learn.Info
	}{{"score", info(tr.Score)}, {"dftm", traceInfo(tr.Norm)}, {"dftm-eps", traceInfo(tr.Eps)}} {
		if n.info == nil {
			continue
		}
		i := n.info
		if _, err := fmt.Fprintf(w, "%-8s %s · %d parameters · D=%d · %s · final loss %.4g · key %s\n",
			n.name, i.Layers, i.Params, i.Dim, i.Schedule, i.Loss, i.Key); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "cache: %s\n", sim.DefaultCacheDir())
	return err
}

func info(n *learn.ScoreNet) *learn.Info {
	i := n.Info()
	return &i
}

func traceInfo(n *learn.TraceNet) *learn.Info {
	if n == nil {
		return nil
	}
	i := n.Info()
	return &i
}
