package serve

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"fisherscope/sim"
)

// Defaults of the connection limits; a zero Config field means its default.
const (
	DefaultAuthTimeout = 10 * time.Second // from connect to successful authentication
	DefaultMaxUnauth   = 64               // connections not yet authenticated, all sources together
	DefaultMaxPerAddr  = 8                // open connections from one source address
)

// Window sizes (columns × rows) are clamped to [1, MaxWidth] × [1, MaxHeight]
// before they reach a session's program.
const (
	MaxWidth  = 500
	MaxHeight = 200
)

// quitGrace is how long a program has, once asked to quit (shutdown, time
// limit), to restore its client's terminal before its channel is closed;
// the client is told why within 2 s in all.
const quitGrace = 1500 * time.Millisecond

// Config configures a Server.
type Config struct {
	Listen         string        // address to listen on, e.g. 127.0.0.1:2222
	AuthorizedKeys string        // path of the authorized_keys file (required)
	StateDir       string        // directory of the host key (created 0700)
	MaxSessions    int           // concurrent sessions (≥ 1)
	Idle           time.Duration // a session without input is paused after Idle and closed after 2×Idle (0: never)
	MaxTime        time.Duration // absolute session limit (0: none)
	FPS            int           // redraws per second per session
	AuthTimeout    time.Duration // a connection not authenticated after this long is closed (0: DefaultAuthTimeout)
	MaxUnauth      int           // connections not yet authenticated, all sources (0: DefaultMaxUnauth)
	MaxPerAddr     int           // open connections per source address (0: DefaultMaxPerAddr)
	DataDir        string        // the only directory sessions read data=file: and start=file: from ("" : none)
	ExportQuota    int64         // bytes of exports per user under StateDir/exports (0: DefaultExportQuota)
	MaxMemory      int64         // memory budget of all sessions together, split evenly (0: sim.DefaultMaxMemory())
	Params         sim.Params    // the scenario each session starts with
	Logger         *slog.Logger  // structured log (nil: discard)
}

// RegisterLimitFlags registers --auth-timeout, --max-unauth and
// --max-per-addr, the connection limits, on fs.
func (c *Config) RegisterLimitFlags(fs *flag.FlagSet) {
	fs.DurationVar(&c.AuthTimeout, "auth-timeout", DefaultAuthTimeout, "close a connection that has not authenticated after this `DURATION`")
	fs.IntVar(&c.MaxUnauth, "max-unauth", DefaultMaxUnauth, "allow `N` connections not yet authenticated, all sources together; more are dropped")
	fs.IntVar(&c.MaxPerAddr, "max-per-addr", DefaultMaxPerAddr, "allow `N` open connections from one source address; more are dropped")
	fs.StringVar(&c.DataDir, "data-dir", "", "the only `DIR` sessions may read data and start files from (read-only; default: none)")
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

// withDefaults returns c with zero limits replaced by their defaults.
func (c Config) withDefaults() Config {
	if c.AuthTimeout == 0 {
		c.AuthTimeout = DefaultAuthTimeout
	}
	if c.MaxUnauth == 0 {
		c.MaxUnauth = DefaultMaxUnauth
	}
	if c.MaxPerAddr == 0 {
		c.MaxPerAddr = DefaultMaxPerAddr
	}
	if c.ExportQuota == 0 {
		c.ExportQuota = DefaultExportQuota
	}
	if c.MaxMemory == 0 {
		c.MaxMemory = sim.DefaultMaxMemory()
	}
	return c
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
	case c.AuthTimeout < 0 || c.AuthTimeout > time.Hour:
		return fmt.Errorf("serve: --auth-timeout %v outside (0, 1h]", c.AuthTimeout)
	case c.MaxUnauth < 0 || c.MaxUnauth > 100000:
		return fmt.Errorf("serve: --max-unauth %d outside [1, 100000]", c.MaxUnauth)
	case c.MaxPerAddr < 0 || c.MaxPerAddr > 100000:
		return fmt.Errorf("serve: --max-per-addr %d outside [1, 100000]", c.MaxPerAddr)
	case c.ExportQuota < 0:
		return errors.New("serve: --export-quota must be ≥ 0")
	}
	if c.DataDir != "" {
		if st, err := os.Stat(c.DataDir); err != nil || !st.IsDir() {
			return fmt.Errorf("serve: --data-dir %s is not a directory", c.DataDir)
		}
	}
	return c.Params.Validate()
}
