// Command fisherscope explores the diffusion Fisher F_t(x) = −∇² log p_t(x)
// of 2-D data (optionally embedded in D dimensions), stochastic estimators of
// its trace, and the optimal-transport property of the probability-flow ODE.
//
// Usage:
//
//	fisherscope eval --schedule S --data D --t T --x x1,x2[,...]
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
  fisherscope eval --schedule S --data D --t T --x x1,x2[,...]   posterior, score, Fisher at one point
  fisherscope version                                            print the version
  fisherscope help                                               this text

Run "fisherscope eval --help" for the flags of eval.
`

// run executes the command line args, writing results to stdout and
// diagnostics to stderr. It is main without the process: testable.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return nil
	}
	switch args[0] {
	case "eval":
		return runEval(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "fisherscope", version)
		return nil
	case "help", "--help", "-h", "-help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q (allowed: eval, version, help)", args[0])
}
