package serve

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/ssh"

	"fisherscope/sim"
	"fisherscope/tui"
)

// DefaultExportQuota is the room each user's export directory may fill.
const DefaultExportQuota = 64 << 20

// SessionCaps are the sizes one served session may ask for (below the
// engine's own ranges); the memory budget is the server's split evenly
// between --max-sessions.
func SessionCaps() sim.Limits {
	return sim.Limits{MaxParticles: 65536, MaxDim: 256, MaxProbes: 256, MaxRepeats: 64, MaxSteps: 2000, MaxN: 16384,
		MaxNetSteps: 5000, MaxNetWidth: 256, MaxNetDepth: 4, MaxNetBatch: 1024}
}

// sessionOptions confine a session: its engine limits, the data directory
// it reads from, and its own export directory with a quota.
func (s *Server) sessionOptions(sess ssh.Session) tui.Options {
	lim := SessionCaps()
	lim.MaxMemory = max(s.cfg.MaxMemory/int64(s.cfg.MaxSessions), 1) // never 0, which would mean "the default"
	lim.Files = noFiles{}
	if s.dataRoot != nil {
		lim.Files = s.dataRoot.FS() // os.Root: no path, not even a symbolic link, leads out
	}
	user := userDir(sess)
	return tui.Options{FPS: s.cfg.FPS, Idle: s.cfg.Idle, Limits: lim, Served: true,
		ExportDir: filepath.Join(s.cfg.StateDir, "exports", user), ExportShown: filepath.Join("exports", user),
		ExportQuota: s.cfg.ExportQuota}
}

// userDir names a user's export directory: the login name (letters, digits,
// '-' and '_' only) and the start of the key's SHA-256, so that two keys of
// one name do not share files.
func userDir(sess ssh.Session) string {
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return -1
	}, sess.User())
	if len(name) > 32 {
		name = name[:32]
	}
	sum := "nokey"
	if k := sess.PublicKey(); k != nil {
		h := sha256.Sum256(k.Marshal())
		sum = hex.EncodeToString(h[:6])
	}
	return strings.TrimPrefix(name+"-"+sum, "-")
}

// noFiles is the file system of a server without --data-dir: empty.
type noFiles struct{}

// Open implements fs.FS: nothing exists.
func (noFiles) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}
