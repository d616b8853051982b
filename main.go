// Command fisherscope explores the diffusion Fisher F_t(x) = −∇² log p_t(x)
// of 2-D data (optionally embedded in D dimensions), stochastic estimators of
// its trace, and the optimal-transport property of the probability-flow ODE.
//
// Usage:
//
//	fisherscope [tui] [--preset NAME|FILE] [--set key=value]... [--fps N]
//	fisherscope run [--preset NAME|FILE] [--set key=value]... [--format table|csv|json] [--out FILE]
//	fisherscope presets [--show NAME]
//	fisherscope eval --schedule S --data D --t T --x x1,x2[,...]
//	fisherscope bench [--preset NAME|FILE] [--set key=value]...
//	fisherscope serve --authorized-keys FILE [--listen ADDR] ...
//	fisherscope version
//
// See README.md for every command and flag.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is the program's version, overridable with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "fisherscope:", err)
		}
		os.Exit(2)
	}
}

const usage = `fisherscope — the diffusion Fisher, its trace estimators and the PF-ODE's OT test

Usage:
  fisherscope [tui] [--preset NAME|FILE] [--set key=value]... [--fps N]   the live explorer (default)
  fisherscope run [--preset NAME|FILE] [--set key=value]... [--format table|csv|json] [--out FILE]
  fisherscope presets [--show NAME]
  fisherscope eval --schedule S --data D --t T --x x1,x2[,...]
  fisherscope bench [--preset NAME|FILE] [--set key=value]...
  fisherscope serve --authorized-keys FILE [--listen ADDR] [--state-dir DIR] [--max-sessions N] [--idle D] [--max-time D] [--fps N]
  fisherscope version
  fisherscope help

Run "fisherscope COMMAND --help" for a command's flags; README.md documents every parameter key.
`

// run executes the command line args, writing results to stdout and
// diagnostics to stderr. It is main without the process: testable.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (len(args[0]) > 0 && args[0][0] == '-' && args[0] != "-h" && args[0] != "--help" && args[0] != "-help" && args[0] != "--version" && args[0] != "-version") {
		return runTUI(ctx, args, stdout, stderr)
	}
	switch args[0] {
	case "tui":
		return runTUI(ctx, args[1:], stdout, stderr)
	case "eval":
		return runEval(ctx, args[1:], stdout, stderr)
	case "run":
		return runRun(ctx, args[1:], stdout, stderr)
	case "presets":
		return runPresets(ctx, args[1:], stdout, stderr)
	case "bench":
		return runBench(ctx, args[1:], stdout, stderr)
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "fisherscope", version)
		return nil
	case "help", "--help", "-h", "-help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q (allowed: tui, run, presets, eval, bench, serve, version, help)", args[0])
}
