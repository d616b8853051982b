package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	gossh "golang.org/x/crypto/ssh"

	"fisherscope/sim"
	"fisherscope/tui"
)

// Server is an SSH server of the explorer. Its methods are safe for
// concurrent use.
type Server struct {
	cfg      Config
	acc      *sim.Accelerator // one GPU queue for every session
	log      *slog.Logger
	keys     []authorizedKey
	srv      *ssh.Server
	gate     *gate
	hostKey  string   // SHA256 fingerprint
	dataRoot *os.Root // --data-dir, opened once (nil: none)

	sourceHook func(*sim.Engine) tui.Source // tests observe the engine; nil otherwise

	mu       sync.Mutex // guards live and closing
	live     map[*session]struct{}
	closing  bool
	sessions sync.WaitGroup // one per admitted session
}

// New validates cfg, reads the authorized keys (skipping unusable lines
// with a warning), creates the state directory (0700) and the host key
// (generated once with mode 0600, then reused).
func New(cfg Config) (*Server, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	keys, err := loadAuthorizedKeys(cfg.AuthorizedKeys, log)
	if err != nil {
		return nil, err
	}
	hostKeyPath, err := stateDir(cfg.StateDir, log)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: log, keys: keys, live: map[*session]struct{}{}, acc: sim.NewAccelerator(), gate: newGate(cfg, log)}
	if s.srv, err = wish.NewServer(s.options(hostKeyPath)...); err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	if err := secureHostKey(hostKeyPath, log); err != nil {
		return nil, err
	}
	s.hostKey = gossh.FingerprintSHA256(s.srv.HostSigners[0].PublicKey())
	if cfg.DataDir != "" {
		if s.dataRoot, err = os.OpenRoot(cfg.DataDir); err != nil {
			return nil, fmt.Errorf("serve: --data-dir: %w", err)
		}
	}
	return s, nil
}

// stateDir creates the state directory with mode 0700, checks the host key
// in it, and returns the host key's path.
func stateDir(dir string, log *slog.Logger) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("serve: --state-dir: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return "", fmt.Errorf("serve: --state-dir: %w", err)
	}
	path := filepath.Join(dir, "ssh_host_ed25519")
	return path, secureHostKey(path, log)
}

// options configures the SSH server: public keys only, the connection gate,
// and the session handler. MaxTime is enforced per session (with a message);
// the connection's own absolute timeout is a backstop a little later.
func (s *Server) options(hostKeyPath string) []ssh.Option {
	opts := []ssh.Option{
		wish.WithAddress(s.cfg.Listen),
		wish.WithHostKeyPath(hostKeyPath),
		wish.WithPublicKeyAuth(s.authorize),
		func(srv *ssh.Server) error {
			srv.Handler = s.handle
			srv.ConnCallback = s.gate.connCallback
			srv.ServerConfigCallback = s.gate.serverConfig
			return nil
		},
	}
	if s.cfg.MaxTime > 0 {
		opts = append(opts, wish.WithMaxTimeout(s.cfg.MaxTime+quitGrace+5*time.Second))
	}
	return opts
}

// authorize accepts a listed key whose from= and expiry-time= options allow
// it. It keeps nothing in ctx: the session looks its key up again.
func (s *Server) authorize(ctx ssh.Context, key ssh.PublicKey) bool {
	_, err := findKey(s.keys, key, ctx.RemoteAddr(), time.Now())
	if err != nil {
		s.log.Warn("auth failure", "user", ctx.User(), "remote", ctx.RemoteAddr().String(), "key", gossh.FingerprintSHA256(key), "why", err.Error())
		return false
	}
	return true
}

// Reasons admit gives for refusing a session.
const (
	refusedFull    = "server full"
	refusedClosing = "shutting down"
)

// admit registers ss, checking the session limit and closing under one lock
// acquisition, so that no session starts once Shutdown has begun. It
// returns why ss is refused, or "".
func (s *Server) admit(ss *session) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closing:
		return refusedClosing
	case len(s.live) >= s.cfg.MaxSessions:
		return refusedFull
	}
	s.live[ss] = struct{}{}
	s.sessions.Add(1)
	return ""
}

// release unregisters a session admitted by admit.
func (s *Server) release(ss *session) {
	s.mu.Lock()
	delete(s.live, ss)
	s.mu.Unlock()
	s.sessions.Done()
}

// Serve accepts connections on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	s.log.Info("listening", "addr", ln.Addr().String(), "host_key", s.hostKey, "keys", len(s.keys),
		"max_sessions", s.cfg.MaxSessions, "auth_timeout", s.cfg.AuthTimeout.String(),
		"max_unauth", s.cfg.MaxUnauth, "max_per_addr", s.cfg.MaxPerAddr)
	if err := s.srv.Serve(ln); err != nil && !errors.Is(err, ssh.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// ListenAndServe listens on cfg.Listen and serves.
func (s *Server) ListenAndServe() error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("serve: --listen: %w", err)
	}
	return s.Serve(ln)
}

// Shutdown stops admitting connections and ends every session: its program
// quits (restoring the client's terminal) and the client is told "server
// shutting down", within 2 s. It waits for the sessions (on a WaitGroup, or
// until ctx is done), then closes the listener and every connection. (The
// SSH library's own graceful Shutdown is not used: it waits on a WaitGroup
// that a connection finishing its handshake may still Add to — a data race
// the race detector reports.)
func (s *Server) Shutdown(ctx context.Context) error {
	defer s.acc.Close()
	live := s.beginClosing()
	s.log.Info("shutting down", "sessions", len(live))
	s.gate.closeUnauthenticated() // and refuse new connections
	for _, ss := range live {
		ss.end(endShutdown)
	}
	err := s.waitSessions(ctx)
	if err != nil {
		s.log.Warn("shutdown deadline: closing remaining sessions", "sessions", s.Active())
	}
	s.gate.close() // sessions are over: drop idle connections
	if s.dataRoot != nil {
		s.dataRoot.Close()
	}
	closeErr := ignoreClosed(s.srv.Close())
	if err != nil {
		return err
	}
	return closeErr
}

// beginClosing marks the server closing and returns the live sessions, in
// one lock acquisition.
func (s *Server) beginClosing() []*session {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closing = true
	live := make([]*session, 0, len(s.live))
	for ss := range s.live {
		live = append(live, ss)
	}
	return live
}

// waitSessions waits until every admitted session has ended, or ctx expires.
func (s *Server) waitSessions(ctx context.Context) error {
	done := make(chan struct{})
	go func() { s.sessions.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("serve: shutdown: %w", ctx.Err())
	}
}

// ignoreClosed drops the error of closing what is already closed.
func ignoreClosed(err error) error {
	if errors.Is(err, net.ErrClosed) || errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Active returns the number of sessions being served.
func (s *Server) Active() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live)
}

// HostKeyFingerprint returns the SHA256 fingerprint of the host key.
func (s *Server) HostKeyFingerprint() string { return s.hostKey }
