package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"fisherscope/presets"
)

// setupPresets defines the flags of `fisherscope presets`: --show.
func setupPresets(fs *flag.FlagSet) action {
	show := fs.String("show", "", "print the TOML of the preset `NAME|FILE`")
	return func(_ context.Context, _ []string, stdout, _ io.Writer) error {
		if *show != "" {
			return showPreset(stdout, *show)
		}
		return listPresets(stdout)
	}
}

// showPreset writes the TOML of a preset that loads.
func showPreset(w io.Writer, name string) error {
	if _, err := presets.Load(name); err != nil {
		return refused(err)
	}
	src, err := presets.Source(name)
	if err != nil {
		return refused(err)
	}
	if _, err := w.Write(src); err != nil {
		return fmt.Errorf("presets: writing output: %w", err)
	}
	return nil
}

// listPresets writes the embedded presets' names and first description lines.
func listPresets(w io.Writer) error {
	list, err := presets.List()
	if err != nil {
		return err
	}
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, p := range list {
		first := strings.SplitN(p.Description, "\n", 2)[0]
		fmt.Fprintf(tw, "%s\t%s\n", p.Name, first)
	}
	tw.Flush()
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("presets: writing output: %w", err)
	}
	return nil
}
