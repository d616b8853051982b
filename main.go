// Command fisherscope explores the diffusion Fisher F_t(x) = −∇² log p_t(x)
// of 2-D data (optionally embedded in D dimensions), stochastic estimators of
// its trace, and the optimal-transport property of the probability-flow ODE.
//
// Usage:
//
//	fisherscope [tui] [flags]   the live explorer (the default)
//	fisherscope run [flags]     a scenario headless: table, CSV or JSON
//	fisherscope presets [flags] the embedded scenarios
//	fisherscope eval [flags]    the Fisher and its relatives at one point
//	fisherscope bench [flags]   the engine's speed
//	fisherscope serve [flags]   the explorer over SSH
//	fisherscope version
//	fisherscope help [COMMAND]
//
// "fisherscope help" lists every flag of every command (the text is
// generated from the flag sets); README.md documents every parameter key.
//
// Exit status: 0 on success and for --help, 2 for refused input (flags,
// parameters, presets), 1 for a failure while running.
package main

import (
	"context"
	"errors"
	"fisherscope/sim"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// version is the program's version, overridable with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fisherscope:", err)
	}
	os.Exit(exitCode(err))
}

// refusedError marks input that fisherscope refuses before doing any work:
// bad flags, parameters, presets or arguments.
type refusedError struct{ err error }

func (e *refusedError) Error() string { return e.err.Error() }
func (e *refusedError) Unwrap() error { return e.err }

// refused marks err as refused input (exit status 2); nil stays nil.
func refused(err error) error {
	if err == nil {
		return nil
	}
	return &refusedError{err}
}

// exitCode maps run's error to the process's exit status: 0 for success and
// help, 2 for refused input, 1 for any other failure.
func exitCode(err error) int {
	var r *refusedError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &r), errors.Is(err, sim.ErrRefused):
		return 2
	}
	return 1
}

// action runs a command once its flags are parsed.
type action func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// command is one subcommand. Its usage line and --help are generated from
// the flags that setup defines, so they cannot drift from the code.
type command struct {
	name      string
	summary   string                     // one line
	about     string                     // optional paragraphs for --help
	isDefault bool                       // runs when no command is named
	required  []string                   // flags shown without brackets
	args      string                     // positional arguments ("" for none)
	setup     func(*flag.FlagSet) action // defines the flags
}

// commands returns every command in usage order.
func commands() []command {
	return []command{
		{name: "tui", summary: "the live explorer (the default command)", isDefault: true, setup: setupTUI},
		{name: "run", summary: "run a scenario headless and print a table, CSV or JSON", setup: setupRun},
		{name: "presets", summary: "list the embedded presets or print one", setup: setupPresets},
		{name: "eval", summary: "print the density, score, denoiser and Fisher at one point", setup: setupEval},
		{name: "bench", summary: "measure the engine's speed on a scenario", about: benchAbout, setup: setupBench},
		{name: "gpu-check", summary: "diagnose the GPU: device, kernel build, self-test, timings, the verdict of --gpu auto", setup: setupGPUCheck},
		{name: "merge", summary: "join the JSON of run --shard i/n into the document of the unsplit run", args: "SHARD.json...", setup: setupMerge},
		{name: "train", summary: "train (or load from the cache) the scenario's score and DF-TM networks", setup: setupTrain},
		{name: "serve", summary: "serve the explorer over SSH", about: serveAbout, required: []string{"authorized-keys"}, setup: setupServe},
		{name: "version", summary: "print the version", setup: setupVersion},
		{name: "help", summary: "print this text, or a command's flags", args: "[COMMAND]", setup: setupHelp},
	}
}

// lookup finds the command args name and returns it with its arguments.
// Without a command name (no arguments, or a first argument that is a flag
// other than help and version) it is the default command.
func lookup(args []string) (command, []string, error) {
	cmds := commands()
	if len(args) > 0 {
		switch args[0] {
		case "-h", "-help", "--help":
			args = append([]string{"help"}, args[1:]...)
		case "-version", "--version":
			args = append([]string{"version"}, args[1:]...)
		}
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return cmds[0], args, nil
	}
	for _, c := range cmds {
		if c.name == args[0] {
			return c, args[1:], nil
		}
	}
	return command{}, nil, refused(fmt.Errorf("unknown command %q (allowed: %s)", args[0], strings.Join(commandNames(cmds), ", ")))
}

// commandNames returns the names of cmds, for error messages.
func commandNames(cmds []command) []string {
	out := make([]string, len(cmds))
	for i, c := range cmds {
		out[i] = c.name
	}
	return out
}

// run executes the command line args, writing results to stdout and
// diagnostics to stderr. It is main without the process: testable. --help
// writes the command's help to stdout and returns nil.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, args, err := lookup(args)
	if err != nil {
		return err
	}
	fs := newFlagSet(c.name)
	act := c.setup(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return writeHelp(stdout, c, fs)
		}
		return refused(fmt.Errorf("%s: %w (see fisherscope %s --help)", c.name, err, c.name))
	}
	if c.args == "" && fs.NArg() > 0 {
		return refused(fmt.Errorf("%s: unexpected argument %q (see fisherscope %s --help)", c.name, fs.Arg(0), c.name))
	}
	return act(ctx, fs.Args(), stdout, stderr)
}

// setupVersion defines `fisherscope version`, which has no flags.
func setupVersion(*flag.FlagSet) action {
	return func(_ context.Context, _ []string, stdout, _ io.Writer) error {
		_, err := fmt.Fprintln(stdout, "fisherscope", version)
		return err
	}
}

// setupHelp defines `fisherscope help [COMMAND]`, which has no flags.
func setupHelp(*flag.FlagSet) action {
	return func(_ context.Context, args []string, stdout, _ io.Writer) error {
		if len(args) == 0 {
			return writeUsage(stdout)
		}
		for _, c := range commands() {
			if c.name == args[0] && len(args) == 1 {
				return writeHelp(stdout, c, flagsOf(c))
			}
		}
		return refused(fmt.Errorf("help: unknown command %q (allowed: %s)", strings.Join(args, " "), strings.Join(commandNames(commands()), ", ")))
	}
}
