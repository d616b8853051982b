package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"fisherscope/presets"
	"fisherscope/serve"
)

const serveHelp = `fisherscope serve: the explorer over SSH (ssh -p 2222 HOST)

Every session gets its own engine, parameters and colours. Only the public keys
listed in --authorized-keys may log in (no passwords). The host key is created
once in --state-dir and reused. A session without input is paused after --idle
and closed after twice --idle; every session ends after --max-time. SIGTERM or
ctrl+c quits every session cleanly, restoring the clients' terminals.

Flags:
`

func runServe(ctx context.Context, args []string, _, stderr io.Writer) error {
	var f scenarioFlags
	cfg := serve.Config{}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, serveHelp); fs.PrintDefaults() }
	f.register(fs, presets.Default)
	fs.StringVar(&cfg.Listen, "listen", "127.0.0.1:2222", "address to listen on (host:port); the default accepts local connections only")
	fs.StringVar(&cfg.AuthorizedKeys, "authorized-keys", "", "file of allowed public keys in authorized_keys format (required)")
	fs.StringVar(&cfg.StateDir, "state-dir", serve.DefaultStateDir(), "directory of the host key, created with mode 0700")
	fs.IntVar(&cfg.MaxSessions, "max-sessions", 8, "concurrent sessions; more are refused with a message")
	fs.DurationVar(&cfg.Idle, "idle", 10*time.Minute, "pause a session after this long without input, close it after twice this (0: never)")
	fs.DurationVar(&cfg.MaxTime, "max-time", 2*time.Hour, "end every session after this long (0: never)")
	fs.IntVar(&cfg.FPS, "fps", 15, "redraws per second per session (1 to 120)")
	cfg.RegisterLimitFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	p, err := f.load()
	if err != nil {
		return err
	}
	cfg.Params = p.Runs()[0].Params
	cfg.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	srv, err := serve.New(cfg)
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	return <-errc
}
