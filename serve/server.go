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
	"runtime/debug"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	bm "github.com/charmbracelet/wish/bubbletea"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"

	"fisherscope/sim"
	"fisherscope/tui"
)

// Server is an SSH server of the explorer. Its methods are safe for
// concurrent use.
type Server struct {
	cfg  Config
	acc  *sim.Accelerator // one GPU queue for every session
	log  *slog.Logger
	keys []gossh.PublicKey
	srv  *ssh.Server

	mu       sync.Mutex // guards active, programs and closing
	active   int        // sessions admitted and not yet ended
	programs map[*tea.Program]struct{}
	closing  bool
	sessions sync.WaitGroup // one per admitted session
}

// New validates cfg, parses the authorized keys, creates the state directory
// (0700) and the host key (generated once, then reused).
func New(cfg Config) (*Server, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	keys, err := parseAuthorizedKeys(cfg.AuthorizedKeys)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.StateDir, 0o700); err != nil {
		return nil, fmt.Errorf("serve: --state-dir: %w", err)
	}
	if err := os.Chmod(cfg.StateDir, 0o700); err != nil {
		return nil, fmt.Errorf("serve: --state-dir: %w", err)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{cfg: cfg, log: log, keys: keys, programs: map[*tea.Program]struct{}{}, acc: sim.NewAccelerator()}
	s.srv, err = wish.NewServer(
		wish.WithAddress(cfg.Listen),
		wish.WithHostKeyPath(filepath.Join(cfg.StateDir, "ssh_host_ed25519")),
		wish.WithPublicKeyAuth(s.authorize),
		wish.WithMaxTimeout(cfg.MaxTime),
		wish.WithMiddleware(
			bm.MiddlewareWithProgramHandler(s.program, termenv.Ascii),
			s.limit,
			s.logSessions,
			s.recoverPanics,
		),
	)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	return s, nil
}

// authorize accepts exactly the listed keys. It keeps nothing in ctx.
func (s *Server) authorize(ctx ssh.Context, key ssh.PublicKey) bool {
	for _, k := range s.keys {
		if ssh.KeysEqual(key, k) {
			return true
		}
	}
	s.log.Warn("auth failure", "user", ctx.User(), "remote", ctx.RemoteAddr().String(), "key", gossh.FingerprintSHA256(key))
	return false
}

// limit refuses sessions beyond MaxSessions, and every session once
// Shutdown has begun, with a message to the client.
func (s *Server) limit(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if why := s.admit(); why != "" {
			s.log.Warn("session refused: "+why, "user", sess.User(), "remote", sess.RemoteAddr().String(), "max", s.cfg.MaxSessions)
			if why == refusedFull {
				wish.Fatalf(sess, "fisherscope: the server is full (%d sessions); try again later\n", s.cfg.MaxSessions)
			} else {
				wish.Fatalln(sess, "fisherscope: the server is shutting down")
			}
			return
		}
		defer s.release()
		next(sess)
	}
}

// Reasons admit gives for refusing a session.
const (
	refusedFull    = "server full"
	refusedClosing = "shutting down"
)

// admit counts a new session, checking the limit and closing under one lock
// acquisition, so no session is admitted once Shutdown has begun. It returns
// why the session is refused, or "".
func (s *Server) admit() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closing:
		return refusedClosing
	case s.active >= s.cfg.MaxSessions:
		return refusedFull
	}
	s.active++
	s.sessions.Add(1)
	return ""
}

// release uncounts a session admitted by admit.
func (s *Server) release() {
	s.mu.Lock()
	s.active--
	s.mu.Unlock()
	s.sessions.Done()
}

// logSessions logs connects and disconnects.
func (s *Server) logSessions(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		start := time.Now()
		fp := ""
		if k := sess.PublicKey(); k != nil {
			fp = gossh.FingerprintSHA256(k)
		}
		pty, _, _ := sess.Pty()
		s.log.Info("connect", "user", sess.User(), "remote", sess.RemoteAddr().String(), "key", fp, "term", pty.Term,
			"width", pty.Window.Width, "height", pty.Window.Height)
		next(sess)
		s.log.Info("disconnect", "user", sess.User(), "remote", sess.RemoteAddr().String(), "duration", time.Since(start).Round(time.Millisecond).String())
	}
}

// recoverPanics keeps a panicking session from taking the server down.
func (s *Server) recoverPanics(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("session panic", "user", sess.User(), "remote", sess.RemoteAddr().String(),
					"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			}
		}()
		next(sess)
	}
}

// program builds one session's explorer: its own engine and renderer.
func (s *Server) program(sess ssh.Session) *tea.Program {
	ctx, cancel := context.WithCancel(sess.Context())
	eng := sim.NewEngineWith(s.acc)
	m := tui.New(ctx, eng, s.cfg.Params, tui.Options{FPS: s.cfg.FPS, Renderer: bm.MakeRenderer(sess), Idle: s.cfg.Idle})
	opts := append(bm.MakeOptions(sess), tea.WithAltScreen(), tea.WithFilter(dropSuspend))
	p := tea.NewProgram(m, opts...)
	if !s.track(p) {
		cancel()
		eng.Stop()
		wish.Fatalln(sess, "fisherscope: the server is shutting down")
		return nil
	}
	go func() {
		<-sess.Context().Done()
		cancel()
		eng.Stop()
		s.mu.Lock()
		delete(s.programs, p)
		s.mu.Unlock()
	}()
	return p
}

// dropSuspend ignores ctrl+z: a served session has no job control.
func dropSuspend(_ tea.Model, msg tea.Msg) tea.Msg {
	if _, ok := msg.(tea.SuspendMsg); ok {
		return nil
	}
	return msg
}

// Serve accepts connections on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	s.log.Info("listening", "addr", ln.Addr().String(), "max_sessions", s.cfg.MaxSessions, "keys", len(s.keys))
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

// track registers p for Shutdown, checking closing under the same lock
// acquisition; it reports false (p not registered) once Shutdown has begun.
func (s *Server) track(p *tea.Program) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.programs[p] = struct{}{}
	return true
}

// Shutdown stops accepting connections, quits every session's program
// (restoring its client's terminal), waits until those sessions have ended
// or ctx expires, then closes the remaining connections. It uses the SSH
// server's own graceful Shutdown for the listener and the connections.
func (s *Server) Shutdown(ctx context.Context) error {
	defer s.acc.Close()
	s.mu.Lock()
	s.closing = true
	progs := make([]*tea.Program, 0, len(s.programs))
	for p := range s.programs {
		progs = append(progs, p)
	}
	n := s.active
	s.mu.Unlock()
	s.log.Info("shutting down", "sessions", n)
	shut := make(chan error, 1)
	go func() { shut <- s.srv.Shutdown(ctx) }() // closes the listeners now, then waits for connections
	for _, p := range progs {
		p.Quit()
	}
	err := s.waitSessions(ctx)
	if err != nil {
		s.log.Warn("shutdown deadline: closing remaining sessions", "sessions", s.Active())
	}
	closeErr := ignoreClosed(s.srv.Close()) // sessions are over: drop the connections Shutdown waits for
	shutErr := ignoreClosed(<-shut)
	if err != nil {
		return err
	}
	return errors.Join(shutErr, closeErr)
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

// ignoreClosed drops the error of closing an already closed listener.
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
	return s.active
}
