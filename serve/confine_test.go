package serve

import (
	"io"

	gossh "golang.org/x/crypto/ssh"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServedSessionConfined drives a real SSH session the way a hostile
// user would: server files by data=, start= and preset paths, exports, and
// parameters above the session caps. Nothing leaks, everything is refused
// with one line, and exports land in the user's own directory.
func TestServedSessionConfined(t *testing.T) {
	user := newSigner(t)
	data := t.TempDir()
	os.WriteFile(filepath.Join(data, "pts.csv"), []byte("0,0\n1,0\n0,1\n"), 0o644)
	outside := filepath.Join(t.TempDir(), "secret.csv")
	os.WriteFile(outside, []byte("7,7\n8,8\n9,9\n"), 0o644)
	os.Symlink(outside, filepath.Join(data, "link.csv")) // a link that leaves the data directory
	var state string
	addr, _, _ := start(t, user, 2, func(c *Config) { c.DataDir, c.ExportQuota = data, 1; state = c.StateDir })
	c := open(t, addr, user)
	defer c.close()
	c.waitFor(t, "particles · t=")
	cmd := func(line string) { io.WriteString(c.stdin, ":"+line+"\r") }
	cmd("data file:/etc/passwd")
	c.waitFor(t, "inside the data directory")
	cmd("start file:../../etc/shadow")
	c.waitFor(t, "start: file:../../etc/shadow: names are relative")
	cmd("preset /etc/os-release")
	c.waitFor(t, "built-in presets only")
	cmd("files")
	c.waitFor(t, "pts.csv")
	cmd("data file:link.csv")
	c.waitFor(t, "data: file:link.csv: no such file in the data directory")
	cmd("data file:pts.csv")
	c.waitFor(t, "data = file:pts.csv")
	cmd("probes 4096")
	c.waitFor(t, "above this server's limit 256")
	cmd("particles 70000")
	c.waitFor(t, "above this server's limit 65536")
	cmd("particles 2048")
	c.waitFor(t, "particles = 2048") // allowed: within the caps and the memory share
	io.WriteString(c.stdin, "e")
	c.waitFor(t, "exported exports/tester-")
	for _, bad := range []string{"root:", data, state} { // file contents, server paths
		if strings.Contains(c.output(), bad) {
			t.Errorf("the session saw %q", bad)
		}
	}
	m, _ := filepath.Glob(filepath.Join(state, "exports", "tester-*", "fisherscope-*.json"))
	if len(m) != 1 {
		t.Errorf("exports: %v", m)
	}
	time.Sleep(1100 * time.Millisecond) // a new export name
	io.WriteString(c.stdin, "e")
	c.waitFor(t, "export: quota reached")
}

// TestOneHostileAmongEight: eight sessions, one hostile (a silent renderer,
// a 5000×5000 window, parameters above every cap, the heaviest scenario its
// share allows). The server stays up and the seven others still answer a key
// within seconds.
func TestOneHostileAmongEight(t *testing.T) {
	user := newSigner(t)
	addr, _, _ := start(t, user, 8)
	bad := openWith(t, addr, user, clientOpts{w: 5000, h: 5000, silent: true})
	defer bad.close()
	// charmbracelet/ssh writes the pty's window without a lock while a
	// handler may read it (session.go: window-change vs Pty()): resize only
	// once the program runs, as the S2 test does.
	bad.waitFor(t, "particles")
	bad.sess.SendRequest("window-change", true, gossh.Marshal(struct{ W, H, PW, PH uint32 }{5000, 5000, 0, 0}))
	for _, line := range []string{"probes 4096", "repeats 1024", "dim 4096", "particles 65536", "steps 2000", "estimators hutchinson,hutch++,na-hutch++,xtrace"} {
		io.WriteString(bad.stdin, ":"+line+"\r")
	}
	io.WriteString(bad.stdin, strings.Repeat("MB", 10))
	var good []*client
	for i := 0; i < 7; i++ {
		c := open(t, addr, user)
		defer c.close()
		good = append(good, c)
	}
	for _, c := range good {
		c.waitFor(t, "particles · t=")
	}
	for _, c := range good {
		io.WriteString(c.stdin, "z")
		c.waitFor(t, "seed = 2")
	}
}
