package serve

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"runtime"
)

// secureHostKey makes sure the host key file, if it exists, is readable by
// its owner only: a wider mode is logged and fixed to 0600, and the server
// refuses to start when it cannot be fixed.
func secureHostKey(path string, log *slog.Logger) error {
	if runtime.GOOS == "windows" {
		return nil // no Unix permission bits to check
	}
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // created below with mode 0600
	}
	if err != nil {
		return fmt.Errorf("serve: host key: %w", err)
	}
	if st.Mode().Perm()&0o077 == 0 {
		return nil
	}
	log.Warn("host key readable by group or others: mode set to 0600", "file", path, "mode", st.Mode().Perm().String())
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("serve: host key %s is readable by group or others and its mode cannot be fixed: %w", path, err)
	}
	return nil
}
