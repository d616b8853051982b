package presets

import (
	"embed"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"fisherscope/sim"
)

//go:embed files/*.toml
var files embed.FS

// Default is the preset `go run .` opens.
const Default = "demo"

// Preset is a decoded scenario.
type Preset struct {
	Name        string
	Description string
	Params      sim.Params // base parameters (defaults overridden by [params])
	Sweep       []Axis     // optional sweep axes, outermost first
	Report      string     // optional: a table `run` prints instead of the run's (one of ReportNames)
	Source      string     // "embedded" or the file path
}

// Axis is one swept parameter and its values (text forms, as for --set).
type Axis struct {
	Key    string
	Values []string
}

// Info names and describes an embedded preset.
type Info struct{ Name, Description string }

// List returns the embedded presets sorted by name.
func List() ([]Info, error) {
	entries, err := fs.ReadDir(files, "files")
	if err != nil {
		return nil, err
	}
	var out []Info
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".toml")
		p, err := Load(name)
		if err != nil {
			return nil, err
		}
		out = append(out, Info{name, p.Description})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Source returns the TOML text of an embedded preset or of a file.
func Source(nameOrPath string) ([]byte, error) {
	if b, err := files.ReadFile(path.Join("files", nameOrPath+".toml")); err == nil {
		return b, nil
	}
	if strings.ContainsAny(nameOrPath, "/\\") || strings.HasSuffix(nameOrPath, ".toml") {
		b, err := readFile(nameOrPath)
		if err != nil {
			return nil, fmt.Errorf("preset: %w", err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("preset: unknown name %q (allowed: %s, or a path to a .toml file)", nameOrPath, strings.Join(names(), ", "))
}

// readFile reads a preset file of at most MaxSize bytes.
func readFile(name string) ([]byte, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(b) > MaxSize {
		return nil, fmt.Errorf("%s: larger than the limit of %d bytes", name, MaxSize)
	}
	return b, nil
}

// names returns the names of the embedded presets.
func names() []string {
	entries, _ := fs.ReadDir(files, "files")
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".toml"))
	}
	return out
}

// Load returns the embedded preset with that name, or reads a file when the
// argument contains a path separator or ends in .toml.
func Load(nameOrPath string) (*Preset, error) {
	b, err := Source(nameOrPath)
	if err != nil {
		return nil, err
	}
	src := "embedded"
	if _, e := files.ReadFile(path.Join("files", nameOrPath+".toml")); e != nil {
		src = nameOrPath
	}
	p, err := Parse(strings.TrimSuffix(path.Base(nameOrPath), ".toml"), b)
	if err != nil {
		return nil, err
	}
	p.Source = src
	return p, nil
}

// validateAll checks every combination of the sweep.
func (p *Preset) validateAll() error {
	for _, r := range p.Runs() {
		if err := r.Params.Validate(); err != nil {
			return fmt.Errorf("%s: %w", r.Label, err)
		}
	}
	return nil
}

// Run is one combination of a preset's sweep.
type Run struct {
	Label  string            // e.g. "schedule=vp data=moons" ("" without a sweep)
	Values map[string]string // the swept keys' values
	Params sim.Params
}

// Runs expands the sweep (a single run without one).
func (p *Preset) Runs() []Run {
	runs := []Run{{Params: p.Params, Values: map[string]string{}}}
	for _, ax := range p.Sweep {
		var next []Run
		for _, r := range runs {
			for _, v := range ax.Values {
				q := r.Params
				_ = q.Set(ax.Key, v) // validated in decodeSweep
				vals := map[string]string{ax.Key: v}
				for k, x := range r.Values {
					vals[k] = x
				}
				label := strings.TrimSpace(r.Label + " " + ax.Key + "=" + v)
				next = append(next, Run{Label: label, Values: vals, Params: q})
			}
		}
		runs = next
	}
	return runs
}

// ReportNames are the tables a preset's report key may ask `run` for: the
// paper's Table 2 (trace errors of the learned methods against the exact
// truth at six times) and Table 1 (their cost against the dimension).
func ReportNames() []string { return []string{"table1", "table2", "guidance"} }
