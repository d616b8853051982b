package presets

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"fisherscope/sim"
)

// Parse decodes a preset strictly. name is used in error messages, which
// are one line naming the line of the offending key.
func Parse(name string, data []byte) (*Preset, error) {
	p, err := parse(name, data)
	if err != nil {
		return nil, fmt.Errorf("preset %s: %w", name, err)
	}
	return p, nil
}

// parse is Parse without the preset's name in errors.
func parse(name string, data []byte) (*Preset, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%d bytes, more than the limit of %d", len(data), MaxSize)
	}
	if err := checkNesting(data); err != nil {
		return nil, err
	}
	var top map[string]toml.Primitive
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&top)
	if err != nil {
		return nil, tomlError(err)
	}
	d := decoder{md: &md, p: &Preset{Name: name, Params: sim.Defaults()}}
	for _, k := range children(&md) {
		if err := d.top(k, top[k]); err != nil {
			return nil, tomlError(err)
		}
	}
	if err := d.p.checkSize(); err != nil {
		return nil, err
	}
	if err := d.p.validateAll(); err != nil {
		return nil, err
	}
	return d.p, nil
}

// tomlError turns the decoder's error into one line naming the line.
func tomlError(err error) error {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		return err
	}
	msg := pe.Message
	if strings.Contains(msg, "out of range for int64") {
		msg += ` (TOML integers are 64-bit signed: give larger ones as strings, e.g. seed = "18446744073709551615")`
	}
	return fmt.Errorf("line %d: %s", pe.Position.Line, msg)
}

// children returns the names of the keys directly under prefix, in the
// order they first appear in the file.
func children(md *toml.MetaData, prefix ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range md.Keys() {
		if len(k) <= len(prefix) || !hasPrefix(k, prefix) || seen[k[len(prefix)]] {
			continue
		}
		seen[k[len(prefix)]] = true
		out = append(out, k[len(prefix)])
	}
	return out
}

// hasPrefix reports whether k starts with prefix (k is longer).
func hasPrefix(k toml.Key, prefix []string) bool {
	for i, p := range prefix {
		if k[i] != p {
			return false
		}
	}
	return true
}

// decoder fills a preset from decoded TOML. Each value is decoded with
// MetaData.PrimitiveDecode into a valueFunc, so that any error it returns
// comes back from the TOML decoder with the line of its own key.
type decoder struct {
	md *toml.MetaData
	p  *Preset
}

// valueFunc decodes one TOML value (string, int64, float64, bool,
// time.Time, []any or map[string]any).
type valueFunc func(v any) error

// UnmarshalTOML implements toml.Unmarshaler.
func (f valueFunc) UnmarshalTOML(v any) error { return f(v) }

// top decodes the top-level key k.
func (d *decoder) top(k string, prim toml.Primitive) error {
	switch k {
	case "description":
		return d.md.PrimitiveDecode(prim, valueFunc(func(v any) error {
			s, ok := v.(string)
			if !ok {
				return fmt.Errorf("description: want a string, got %s", kind(v))
			}
			d.p.Description = strings.TrimSpace(s)
			return nil
		}))
	case "report":
		return d.md.PrimitiveDecode(prim, valueFunc(func(v any) error {
			s, ok := v.(string)
			if !ok || !slices.Contains(ReportNames(), s) {
				return fmt.Errorf("report: want one of %s, got %v", strings.Join(ReportNames(), ", "), v)
			}
			d.p.Report = s
			return nil
		}))
	case "params":
		return d.table(k, prim, d.param)
	case "sweep":
		return d.table(k, prim, d.axis)
	}
	return d.md.PrimitiveDecode(prim, valueFunc(func(any) error {
		return fmt.Errorf("unknown key %q (allowed top level: description, report, [params], [sweep])", k)
	}))
}

// table decodes the table name, calling each for its keys in file order.
func (d *decoder) table(name string, prim toml.Primitive, each func(key string) valueFunc) error {
	err := d.md.PrimitiveDecode(prim, valueFunc(func(v any) error {
		if _, ok := v.(map[string]any); !ok {
			return fmt.Errorf("%s: want a table ([%s]), got %s", name, name, kind(v))
		}
		return nil
	}))
	if err != nil {
		return err
	}
	var tbl map[string]toml.Primitive
	if err := d.md.PrimitiveDecode(prim, &tbl); err != nil {
		return err
	}
	for _, k := range children(d.md, name) {
		if err := d.md.PrimitiveDecode(tbl[k], each(k)); err != nil {
			return err
		}
	}
	return nil
}

// param decodes [params] key into the preset's parameters.
func (d *decoder) param(key string) valueFunc {
	return func(v any) error {
		s, err := text(v, true)
		if err == nil {
			err = d.p.Params.Set(key, s)
		}
		if err != nil {
			return fmt.Errorf("params.%s: %w", key, err)
		}
		return nil
	}
}

// axis decodes [sweep] key into a sweep axis.
func (d *decoder) axis(key string) valueFunc {
	return func(v any) error {
		if err := d.axisValues(key, v); err != nil {
			return fmt.Errorf("sweep.%s: %w", key, err)
		}
		return nil
	}
}

// axisValues checks every value of a sweep axis and appends the axis.
func (d *decoder) axisValues(key string, v any) error {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return fmt.Errorf("want a non-empty list of values, got %s", kind(v))
	}
	ax := Axis{Key: key}
	for i, e := range list {
		s, err := text(e, true)
		if err == nil {
			q := d.p.Params
			err = q.Set(key, s)
		}
		if err != nil {
			return fmt.Errorf("value %d: %w", i+1, err)
		}
		ax.Values = append(ax.Values, s)
	}
	d.p.Sweep = append(d.p.Sweep, ax)
	return nil
}

// checkSize refuses a sweep of more than MaxRuns runs.
func (p *Preset) checkSize() error {
	n := 1.0
	lens := make([]string, len(p.Sweep))
	for i, ax := range p.Sweep {
		n *= float64(len(ax.Values))
		lens[i] = strconv.Itoa(len(ax.Values))
	}
	if n > MaxRuns {
		return fmt.Errorf("sweep: %s = %s runs, more than the limit of %d", strings.Join(lens, " × "), strconv.FormatFloat(n, 'f', -1, 64), MaxRuns)
	}
	return nil
}

// text converts a decoded TOML value to the text form Params.Set takes: a
// string, number or boolean, or (when list is true) a list of them joined
// with commas. Anything else, a nested list included, is an error.
func text(v any, list bool) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", fmt.Errorf("%v is not a finite number", x)
		}
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case bool:
		return strconv.FormatBool(x), nil
	case []any:
		if list {
			return joinText(x)
		}
	}
	if list {
		return "", fmt.Errorf("want a string, number or boolean or a list of them, got %s", kind(v))
	}
	return "", fmt.Errorf("want a string, number or boolean, got %s", kind(v))
}

// joinText joins a list of scalars with commas.
func joinText(list []any) (string, error) {
	parts := make([]string, len(list))
	for i, e := range list {
		s, err := text(e, false)
		if err != nil {
			return "", fmt.Errorf("list element %d: %w", i+1, err)
		}
		parts[i] = s
	}
	return strings.Join(parts, ","), nil
}

// kind names the TOML type of a decoded value for error messages.
func kind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case time.Time:
		return "a date-time"
	case []any:
		return "a list"
	case map[string]any:
		return "a table"
	case []map[string]any:
		return "an array of tables"
	}
	return fmt.Sprintf("%T", v)
}
