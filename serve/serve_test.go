package serve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"fisherscope/sim"
)

func newSigner(t testing.TB) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// start runs a server for the user key on a loopback port; opts adjust
// the configuration (func(*Config)) or the server before it serves
// (func(*Server)).
func start(t *testing.T, user gossh.Signer, maxSessions int, opts ...any) (addr string, srv *Server, logs *syncBuffer) {
	t.Helper()
	dir := t.TempDir()
	ak := filepath.Join(dir, "authorized_keys")
	os.WriteFile(ak, gossh.MarshalAuthorizedKey(user.PublicKey()), 0o600)
	p := sim.Defaults()
	p.Particles, p.N, p.Steps, p.Repeats, p.DFEA = 60, 128, 60, 2, 4
	logs = &syncBuffer{}
	cfg := Config{Listen: "127.0.0.1:0", AuthorizedKeys: ak, StateDir: filepath.Join(dir, "state"), MaxSessions: maxSessions,
		FPS: 15, Params: p, Logger: slog.New(slog.NewTextHandler(logs, nil))}
	for _, o := range opts {
		if o, ok := o.(func(*Config)); ok {
			o(&cfg)
		}
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range opts {
		if o, ok := o.(func(*Server)); ok {
			o(srv)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return ln.Addr().String(), srv, logs
}

// client is one SSH session with a pty, its stdout and stderr collected
// together in arrival order.
type client struct {
	conn  *gossh.Client
	sess  *gossh.Session
	stdin io.Writer
	mu    sync.Mutex
	out   bytes.Buffer
	done  chan struct{} // stdout closed
}

// Write appends to the collected output.
func (c *client) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.Write(p)
}

func dial(addr string, auth gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "tester", Auth: []gossh.AuthMethod{auth},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
}

// clientOpts shape a test client: its window, and whether it stays silent
// (never answers a terminal query).
type clientOpts struct {
	w, h   int
	silent bool
}

func open(t testing.TB, addr string, key gossh.Signer) *client {
	t.Helper()
	return openWith(t, addr, key, clientOpts{w: 120, h: 40})
}

func openWith(t testing.TB, addr string, key gossh.Signer, o clientOpts) *client {
	t.Helper()
	conn, err := dial(addr, gossh.PublicKeys(key))
	if err != nil {
		t.Fatal(err)
	}
	sess, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", o.h, o.w, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	stdout, _ := sess.StdoutPipe()
	stdin, _ := sess.StdinPipe()
	c := &client{conn: conn, sess: sess, stdin: stdin, done: make(chan struct{})}
	sess.Stderr = c
	go c.read(stdout, !o.silent)
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	return c
}

// read collects stdout; with answer it answers a terminal's queries once.
func (c *client) read(stdout io.Reader, answer bool) {
	defer close(c.done)
	buf := make([]byte, 32*1024)
	for {
		n, err := stdout.Read(buf)
		c.Write(buf[:n])
		if answer && strings.Contains(c.output(), "\x1b[c") {
			// Answer like a terminal: background colour, then device attributes.
			io.WriteString(c.stdin, "\x1b]11;rgb:0000/0000/0000\x07\x1b[?62;c")
			answer = false
		}
		if err != nil {
			return
		}
	}
}

func (c *client) output() string { c.mu.Lock(); defer c.mu.Unlock(); return c.out.String() }

func (c *client) waitFor(t testing.TB, s string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(c.output(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("never saw %q; got %q", s, tail(c.output()))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func tail(s string) string {
	if len(s) > 400 {
		return s[len(s)-400:]
	}
	return s
}

func (c *client) close() {
	c.sess.Close()
	c.conn.Close()
	<-c.done
}

func TestAcceptedKeyGetsFirstFrame(t *testing.T) {
	user := newSigner(t)
	addr, _, logs := start(t, user, 4)
	c := open(t, addr, user)
	c.waitFor(t, "particles · t=")
	c.waitFor(t, "estimator variance vs t")
	c.close()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "disconnect") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if l := logs.String(); !strings.Contains(l, "connect") || !strings.Contains(l, "disconnect") || !strings.Contains(l, "key=SHA256:") ||
		!strings.Contains(l, "host_key=SHA256:") || !strings.Contains(l, "reason=quit") && !strings.Contains(l, "reason=\"client closed") {
		t.Errorf("logs lack connect/disconnect with fingerprint:\n%s", l)
	}
}

func TestUnknownKeyAndPasswordRefused(t *testing.T) {
	user := newSigner(t)
	addr, _, logs := start(t, user, 4)
	if _, err := dial(addr, gossh.PublicKeys(newSigner(t))); err == nil {
		t.Fatal("unknown key accepted")
	}
	if _, err := dial(addr, gossh.Password("hunter2")); err == nil {
		t.Fatal("password accepted")
	}
	if _, err := dial(addr, gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return nil, nil })); err == nil {
		t.Fatal("keyboard-interactive accepted")
	}
	if !strings.Contains(logs.String(), "auth failure") {
		t.Errorf("auth failure not logged:\n%s", logs.String())
	}
}

func TestSessionLimit(t *testing.T) {
	user := newSigner(t)
	addr, srv, _ := start(t, user, 2)
	a, b := open(t, addr, user), open(t, addr, user)
	a.waitFor(t, "particles · t=")
	b.waitFor(t, "particles · t=")
	c := open(t, addr, user)
	c.waitFor(t, "the server is full (2 sessions)")
	<-c.done
	if srv.Active() != 2 {
		t.Errorf("%d active sessions, want 2", srv.Active())
	}
	a.close()
	deadline := time.Now().Add(10 * time.Second)
	for srv.Active() != 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond) // the server notices the drop
	}
	d := open(t, addr, user)
	d.waitFor(t, "particles · t=")
	b.close()
	d.close()
	c.close()
}

