package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"fisherscope/tui"
)

// setupTUI defines the flags of the explorer: the scenario flags and --fps.
func setupTUI(fs *flag.FlagSet) action {
	var f scenarioFlags
	f.register(fs)
	fps := fs.Int("fps", 30, "redraw `N` times per second (1 to 120); lower it on slow links")
	return func(ctx context.Context, _ []string, stdout, _ io.Writer) error {
		if *fps < 1 || *fps > 120 {
			return refused(fmt.Errorf("tui --fps: %d outside [1, 120]", *fps))
		}
		p, err := f.load()
		if err != nil {
			return err
		}
		return tui.Run(ctx, p.Runs()[0].Params, os.Stdin, stdout, *fps, f.limits())
	}
}
