package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"fisherscope/sim"
	"fisherscope/tui"
)

// Terminal sequences a restored client must receive.
const (
	exitAltScreen = "\x1b[?1049l"
	showCursor    = "\x1b[?25h"
	hideCursor    = "\x1b[?25l"
)

// maxLineWidth returns the widest line (in cells, escapes stripped) of s.
func maxLineWidth(s string) int {
	w := 0
	for _, frame := range strings.Split(s, "\x1b[H") {
		for _, line := range strings.Split(frame, "\n") {
			w = max(w, ansi.StringWidth(line))
		}
	}
	return w
}

// S2: a window of 5000×5000 (pty-req, then window-change) is clamped to
// 500×200 before it reaches the program; the server keeps serving.
func TestHugeWindowClamped(t *testing.T) {
	user := newSigner(t)
	addr, srv, _ := start(t, user, 4)
	c := openWith(t, addr, user, clientOpts{w: 5000, h: 5000})
	defer c.close()
	c.waitFor(t, "particles · t=")
	if _, err := c.sess.SendRequest("window-change", true, gossh.Marshal(struct{ W, H, PW, PH uint32 }{5000, 5000, 0, 0})); err != nil {
		t.Fatal(err)
	}
	mark := len(c.output())
	c.waitFor(t, "done · step")
	if w := maxLineWidth(c.output()[mark:]); w > MaxWidth || w <= 120 {
		t.Errorf("widest line %d cells, want in (120, %d]", w, MaxWidth)
	}
	other := open(t, addr, user)
	other.waitFor(t, "particles · t=")
	other.close()
	waitUntil(t, 3*time.Second, func() bool { return srv.Active() == 1 }, func() string {
		return fmt.Sprintf("%d active sessions, want 1", srv.Active())
	})
}

func TestClampWindow(t *testing.T) {
	for _, c := range []struct{ w, h, ww, wh int }{{5000, 5000, MaxWidth, MaxHeight}, {0, 0, 1, 1}, {-3, 7, 1, 7}, {80, 24, 80, 24}} {
		got := clampWindow(sshWindow(c.w, c.h))
		if got.Width != c.ww || got.Height != c.wh {
			t.Errorf("%d×%d → %d×%d, want %d×%d", c.w, c.h, got.Width, got.Height, c.ww, c.wh)
		}
	}
}

// exitStatus runs sess to its end and returns its exit status (-1: none).
func exitStatus(sess *gossh.Session) int {
	err := sess.Wait()
	var ee *gossh.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitStatus()
	}
	return -1
}

// S5: a session without a pty, and an exec request, are refused with a
// message and exit status 1; both pass through the session limit.
func TestNonInteractiveRefused(t *testing.T) {
	user := newSigner(t)
	addr, srv, logs := start(t, user, 1)
	conn, err := dial(addr, gossh.PublicKeys(user))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, tc := range []struct {
		name, want string
		run        func(*gossh.Session) error
	}{
		{"shell without pty", msgNoPty, func(s *gossh.Session) error { return s.Shell() }},
		{"exec without pty", msgNoPty, func(s *gossh.Session) error { return s.Start("ls /") }},
		{"exec with pty", msgExec, func(s *gossh.Session) error {
			if err := s.RequestPty("xterm", 24, 80, nil); err != nil {
				return err
			}
			return s.Start("ls /")
		}},
	} {
		sess, err := conn.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		var out syncBuffer
		sess.Stdout, sess.Stderr = &out, &out
		if err := tc.run(sess); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if st := exitStatus(sess); st != 1 || !strings.Contains(out.String(), tc.want) {
			t.Errorf("%s: exit %d, output %q; want 1 and %q", tc.name, st, out.String(), tc.want)
		}
	}
	// With the only slot taken, a non-pty session is refused as over the limit.
	c := open(t, addr, user)
	defer c.close()
	c.waitFor(t, "particles · t=")
	sess, _ := conn.NewSession()
	var out syncBuffer
	sess.Stderr = &out
	sess.Shell()
	if st := exitStatus(sess); st != 1 || !strings.Contains(out.String(), "server is full") {
		t.Errorf("non-pty session over the limit: exit %d, %q", st, out.String())
	}
	if srv.Active() != 1 || !strings.Contains(logs.String(), `reason="refused: no terminal"`) {
		t.Errorf("active %d; logs:\n%s", srv.Active(), logs.String())
	}
}

// ctxSource records the contexts the program starts the engine with.
type ctxSource struct {
	*sim.Engine
	mu   sync.Mutex
	ctxs []context.Context
}

func (s *ctxSource) Restart(ctx context.Context, p sim.Params) error {
	s.mu.Lock()
	s.ctxs = append(s.ctxs, ctx)
	s.mu.Unlock()
	return s.Engine.Restart(ctx, p)
}

func (s *ctxSource) allDone() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.ctxs {
		if c.Err() == nil {
			return false
		}
	}
	return len(s.ctxs) > 0
}

// S5: closing the session channel (the connection stays open) ends the
// session: its program quits, the engine's context is cancelled, the slot
// is freed and the end is logged with its reason.
func TestSessionEndStopsEngine(t *testing.T) {
	user := newSigner(t)
	src := &ctxSource{}
	addr, srv, logs := start(t, user, 1, func(s *Server) {
		s.sourceHook = func(e *sim.Engine) tui.Source { src.Engine = e; return src }
	})
	c := open(t, addr, user)
	defer c.conn.Close()
	c.waitFor(t, "particles · t=")
	c.sess.Close() // the channel only
	waitUntil(t, 3*time.Second, func() bool { return src.allDone() && srv.Active() == 0 }, func() string {
		return fmt.Sprintf("engine contexts done: %v, %d active sessions", src.allDone(), srv.Active())
	})
	waitUntil(t, 2*time.Second, func() bool { return strings.Contains(logs.String(), `reason="client closed the session"`) },
		func() string { return "end not logged:\n" + logs.String() })
	d := open(t, addr, user) // the slot is free again, on the same connection's server
	d.waitFor(t, "particles · t=")
	d.close()
}

