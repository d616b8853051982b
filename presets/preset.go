package presets

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

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
		b, err := os.ReadFile(nameOrPath)
		if err != nil {
			return nil, fmt.Errorf("preset: %w", err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("preset: unknown name %q (allowed: %s, or a path to a .toml file)", nameOrPath, strings.Join(names(), ", "))
}

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

// file is the TOML layout of a preset.
type file struct {
	Description string         `toml:"description"`
	Params      map[string]any `toml:"params"`
	Sweep       map[string]any `toml:"sweep"`
}

// Parse decodes a preset strictly. name is used in error messages.
func Parse(name string, data []byte) (*Preset, error) {
	var f file
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&f)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("preset %s: line %d: %s", name, pe.Position.Line, pe.Message)
		}
		return nil, fmt.Errorf("preset %s: %w", name, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		k := und[0].String()
		return nil, fmt.Errorf("preset %s: line %d: unknown key %q (allowed top level: description, [params], [sweep])", name, lineOf(data, und[0][len(und[0])-1]), k)
	}
	p := &Preset{Name: name, Description: strings.TrimSpace(f.Description), Params: sim.Defaults()}
	for _, k := range slices.Sorted(maps.Keys(f.Params)) {
		v, err := text(f.Params[k])
		if err == nil {
			err = p.Params.Set(k, v)
		}
		if err != nil {
			return nil, fmt.Errorf("preset %s: line %d: params.%s: %w", name, lineOf(data, k), k, err)
		}
	}
	if err := p.decodeSweep(data, f.Sweep); err != nil {
		return nil, err
	}
	if err := p.validateAll(); err != nil {
		return nil, fmt.Errorf("preset %s: %w", name, err)
	}
	return p, nil
}

// decodeSweep reads the [sweep] table in file order.
func (p *Preset) decodeSweep(data []byte, sw map[string]any) error {
	keys := slices.Sorted(maps.Keys(sw))
	sort.SliceStable(keys, func(i, j int) bool { return lineOf(data, keys[i]) < lineOf(data, keys[j]) })
	for _, k := range keys {
		list, ok := sw[k].([]any)
		if !ok || len(list) == 0 {
			return fmt.Errorf("preset %s: line %d: sweep.%s: want a non-empty list of values", p.Name, lineOf(data, k), k)
		}
		ax := Axis{Key: k}
		for _, v := range list {
			s, err := text(v)
			if err == nil {
				q := p.Params
				err = q.Set(k, s)
			}
			if err != nil {
				return fmt.Errorf("preset %s: line %d: sweep.%s: %w", p.Name, lineOf(data, k), k, err)
			}
			ax.Values = append(ax.Values, s)
		}
		p.Sweep = append(p.Sweep, ax)
	}
	return nil
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

// text converts a decoded TOML value to the text form Params.Set takes.
func text(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case bool:
		return strconv.FormatBool(x), nil
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			s, err := text(e)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return strings.Join(parts, ","), nil
	}
	return "", fmt.Errorf("unsupported value %v of type %T", v, v)
}

// lineOf returns the first line (1-based) that assigns key, or 0.
func lineOf(data []byte, key string) int {
	for i, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, key) {
			rest := strings.TrimSpace(strings.TrimPrefix(l, key))
			if strings.HasPrefix(rest, "=") {
				return i + 1
			}
		}
	}
	return 0
}
