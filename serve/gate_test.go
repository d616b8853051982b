package serve

import (
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

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
