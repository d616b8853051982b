package serve

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path"
	"runtime"
	"strings"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// maxKeyLine is the longest authorized_keys line read; a longer one is
// skipped with a warning and the lines after it are still read.
const maxKeyLine = 1 << 20

// authorizedKey is one usable line of the authorized_keys file with the
// options it carries.
type authorizedKey struct {
	key    gossh.PublicKey
	line   int
	from   []string  // from= source patterns; nil: any address
	expiry time.Time // expiry-time=; zero: never
	noPty  bool      // no-pty (or restrict without pty): no session may open
}

// keyOptions accumulates a line's options before they become an authorizedKey.
type keyOptions struct {
	from                   []string
	expiry                 time.Time
	noPty, restrict, allow bool
}

// harmlessOptions are restrictions the server meets by construction: it
// offers no port, agent or X11 forwarding and runs no rc files.
var harmlessOptions = map[string]bool{
	"no-port-forwarding": true, "no-agent-forwarding": true, "no-x11-forwarding": true, "no-user-rc": true,
}

// loadAuthorizedKeys reads path. Every line that cannot be used (bad key,
// unsupported option, over 1 MiB) is skipped with a warning naming its line
// number; it fails only when the file cannot be read or no key is usable,
// then listing why each line was skipped.
func loadAuthorizedKeys(path string, log *slog.Logger) ([]authorizedKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("serve: --authorized-keys: %w", err)
	}
	defer f.Close()
	warnWritable(f, path, log)
	keys, bad, err := readAuthorizedKeys(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("serve: --authorized-keys %s: %w", path, err)
	}
	for _, b := range bad {
		log.Warn("authorized_keys line skipped", "file", path, "why", b)
	}
	if len(keys) == 0 {
		if len(bad) > 0 {
			return nil, fmt.Errorf("serve: %s holds no usable public key: %s", path, strings.Join(bad, "; "))
		}
		return nil, fmt.Errorf("serve: %s holds no public key", path)
	}
	return keys, nil
}

// warnWritable logs a warning when group or others may write the file:
// whoever can write it can log in.
func warnWritable(f *os.File, path string, log *slog.Logger) {
	st, err := f.Stat()
	if err != nil || runtime.GOOS == "windows" {
		return
	}
	if st.Mode().Perm()&0o022 != 0 {
		log.Warn("authorized_keys is writable by group or others: whoever can write it can log in", "file", path, "mode", st.Mode().Perm().String())
	}
}

// readAuthorizedKeys parses every line of r, returning the usable keys and,
// for each skipped line, "line N: why".
func readAuthorizedKeys(r *bufio.Reader) (keys []authorizedKey, bad []string, err error) {
	for n := 1; ; n++ {
		line, long, err := readLine(r, maxKeyLine)
		if err == io.EOF && len(line) == 0 && !long {
			return keys, bad, nil
		}
		if err != nil && err != io.EOF {
			return nil, nil, err
		}
		if long {
			bad = append(bad, fmt.Sprintf("line %d: longer than %d bytes", n, maxKeyLine))
			continue
		}
		k, why := parseKeyLine(strings.TrimSpace(string(line)), n)
		switch {
		case why != "":
			bad = append(bad, fmt.Sprintf("line %d: %s", n, why))
		case k != nil:
			keys = append(keys, *k)
		}
	}
}

// readLine reads a whole line of any length without its newline, keeping at
// most max bytes; long reports that the line was longer (and was dropped).
func readLine(r *bufio.Reader, max int) (line []byte, long bool, err error) {
	for {
		chunk, more, err := r.ReadLine()
		if len(line)+len(chunk) > max {
			long, line = true, nil
		} else if !long {
			line = append(line, chunk...)
		}
		if err != nil || !more {
			return line, long, err
		}
	}
}

// parseKeyLine parses one trimmed line: nil for blanks and comments, or why
// the line cannot be used.
func parseKeyLine(line string, n int) (*authorizedKey, string) {
	if line == "" || strings.HasPrefix(line, "#") {
		return nil, ""
	}
	key, _, options, _, err := gossh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		return nil, err.Error()
	}
	var o keyOptions
	for _, opt := range options {
		if err := o.apply(opt); err != nil {
			return nil, err.Error() + "; key skipped"
		}
	}
	return &authorizedKey{key: key, line: n, from: o.from, expiry: o.expiry, noPty: o.noPty || (o.restrict && !o.allow)}, ""
}

