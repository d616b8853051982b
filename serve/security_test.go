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

// S7: a connection that does not authenticate in time is closed.
func TestPreAuthTimeout(t *testing.T) {
	user := newSigner(t)
	addr, _, logs := start(t, user, 1, func(c *Config) { c.AuthTimeout = 300 * time.Millisecond })
	raw, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.SetReadDeadline(time.Now().Add(3 * time.Second))
	if _, err := io.ReadAll(raw); err != nil { // EOF once the server closes it
		t.Fatalf("connection not closed by the server: %v", err)
	}
	if !strings.Contains(logs.String(), "not authenticated in time") {
		t.Errorf("timeout not logged:\n%s", logs.String())
	}
}

// querySigner proves nothing: it lets the client ask whether its public key
// is acceptable, then never signs (until the connection is gone), so
// authentication never completes.
type querySigner struct {
	gossh.Signer
	gone <-chan struct{}
}

func (q querySigner) Sign(io.Reader, []byte) (*gossh.Signature, error) {
	<-q.gone
	return nil, errors.New("no signature")
}

// watchedConn closes gone when a read fails (the server closed the connection).
type watchedConn struct {
	net.Conn
	once sync.Once
	gone chan struct{}
}

func (w *watchedConn) Read(p []byte) (int, error) {
	n, err := w.Conn.Read(p)
	if err != nil {
		w.once.Do(func() { close(w.gone) })
	}
	return n, err
}

// S7: accepting a public-key query (which any holder of the public key can
// make) does not count as authentication: the timeout still closes it.
func TestPreAuthTimeoutAfterKeyQuery(t *testing.T) {
	user := newSigner(t)
	addr, _, logs := start(t, user, 1, func(c *Config) { c.AuthTimeout = 300 * time.Millisecond })
	raw, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	conn := &watchedConn{Conn: raw, gone: make(chan struct{})}
	cfg := &gossh.ClientConfig{User: "tester", Auth: []gossh.AuthMethod{gossh.PublicKeys(querySigner{user, conn.gone})},
		HostKeyCallback: gossh.InsecureIgnoreHostKey()}
	errc := make(chan error, 1)
	go func() {
		_, _, _, err := gossh.NewClientConn(conn, addr, cfg)
		errc <- err
	}()
	select {
	case err := <-errc:
		if err == nil {
			t.Fatal("authenticated without a signature")
		}
	case <-time.After(3 * time.Second):
		t.Fatal("connection still open after the authentication timeout")
	}
	if !strings.Contains(logs.String(), "not authenticated in time") {
		t.Errorf("timeout not logged:\n%s", logs.String())
	}
}

// rawConns opens n TCP connections that never speak SSH.
func rawConns(t *testing.T, addr string, n int) []net.Conn {
	t.Helper()
	var cs []net.Conn
	for i := 0; i < n; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		buf := make([]byte, 64)
		c.SetReadDeadline(time.Now().Add(3 * time.Second))
		if _, err := c.Read(buf); err != nil { // the server's version line: admitted
			t.Fatalf("raw connection %d not admitted: %v", i, err)
		}
		cs = append(cs, c)
	}
	return cs
}

// S7: at most MaxUnauth connections may be unauthenticated at once; a
// slot is freed when one of them goes.
func TestUnauthenticatedCap(t *testing.T) {
	user := newSigner(t)
	addr, _, logs := start(t, user, 4, func(c *Config) { c.MaxUnauth, c.MaxPerAddr = 2, 10 })
	held := rawConns(t, addr, 2)
	if _, err := dial(addr, gossh.PublicKeys(user)); err == nil {
		t.Fatal("third unauthenticated connection admitted")
	}
	if !strings.Contains(logs.String(), "too many unauthenticated connections") {
		t.Errorf("cap not logged:\n%s", logs.String())
	}
	held[0].Close()
	waitUntil(t, 3*time.Second, func() bool {
		conn, err := dial(addr, gossh.PublicKeys(user))
		if err == nil {
			conn.Close()
		}
		return err == nil
	}, func() string { return "slot not freed" })
}

// S7: at most MaxPerAddr connections (authenticated or not) from one
// source address.
func TestPerAddressCap(t *testing.T) {
	user := newSigner(t)
	addr, _, logs := start(t, user, 4, func(c *Config) { c.MaxPerAddr = 2 })
	var conns []*gossh.Client
	for i := 0; i < 2; i++ {
		conn, err := dial(addr, gossh.PublicKeys(user))
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, conn)
	}
	if _, err := dial(addr, gossh.PublicKeys(user)); err == nil {
		t.Fatal("third connection from one address admitted")
	}
	if !strings.Contains(logs.String(), "too many connections from this address") {
		t.Errorf("cap not logged:\n%s", logs.String())
	}
	conns[0].Close()
	waitUntil(t, 3*time.Second, func() bool {
		conn, err := dial(addr, gossh.PublicKeys(user))
		if err == nil {
			conn.Close()
		}
		return err == nil
	}, func() string { return "slot not freed" })
	conns[1].Close()
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

// writeKeys writes an authorized_keys file with the given lines and mode.
func writeKeys(t *testing.T, mode os.FileMode, lines ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "authorized_keys")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), mode); err != nil {
		t.Fatal(err)
	}
	os.Chmod(p, mode)
	return p
}

// authLine is key's authorized_keys line with options in front.
func authLine(options string, key gossh.Signer) string {
	l := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(key.PublicKey())))
	if options == "" {
		return l
	}
	return options + " " + l
}

