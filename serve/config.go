package serve

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"fisherscope/sim"
)

// Config configures a Server.
type Config struct {
	Listen         string        // address to listen on, e.g. 127.0.0.1:2222
	AuthorizedKeys string        // path of the authorized_keys file (required)
	StateDir       string        // directory of the host key (created 0700)
	MaxSessions    int           // concurrent sessions (≥ 1)
	Idle           time.Duration // a session without input is paused after Idle and closed after 2×Idle (0: never)
	MaxTime        time.Duration // absolute session limit (0: none)
	FPS            int           // redraws per second per session
	Params         sim.Params    // the scenario each session starts with
	Logger         *slog.Logger  // structured log (nil: discard)
}

// DefaultStateDir returns $XDG_STATE_HOME/fisherscope or ~/.local/state/fisherscope.
func DefaultStateDir() string {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "fisherscope")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "fisherscope-state")
	}
	return filepath.Join(home, ".local", "state", "fisherscope")
}

// validate checks the configuration; every error names the flag.
func (c *Config) validate() error {
	switch {
	case c.AuthorizedKeys == "":
		return errors.New("serve: --authorized-keys is required (a file of allowed public keys, one per line); the server never runs without one")
	case c.Listen == "":
		return errors.New("serve: --listen is empty (e.g. 127.0.0.1:2222)")
	case c.MaxSessions < 1 || c.MaxSessions > 10000:
		return fmt.Errorf("serve: --max-sessions %d outside [1, 10000]", c.MaxSessions)
	case c.Idle < 0 || c.MaxTime < 0:
		return errors.New("serve: --idle and --max-time must be ≥ 0")
	case c.FPS < 1 || c.FPS > 120:
		return fmt.Errorf("serve: --fps %d outside [1, 120]", c.FPS)
	case c.StateDir == "":
		return errors.New("serve: --state-dir is empty")
	}
	return c.Params.Validate()
}

// parseAuthorizedKeys reads every key of an authorized_keys file. It reports
// every line that does not parse, not just the first.
func parseAuthorizedKeys(path string) ([]gossh.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("serve: --authorized-keys: %w", err)
	}
	var keys []gossh.PublicKey
	var bad []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, _, _, _, err := gossh.ParseAuthorizedKey([]byte(line))
		if err != nil {
			bad = append(bad, fmt.Sprintf("line %d: %v", n, err))
			continue
		}
		keys = append(keys, k)
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("serve: %s: unparsable lines: %s", path, strings.Join(bad, "; "))
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("serve: %s holds no public key", path)
	}
	return keys, nil
}