// apply honours one option or says why it cannot be honoured.
func (o *keyOptions) apply(opt string) error {
	name, value, hasValue := strings.Cut(opt, "=")
	name = strings.ToLower(name)
	switch {
	case name == "from" && hasValue:
		pats, err := parseFrom(unquote(value))
		o.from = append(o.from, pats...)
		return err
	case name == "expiry-time" && hasValue:
		t, err := parseExpiry(unquote(value))
		o.expiry = t
		return err
	case name == "no-pty" && !hasValue:
		o.noPty = true
	case name == "restrict" && !hasValue:
		o.restrict = true
	case name == "pty" && !hasValue:
		o.allow = true
	case harmlessOptions[name] && !hasValue:
	default:
		return fmt.Errorf("option %q is not supported by fisherscope serve", name)
	}
	return nil
}

// unquote strips the double quotes of an option value and its \" escapes.
func unquote(v string) string {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	return strings.ReplaceAll(v, `\"`, `"`)
}

// parseFrom checks a from= list: addresses, CIDR prefixes or wildcard
// patterns (* and ?), each optionally negated with !. Host names are not
// looked up, so a pattern only ever matches the client's address.
func parseFrom(v string) ([]string, error) {
	var pats []string
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		bare := strings.TrimPrefix(p, "!")
		if bare == "" {
			return nil, fmt.Errorf("from=%q: empty pattern", v)
		}
		if strings.Contains(bare, "/") {
			if _, err := netip.ParsePrefix(bare); err != nil {
				return nil, fmt.Errorf("from=%q: %v", v, err)
			}
		} else if _, err := path.Match(bare, ""); err != nil {
			return nil, fmt.Errorf("from=%q: bad pattern %q", v, bare)
		}
		pats = append(pats, p)
	}
	return pats, nil
}

// parseExpiry parses an expiry-time= value, YYYYMMDD[HHMM[SS]], in local
// time or, with a trailing Z, in UTC.
func parseExpiry(v string) (time.Time, error) {
	loc := time.Local
	if s, ok := strings.CutSuffix(v, "Z"); ok {
		v, loc = s, time.UTC
	}
	layouts := map[int]string{8: "20060102", 12: "200601021504", 14: "20060102150405"}
	layout, ok := layouts[len(v)]
	if !ok {
		return time.Time{}, fmt.Errorf("expiry-time=%q: want YYYYMMDD[HHMM[SS]][Z]", v)
	}
	t, err := time.ParseInLocation(layout, v, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("expiry-time=%q: %v", v, err)
	}
	return t, nil
}

// permits says why this line does not let key-holders in from addr at now,
// or "" when it does.
func (k *authorizedKey) permits(addr net.Addr, now time.Time) string {
	if !k.expiry.IsZero() && !now.Before(k.expiry) {
		return fmt.Sprintf("key expired at %s (authorized_keys line %d)", k.expiry.Format(time.RFC3339), k.line)
	}
	if k.from != nil && !matchFrom(k.from, addr) {
		return fmt.Sprintf("source address not allowed by from= (authorized_keys line %d)", k.line)
	}
	return ""
}

// matchFrom reports whether addr matches a positive pattern and no negated one.
func matchFrom(pats []string, addr net.Addr) bool {
	ip := remoteIP(addr)
	if !ip.IsValid() {
		return false
	}
	ok := false
	for _, p := range pats {
		bare, neg := strings.CutPrefix(p, "!")
		if matchAddr(bare, ip) {
			if neg {
				return false
			}
			ok = true
		}
	}
	return ok
}

// matchAddr matches one CIDR prefix or wildcard pattern against ip.
func matchAddr(p string, ip netip.Addr) bool {
	if strings.Contains(p, "/") {
		pre, err := netip.ParsePrefix(p)
		return err == nil && pre.Contains(ip)
	}
	m, _ := path.Match(p, ip.String())
	return m
}

// findKey returns the first line that lets key in from addr at now, or why
// none does.
func findKey(keys []authorizedKey, key gossh.PublicKey, addr net.Addr, now time.Time) (*authorizedKey, error) {
	why := "key not in authorized_keys"
	for i := range keys {
		k := &keys[i]
		if !ssh.KeysEqual(k.key, key) {
			continue
		}
		if w := k.permits(addr, now); w != "" {
			why = w
			continue
		}
		return k, nil
	}
	return nil, errors.New(why)
}