// S6: a client that never answers a terminal query still gets frames (the
// server sends no query), and --idle still closes it, telling it why.
func TestSilentClientServedAndIdleCloses(t *testing.T) {
	user := newSigner(t)
	addr, srv, logs := start(t, user, 1, func(c *Config) { c.Idle = 400 * time.Millisecond })
	c := openWith(t, addr, user, clientOpts{w: 120, h: 40, silent: true})
	defer c.close()
	c.waitFor(t, "particles · t=")
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		t.Fatal("idle session not closed")
	}
	out := c.output()
	for _, q := range []string{"\x1b]11;?", "\x1b[c"} {
		if strings.Contains(out, q) {
			t.Errorf("server queried the terminal (%q)", q)
		}
	}
	c.waitFor(t, "without input")
	waitUntil(t, 2*time.Second, func() bool { return srv.Active() == 0 && strings.Contains(logs.String(), "reason=idle") },
		func() string { return fmt.Sprintf("%d active; logs:\n%s", srv.Active(), logs.String()) })
}

// checkRestored: the client left the alternate screen, got its cursor back
// and was then told why.
func checkRestored(t *testing.T, c *client, why string) {
	t.Helper()
	c.waitFor(t, why) // stderr may trail stdout's end a little
	out := c.output()
	exit := strings.LastIndex(out, exitAltScreen)
	if exit < 0 || strings.LastIndex(out, showCursor) < strings.LastIndex(out, hideCursor) {
		t.Errorf("terminal not restored; tail %q", tail(out))
	}
	if strings.LastIndex(out, why) < exit {
		t.Errorf("%q missing or before the terminal was restored; tail %q", why, tail(out))
	}
}

// S8: Shutdown restores every client's terminal and tells it why, within 2 s.
func TestShutdownTellsEveryClient(t *testing.T) {
	user := newSigner(t)
	addr, srv, _ := start(t, user, 4)
	a, b := open(t, addr, user), open(t, addr, user)
	a.waitFor(t, "particles · t=")
	b.waitFor(t, "particles · t=")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	t0 := time.Now()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*client{a, b} {
		select {
		case <-c.done:
		case <-time.After(2*time.Second - time.Since(t0)):
			t.Fatal("session still open 2 s after Shutdown began")
		}
		checkRestored(t, c, "fisherscope: "+endShutdown)
	}
	if d := time.Since(t0); d > 2*time.Second {
		t.Errorf("shutdown took %v", d)
	}
	a.close()
	b.close()
}

// S8: --max-time ends the session with its terminal restored and a message.
func TestMaxTimeTellsClient(t *testing.T) {
	user := newSigner(t)
	addr, srv, logs := start(t, user, 1, func(c *Config) { c.MaxTime = time.Second })
	c := open(t, addr, user)
	defer c.close()
	c.waitFor(t, "particles · t=")
	select {
	case <-c.done:
	case <-time.After(3 * time.Second):
		t.Fatal("session outlived --max-time by more than 2 s")
	}
	checkRestored(t, c, "fisherscope: "+endMaxTime)
	waitUntil(t, 2*time.Second, func() bool { return srv.Active() == 0 }, func() string { return "slot not freed" })
	if !strings.Contains(logs.String(), `reason="session time limit reached"`) {
		t.Errorf("reason not logged:\n%s", logs.String())
	}
}

func sshWindow(w, h int) ssh.Window { return ssh.Window{Width: w, Height: h} }

func newLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// blockingWriter blocks every write until it is closed, like the channel of
// a client that has stopped reading.
type blockingWriter struct {
	once   sync.Once
	closed chan struct{}
}

func (w *blockingWriter) Write([]byte) (int, error) {
	<-w.closed
	return 0, io.ErrClosedPipe
}

// stalledSession is an ssh.Session whose Close releases the blocked writer.
type stalledSession struct {
	ssh.Session
	w *blockingWriter
}

func (s stalledSession) Close() error {
	s.w.once.Do(func() { close(s.w.closed) })
	return nil
}

// blankModel is a program that only renders.
type blankModel struct{}

func (blankModel) Init() tea.Cmd                       { return nil }
func (blankModel) Update(tea.Msg) (tea.Model, tea.Cmd) { return blankModel{}, nil }
func (blankModel) View() string                        { return "frame" }

// S8: a program whose output blocks (a client that stopped reading) cannot
// hold a session past the grace period: end closes its channel and the
// program returns within 2 s.
func TestEndClosesStalledSession(t *testing.T) {
	w := &blockingWriter{closed: make(chan struct{})}
	ss := newSession(stalledSession{w: w}, context.Background())
	p := tea.NewProgram(blankModel{}, tea.WithInput(nil), tea.WithOutput(w), tea.WithoutSignalHandler())
	if !ss.setProgram(p) {
		t.Fatal("program refused")
	}
	done := make(chan struct{})
	go func() { p.Run(); ss.quitDone(); close(done) }()
	t0 := time.Now()
	ss.end(endShutdown)
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("stalled program still running 2 s after end")
	}
	if d := time.Since(t0); d < quitGrace/2 {
		t.Errorf("program returned after %v: the writer was not stalled", d)
	}
}
