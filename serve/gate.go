package serve

import (
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// gate protects the listener before authentication: every connection must
// authenticate within timeout, at most maxUnauth connections may be
// unauthenticated at once, and at most maxPerAddr connections may be open
// from one source address. Connections over a cap are closed at once.
type gate struct {
	timeout    time.Duration
	maxUnauth  int
	maxPerAddr int
	log        *slog.Logger

	mu      sync.Mutex
	unauth  int
	perAddr map[netip.Addr]int
	conns   map[*gatedConn]struct{}
	closed  bool
}

// gatedConn is a connection counted by a gate.
type gatedConn struct {
	net.Conn
	g      *gate
	addr   netip.Addr
	timer  *time.Timer
	authed bool // guarded by g.mu
	gone   bool // guarded by g.mu: released
}

// gateKey is the connection-context key of a connection's *gatedConn (the
// connection itself, not an identity).
type gateKey struct{}

func newGate(cfg Config, log *slog.Logger) *gate {
	return &gate{timeout: cfg.AuthTimeout, maxUnauth: cfg.MaxUnauth, maxPerAddr: cfg.MaxPerAddr, log: log,
		perAddr: map[netip.Addr]int{}, conns: map[*gatedConn]struct{}{}}
}

// connCallback is the SSH server's ConnCallback: it admits c or returns nil
// (the server then closes c).
func (g *gate) connCallback(ctx ssh.Context, c net.Conn) net.Conn {
	addr := remoteIP(c.RemoteAddr())
	gc, why := g.admit(c, addr)
	if gc == nil {
		g.log.Warn("connection refused: "+why, "remote", c.RemoteAddr().String())
		return nil
	}
	ctx.SetValue(gateKey{}, gc)
	return gc
}

// admit counts c, or says which cap it would exceed.
func (g *gate) admit(c net.Conn, addr netip.Addr) (*gatedConn, string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case g.closed:
		return nil, "server shutting down"
	case g.unauth >= g.maxUnauth:
		return nil, "too many unauthenticated connections"
	case g.perAddr[addr] >= g.maxPerAddr:
		return nil, "too many connections from this address"
	}
	gc := &gatedConn{Conn: c, g: g, addr: addr}
	g.unauth++
	g.perAddr[addr]++
	g.conns[gc] = struct{}{}
	gc.timer = time.AfterFunc(g.timeout, gc.expire)
	return gc, ""
}

// serverConfig gives each connection an authentication log hook that marks
// it authenticated after a verified signature (a public-key query, which
// proves nothing, does not count).
func (g *gate) serverConfig(ctx ssh.Context) *gossh.ServerConfig {
	gc, _ := ctx.Value(gateKey{}).(*gatedConn)
	return &gossh.ServerConfig{AuthLogCallback: func(_ gossh.ConnMetadata, _ string, err error) {
		if err == nil && gc != nil {
			gc.authenticated()
		}
	}}
}

// authenticated stops the pre-authentication clock and uncounts the
// connection from the unauthenticated ones.
func (gc *gatedConn) authenticated() {
	gc.timer.Stop()
	g := gc.g
	g.mu.Lock()
	defer g.mu.Unlock()
	if !gc.authed && !gc.gone {
		gc.authed = true
		g.unauth--
	}
}

// expire closes a connection that has not authenticated in time.
func (gc *gatedConn) expire() {
	gc.g.mu.Lock()
	late := !gc.authed && !gc.gone
	gc.g.mu.Unlock()
	if late {
		gc.g.log.Warn("connection closed: not authenticated in time", "remote", gc.RemoteAddr().String(), "timeout", gc.g.timeout.String())
		gc.Close()
	}
}

// Close closes the connection and uncounts it.
func (gc *gatedConn) Close() error {
	err := gc.Conn.Close()
	gc.timer.Stop()
	g := gc.g
	g.mu.Lock()
	defer g.mu.Unlock()
	if gc.gone {
		return err
	}
	gc.gone = true
	if !gc.authed {
		g.unauth--
	}
	if g.perAddr[gc.addr]--; g.perAddr[gc.addr] <= 0 {
		delete(g.perAddr, gc.addr)
	}
	delete(g.conns, gc)
	return err
}

// close refuses new connections and closes every open one.
// closeUnauthenticated refuses new connections and closes those that have
// not authenticated, so that none finishes its handshake while the SSH
// server shuts down (charmbracelet/ssh counts a connection in a WaitGroup
// only after authentication, racing with its Shutdown's Wait).
func (g *gate) closeUnauthenticated() {
	g.mu.Lock()
	g.closed = true
	var open []*gatedConn
	for gc := range g.conns {
		if !gc.authed {
			open = append(open, gc)
		}
	}
	g.mu.Unlock()
	for _, gc := range open {
		gc.Close()
	}
}

// close refuses new connections and closes every open one.
func (g *gate) close() {
	g.mu.Lock()
	g.closed = true
	open := make([]*gatedConn, 0, len(g.conns))
	for gc := range g.conns {
		open = append(open, gc)
	}
	g.mu.Unlock()
	for _, gc := range open {
		gc.Close()
	}
}

// remoteIP returns the address part of a, or the zero Addr.
func remoteIP(a net.Addr) netip.Addr {
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}
