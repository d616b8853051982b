package serve

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"fisherscope/sim"
)

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

func TestParseExpiry(t *testing.T) {
	for v, want := range map[string]time.Time{
		"20300102":        time.Date(2030, 1, 2, 0, 0, 0, 0, time.Local),
		"203001021530":    time.Date(2030, 1, 2, 15, 30, 0, 0, time.Local),
		"20300102153045Z": time.Date(2030, 1, 2, 15, 30, 45, 0, time.UTC),
	} {
		if got, err := parseExpiry(v); err != nil || !got.Equal(want) {
			t.Errorf("%s: %v, %v; want %v", v, got, err, want)
		}
	}
	for _, v := range []string{"", "2030", "2030010", "20301301", "tomorrow", "20300102Z1"} {
		if _, err := parseExpiry(v); err == nil {
			t.Errorf("%q accepted", v)
		}
	}
}

func TestMatchFrom(t *testing.T) {
	addr := func(s string) net.Addr { return &net.TCPAddr{IP: net.ParseIP(s), Port: 22} }
	cases := []struct {
		from, ip string
		ok       bool
	}{
		{"127.0.0.1", "127.0.0.1", true},
		{"10.0.0.0/8", "10.1.2.3", true},
		{"10.0.0.0/8", "11.1.2.3", false},
		{"192.168.1.?", "192.168.1.7", true},
		{"192.168.1.?", "192.168.1.17", false},
		{"*,!10.0.0.0/8", "10.9.9.9", false},
		{"*,!10.0.0.0/8", "8.8.8.8", true},
		{"::1", "::1", true},
		{"2001:db8::/32", "2001:db8::5", true},
		{"127.0.0.1", "::ffff:127.0.0.1", true},
		{"host.example.com", "127.0.0.1", false},
	}
	for _, c := range cases {
		pats, err := parseFrom(c.from)
		if err != nil {
			t.Fatalf("%s: %v", c.from, err)
		}
		if got := matchFrom(pats, addr(c.ip)); got != c.ok {
			t.Errorf("from=%q, %s: %v, want %v", c.from, c.ip, got, c.ok)
		}
	}
	for _, bad := range []string{"", "10.0.0.0/33", "1.2.3.4,", "[a"} {
		if _, err := parseFrom(bad); err == nil {
			t.Errorf("from=%q accepted", bad)
		}
	}
}

func TestKeyOptions(t *testing.T) {
	cases := map[string]struct {
		noPty bool
		bad   string
	}{
		"":                            {},
		"no-pty":                      {noPty: true},
		"restrict":                    {noPty: true},
		"restrict,pty":                {},
		"NO-PTY":                      {noPty: true},
		`from="127.0.0.1",no-user-rc`: {},
		`command="ls"`:                {bad: `option "command"`},
		"port-forwarding":             {bad: `option "port-forwarding"`},
		`environment="A=B"`:           {bad: `option "environment"`},
		`no-pty="yes"`:                {bad: `option "no-pty"`},
	}
	for opts, want := range cases {
		k, why := parseKeyLine(authLine(opts, newSigner(t)), 3)
		switch {
		case want.bad != "":
			if k != nil || !strings.Contains(why, want.bad) {
				t.Errorf("%s: %v %q", opts, k, why)
			}
		case k == nil || k.noPty != want.noPty || k.line != 3:
			t.Errorf("%s: %+v %q", opts, k, why)
		}
	}
}

// TestReadLineLong: a line longer than the limit is reported and dropped,
// and the lines after it are read whole.
func TestReadLineLong(t *testing.T) {
	in := strings.Repeat("x", 5000) + "\nshort\n" + strings.Repeat("y", 100)
	r := bufio.NewReaderSize(strings.NewReader(in), 16)
	var got []string
	for {
		line, long, err := readLine(r, 1000)
		if err == io.EOF && len(line) == 0 && !long {
			break
		}
		got = append(got, fmt.Sprintf("%d/%v", len(line), long))
	}
	if want := "0/true 5/false 100/false"; strings.Join(got, " ") != want {
		t.Errorf("lines %v, want %s", got, want)
	}
}
