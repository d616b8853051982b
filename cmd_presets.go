package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"fisherscope/presets"
)

func runPresets(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("presets", flag.ContinueOnError)
	fs.SetOutput(stderr)
	show := fs.String("show", "", "print the TOML of this preset (name or file)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *show != "" {
		if _, err := presets.Load(*show); err != nil {
			return err
		}
		src, err := presets.Source(*show)
		if err != nil {
			return err
		}
		_, err = stdout.Write(src)
		return err
	}
	list, err := presets.List()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	for _, p := range list {
		first := strings.SplitN(p.Description, "\n", 2)[0]
		fmt.Fprintf(tw, "%s\t%s\n", p.Name, first)
	}
	return tw.Flush()
}
