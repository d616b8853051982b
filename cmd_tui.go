package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"fisherscope/presets"
	"fisherscope/tui"
)

func runTUI(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f scenarioFlags
	fs := flag.NewFlagSet("tui", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f.register(fs, presets.Default)
	fps := fs.Int("fps", 30, "redraws per second (1 to 120); lower it on slow links")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *fps < 1 || *fps > 120 {
		return fmt.Errorf("tui --fps: %d outside [1, 120]", *fps)
	}
	p, err := f.load()
	if err != nil {
		return err
	}
	return tui.Run(ctx, p.Runs()[0].Params, os.Stdin, stdout, *fps)
}
