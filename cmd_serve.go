package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"fisherscope/serve"
)

// serveAbout is the description in `fisherscope serve --help`.
const serveAbout = `The explorer over SSH (ssh -p 2222 HOST). Every session gets its own
engine, parameters and colours. Only the public keys listed in
--authorized-keys may log in (no passwords). The host key is created once in
--state-dir and reused. A session without input is paused after --idle and
closed after twice --idle; every session ends after --max-time. SIGTERM or
ctrl+c quits every session cleanly, restoring the clients' terminals.`

// setupServe defines the flags of `fisherscope serve`: the scenario each
// session starts with and the server's configuration.
func setupServe(fs *flag.FlagSet) action {
	var f scenarioFlags
	cfg := serve.Config{}
	f.register(fs)
	fs.StringVar(&cfg.Listen, "listen", "127.0.0.1:2222", "`ADDR` to listen on (host:port); the default accepts local connections only")
	fs.StringVar(&cfg.AuthorizedKeys, "authorized-keys", "", "`FILE` of allowed public keys in authorized_keys format (required)")
	fs.StringVar(&cfg.StateDir, "state-dir", serve.DefaultStateDir(), "`DIR` of the host key, created with mode 0700")
	fs.IntVar(&cfg.MaxSessions, "max-sessions", 8, "allow `N` concurrent sessions; more are refused with a message")
	fs.DurationVar(&cfg.Idle, "idle", 10*time.Minute, "pause a session after this `DURATION` without input, close it after twice this (0: never)")
	fs.DurationVar(&cfg.MaxTime, "max-time", 2*time.Hour, "end every session after this `DURATION` (0: never)")
	fs.IntVar(&cfg.FPS, "fps", 15, "redraw each session `N` times per second (1 to 120)")
	cfg.RegisterLimitFlags(fs)
	var quota bytesFlag
	fs.Var(&quota, "export-quota", "each user's exports may fill `SIZE` under --state-dir/exports (default 64MiB)")
	return func(ctx context.Context, _ []string, _, stderr io.Writer) error {
		p, err := f.load()
		if err != nil {
			return err
		}
		cfg.Params = p.Runs()[0].Params
		cfg.ExportQuota, cfg.MaxMemory = int64(quota), int64(f.maxMemory) // --max-memory: all sessions together
		cfg.Logger = slog.New(slog.NewTextHandler(stderr, nil))
		return runServe(ctx, cfg)
	}
}

// runServe serves until ctx is done, then shuts the server down. An
// invalid configuration is refused input.
func runServe(ctx context.Context, cfg serve.Config) error {
	srv, err := serve.New(cfg)
	if err != nil {
		return refused(err)
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
