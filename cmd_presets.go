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

// firstSentence returns the description's first sentence on one line, cut
// at a word with an ellipsis past max runes (presets --show prints it all).
func firstSentence(desc string, max int) string {
	s := strings.Join(strings.Fields(desc), " ")
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i+1]
	}
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	cut := string(r[:max])
	if i := strings.LastIndex(cut, " "); i > max/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:") + "…"
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
		fmt.Fprintf(tw, "%s\t%s\n", p.Name, firstSentence(p.Description, 90))
	}
	tw.Flush()
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("presets: writing output: %w", err)
	}
	return nil
}
