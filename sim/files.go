package sim

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
)

// maxDataFile is the largest file data=file: or start=file: reads (a CSV of
// model.MaxPoints points fits easily).
const maxDataFile = 256 << 20

// openFile opens a file named by a file: value: from the local file system
// when files is nil, else from files, where the name must be a relative path
// that stays inside (fs.ValidPath; a served session's files is an os.Root's
// file system, which also refuses symbolic links that leave it). Confined errors give the name as typed
// and nothing about the server's file system.
func openFile(files fs.FS, name string) (io.ReadCloser, error) {
	if files == nil {
		fh, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		return readCloser{io.LimitReader(fh, maxDataFile), fh}, nil
	}
	clean := strings.TrimPrefix(path.Clean("/"+name), "/")
	if !fs.ValidPath(name) || clean != name {
		return nil, fmt.Errorf("file:%s: names are relative paths inside the data directory (see `:files`)", name)
	}
	// Stat first: opening a FIFO would block.
	if st, err := fs.Stat(files, name); err != nil {
		return nil, fmt.Errorf("file:%s: no such file in the data directory (see `:files`)", name)
	} else if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("file:%s: not a regular file in the data directory", name)
	}
	fh, err := files.Open(name)
	if err != nil {
		return nil, fmt.Errorf("file:%s: no such file in the data directory (see `:files`)", name)
	}
	return readCloser{io.LimitReader(fh, maxDataFile), fh}, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

var lineRef = regexp.MustCompile(`line \d+`)

// fileErr returns a parse error as it may be shown: in full for local files,
// reduced to its line number when confined (it may quote the file).
func fileErr(files fs.FS, err error) error {
	if files == nil {
		return err
	}
	if l := lineRef.FindString(err.Error()); l != "" {
		return fmt.Errorf("%s: not a CSV of finite points", l)
	}
	return errors.New("not a CSV of finite points")
}

// maxListed bounds DataFiles.
const maxListed = 200

// DataFiles lists the regular files under files (relative paths, sorted, at
// most 200, three levels deep), for a served session's `:files`.
func DataFiles(files fs.FS) ([]string, error) {
	var out []string
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable entries are skipped
		}
		if d.IsDir() && strings.Count(p, "/") >= 2 {
			return fs.SkipDir
		}
		if d.Type().IsRegular() {
			out = append(out, p)
		}
		if len(out) >= maxListed {
			return fs.SkipAll
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}