// serveKeys starts a server on the given authorized_keys file.
func serveKeys(t *testing.T, ak string) (addr string, srv *Server, logs *syncBuffer) {
	t.Helper()
	return start(t, newSigner(t), 4, func(c *Config) { c.AuthorizedKeys = ak })
}

// authorized_keys options: from= and expiry-time= decide who may log in.
func TestAuthorizedKeysFromAndExpiry(t *testing.T) {
	keys := map[string]gossh.Signer{}
	for _, n := range []string{"loopback", "elsewhere", "negated", "expired", "future"} {
		keys[n] = newSigner(t)
	}
	ak := writeKeys(t, 0o600,
		authLine(`from="127.0.0.0/8"`, keys["loopback"]),
		authLine(`from="10.*,192.168.0.0/16"`, keys["elsewhere"]),
		authLine(`from="127.*,!127.0.0.1"`, keys["negated"]),
		authLine(`expiry-time="20000101"`, keys["expired"]),
		authLine(`expiry-time="29991231235959Z"`, keys["future"]))
	addr, _, logs := serveKeys(t, ak)
	for name, ok := range map[string]bool{"loopback": true, "elsewhere": false, "negated": false, "expired": false, "future": true} {
		conn, err := dial(addr, gossh.PublicKeys(keys[name]))
		if (err == nil) != ok {
			t.Errorf("%s: login %v, want %v", name, err == nil, ok)
		}
		if err == nil {
			conn.Close()
		}
	}
	for _, w := range []string{"source address not allowed by from= (authorized_keys line 2)", "key expired"} {
		if !strings.Contains(logs.String(), w) {
			t.Errorf("log lacks %q:\n%s", w, logs.String())
		}
	}
}

// authorized_keys no-pty (and restrict): the key logs in but gets no session.
func TestAuthorizedKeysNoPty(t *testing.T) {
	noPty, restricted, restrictedPty := newSigner(t), newSigner(t), newSigner(t)
	ak := writeKeys(t, 0o600, authLine("no-pty", noPty), authLine("restrict", restricted), authLine("restrict,pty", restrictedPty))
	addr, _, _ := serveKeys(t, ak)
	for _, k := range []gossh.Signer{noPty, restricted} {
		c := open(t, addr, k)
		c.waitFor(t, msgKeyPty)
		if st := exitStatus(c.sess); st != 1 {
			t.Errorf("exit status %d", st)
		}
		c.close()
	}
	c := open(t, addr, restrictedPty)
	c.waitFor(t, "particles · t=")
	c.close()
}

// authorized_keys: unsupported options, bad keys and over-long lines are
// skipped with a warning naming the line; later keys still work.
func TestAuthorizedKeysSkippedLines(t *testing.T) {
	good := newSigner(t)
	ak := writeKeys(t, 0o600,
		authLine(`command="/bin/sh"`, newSigner(t)),
		authLine("cert-authority", newSigner(t)),
		authLine(`permitopen="localhost:80"`, newSigner(t)),
		"ssh-ed25519 "+strings.Repeat("A", 2<<20),
		"garbage",
		authLine("no-port-forwarding,no-agent-forwarding", good))
	addr, _, logs := serveKeys(t, ak)
	for _, w := range []string{`line 1: option \"command\" is not supported`, `line 2: option \"cert-authority\"`,
		`line 3: option \"permitopen\"`, "line 4: longer than 1048576 bytes", "line 5:"} {
		if !strings.Contains(logs.String(), w) {
			t.Errorf("log lacks %q:\n%s", w, logs.String())
		}
	}
	c := open(t, addr, good)
	c.waitFor(t, "particles · t=")
	c.close()
	only := writeKeys(t, 0o600, authLine(`command="/bin/true"`, good))
	_, err := New(Config{Listen: "127.0.0.1:0", AuthorizedKeys: only, StateDir: t.TempDir(), MaxSessions: 1, FPS: 15, Params: sim.Defaults()})
	if err == nil || !strings.Contains(err.Error(), "no usable public key") || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("file with no usable key: %v", err)
	}
}

// File modes: a writable authorized_keys is warned about; a readable host
// key is fixed to 0600 with a warning; the host key fingerprint is logged.
func TestFileModesAndFingerprint(t *testing.T) {
	user := newSigner(t)
	ak := writeKeys(t, 0o666, authLine("", user))
	state := t.TempDir()
	logs := &syncBuffer{}
	cfg := Config{Listen: "127.0.0.1:0", AuthorizedKeys: ak, StateDir: state, MaxSessions: 1, FPS: 15, Params: sim.Defaults(),
		Logger: newLogger(logs)}
	if _, err := New(cfg); err != nil {
		t.Fatal(err)
	}
	hk := filepath.Join(state, "ssh_host_ed25519")
	if st, err := os.Stat(hk); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("new host key mode %v, %v", st.Mode(), err)
	}
	os.Chmod(hk, 0o644)
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(hk); st.Mode().Perm() != 0o600 {
		t.Errorf("host key mode %v after start, want 0600", st.Mode().Perm())
	}
	for _, w := range []string{"authorized_keys is writable by group or others", "host key readable by group or others"} {
		if !strings.Contains(logs.String(), w) {
			t.Errorf("log lacks %q:\n%s", w, logs.String())
		}
	}
	if !strings.HasPrefix(srv.HostKeyFingerprint(), "SHA256:") {
		t.Errorf("fingerprint %q", srv.HostKeyFingerprint())
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