func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "keys")
	os.WriteFile(bad, []byte("ssh-ed25519 AAAAnotbase64\n# comment\n\ngarbage line\n"), 0o600)
	_, err := New(Config{Listen: "127.0.0.1:0", AuthorizedKeys: bad, StateDir: dir, MaxSessions: 1, FPS: 15, Params: sim.Defaults()})
	if err == nil || !strings.Contains(err.Error(), "line 1") || !strings.Contains(err.Error(), "line 4") {
		t.Errorf("bad keys: %v", err)
	}
	if _, err := New(Config{Listen: "127.0.0.1:0", StateDir: dir, MaxSessions: 1, FPS: 15, Params: sim.Defaults()}); err == nil || !strings.Contains(err.Error(), "--authorized-keys") {
		t.Errorf("missing keys: %v", err)
	}
	good := filepath.Join(dir, "good")
	os.WriteFile(good, gossh.MarshalAuthorizedKey(newSigner(t).PublicKey()), 0o600)
	state := filepath.Join(dir, "state")
	for i := 0; i < 2; i++ {
		if _, err := New(Config{Listen: "127.0.0.1:0", AuthorizedKeys: good, StateDir: state, MaxSessions: 1, FPS: 15, Params: sim.Defaults()}); err != nil {
			t.Fatal(err)
		}
	}
	st, err := os.Stat(state)
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("state dir mode %v %v", st.Mode(), err)
	}
	key1, _ := os.ReadFile(filepath.Join(state, "ssh_host_ed25519"))
	New(Config{Listen: "127.0.0.1:0", AuthorizedKeys: good, StateDir: state, MaxSessions: 1, FPS: 15, Params: sim.Defaults()})
	key2, _ := os.ReadFile(filepath.Join(state, "ssh_host_ed25519"))
	if len(key1) == 0 || !bytes.Equal(key1, key2) {
		t.Error("host key not created once and reused")
	}
	if _, err := New(Config{Listen: "127.0.0.1:0", AuthorizedKeys: good, StateDir: state, MaxSessions: 0, FPS: 15, Params: sim.Defaults()}); err == nil {
		t.Error("max-sessions 0 accepted")
	}
}

// TestManySessionsNoLeak runs 20 concurrent sessions until every engine has
// finished its run, ends them (half politely, half by dropping the
// connection), shuts down, and waits (with a deadline) until the goroutine
// and file-descriptor counts are back to where they started.
func TestManySessionsNoLeak(t *testing.T) {
	goroutines, fds := runtime.NumGoroutine(), openFDs()
	user := newSigner(t)
	addr, srv, _ := start(t, user, 25, func(c *Config) { c.MaxPerAddr = 25 })
	var clients []*client
	for i := 0; i < 20; i++ {
		clients = append(clients, open(t, addr, user))
	}
	for _, c := range clients {
		c.waitFor(t, "particles · t=")
	}
	for _, c := range clients {
		c.waitFor(t, "done · step") // every engine ran its whole scenario, 20 at once
	}
	if srv.Active() != 20 {
		t.Errorf("%d active sessions, want 20", srv.Active())
	}
	for i, c := range clients {
		if i%2 == 0 {
			io.WriteString(c.stdin, "q")
		}
		c.close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv.Shutdown(ctx)
	waitUntil(t, 15*time.Second, func() bool { return runtime.NumGoroutine() <= goroutines+2 }, func() string {
		buf := make([]byte, 1<<20)
		return fmt.Sprintf("%d goroutines, %d before:\n%s", runtime.NumGoroutine(), goroutines, buf[:runtime.Stack(buf, true)])
	})
	if fds >= 0 {
		waitUntil(t, 5*time.Second, func() bool { return openFDs() <= fds+2 }, func() string {
			return fmt.Sprintf("%d open file descriptors, %d before", openFDs(), fds)
		})
	}
}

// waitUntil polls cond every 10 ms until it holds, failing with why() after d.
func waitUntil(t testing.TB, d time.Duration, cond func() bool, why func() string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(why())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// openFDs counts this process's open file descriptors, or -1 where
// /proc/self/fd does not exist.
func openFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents)
}

// TestShutdownRestoresTerminals: Shutdown quits each program, which leaves
// the alternate screen on the client, and the session ends.
func TestShutdownRestoresTerminals(t *testing.T) {
	user := newSigner(t)
	addr, srv, logs := start(t, user, 4)
	c := open(t, addr, user)
	c.waitFor(t, "particles · t=")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		t.Fatal("session still open after shutdown")
	}
	if !strings.Contains(c.output(), "\x1b[?1049l") {
		t.Errorf("client terminal not restored (no alternate-screen exit); tail %q", tail(c.output()))
	}
	if !strings.Contains(logs.String(), "shutting down") {
		t.Error("shutdown not logged")
	}
	c.close()
}
