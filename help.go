package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"fisherscope/sim"
)

const title = "fisherscope — the diffusion Fisher, its trace estimators and the PF-ODE's OT test"

// flagsOf returns a command's flag set, defined but not parsed: the source
// of its synopsis and help.
func flagsOf(c command) *flag.FlagSet {
	fs := newFlagSet(c.name)
	c.setup(fs)
	return fs
}

// synopsis is the command's one-line usage, generated from its flag set:
// required flags first, then the others in name order, then positional
// arguments. The command name is padded to width.
func synopsis(c command, fs *flag.FlagSet, width int) string {
	name := c.name
	if c.isDefault {
		name = "[" + name + "]"
	}
	parts := []string{"fisherscope " + fmt.Sprintf("%-*s", width, name)}
	var optional []string
	fs.VisitAll(func(fl *flag.Flag) {
		s := "--" + fl.Name
		if p := placeholder(fl); p != "" {
			s += " " + p
		}
		if slices.Contains(c.required, fl.Name) {
			parts = append(parts, s)
			return
		}
		s = "[" + s + "]"
		if _, ok := fl.Value.(repeatable); ok {
			s += "..."
		}
		optional = append(optional, s)
	})
	parts = append(parts, optional...)
	if c.args != "" {
		parts = append(parts, c.args)
	}
	return strings.TrimRight(strings.Join(parts, " "), " ")
}

// commandWidth is the width of the longest command name in usage lines.
func commandWidth(cmds []command) int {
	w := 0
	for _, c := range cmds {
		n := len(c.name)
		if c.isDefault {
			n += 2
		}
		w = max(w, n)
	}
	return w
}

// synopses returns the usage line of every command, in table order.
func synopses() []string {
	cmds := commands()
	w := commandWidth(cmds)
	out := make([]string, len(cmds))
	for i, c := range cmds {
		out[i] = synopsis(c, flagsOf(c), w)
	}
	return out
}

// writeUsage writes the top-level usage: every command's synopsis and summary.
func writeUsage(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n\nUsage:\n", title)
	for _, s := range synopses() {
		fmt.Fprintf(&b, "  %s\n", s)
	}
	b.WriteString("\nCommands:\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	tw.Flush()
	b.WriteString("\nRun \"fisherscope COMMAND --help\" for a command's flags; README.md documents every parameter key.\n")
	_, err := w.Write(b.Bytes())
	return err
}

// writeHelp writes a command's --help: its synopsis, description and every
// flag with its placeholder, meaning and default.
func writeHelp(w io.Writer, c command, fs *flag.FlagSet) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Usage: %s\n\n%s\n", synopsis(c, fs, 0), c.summary)
	if c.about != "" {
		fmt.Fprintf(&b, "\n%s\n", strings.TrimSpace(c.about))
	}
	if hasFlags(fs) {
		b.WriteString("\nFlags:\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fs.VisitAll(func(fl *flag.Flag) { fmt.Fprintf(tw, "  %s\t%s\n", flagTerm(fl), flagDoc(fl)) })
		tw.Flush()
	}
	if fs.Lookup("set") != nil {
		writeParams(&b)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// hasFlags reports whether fs defines any flag.
func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// flagTerm is "--name PLACEHOLDER".
func flagTerm(fl *flag.Flag) string {
	if p := placeholder(fl); p != "" {
		return "--" + fl.Name + " " + p
	}
	return "--" + fl.Name
}

// flagDoc is the flag's usage string with its default, when it has one.
func flagDoc(fl *flag.Flag) string {
	_, doc := flag.UnquoteUsage(fl)
	switch fl.DefValue {
	case "", "0", "false":
		return doc
	}
	return fmt.Sprintf("%s (default %s)", doc, fl.DefValue)
}

// writeParams lists every parameter key --set takes, from the engine's
// parameter table: key, default, allowed values and meaning.
func writeParams(b *bytes.Buffer) {
	b.WriteString("\nParameters (--set key=value; the same keys in presets and on the explorer's : line):\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, k := range sim.KeyDocs() {
		doc := k.Doc
		if k.Unit != "" {
			doc += " [" + k.Unit + "]"
		}
		fmt.Fprintf(tw, "  %s=%s\t%s\n\t  allowed: %s\n", k.Name, k.Default, doc, k.Allowed)
	}
	tw.Flush()
}
