package presets

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestEveryEmbeddedPresetLoads(t *testing.T) {
	list, err := List()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"checkerboard-nll", "demo", "guidance", "hutchpp-lowrank", "qr-refresh", "table1", "table2", "table3", "table3-exact"}
	var got []string
	for _, i := range list {
		got = append(got, i.Name)
		if i.Description == "" {
			t.Errorf("%s has no description", i.Name)
		}
		p, err := Load(i.Name)
		if err != nil {
			t.Fatalf("%s: %v", i.Name, err)
		}
		for _, r := range p.Runs() {
			if err := r.Params.Validate(); err != nil {
				t.Errorf("%s %s: %v", i.Name, r.Label, err)
			}
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("presets %v, want %v", got, want)
	}
	p, _ := Load("table3")
	if n := len(p.Runs()); n != 12 {
		t.Errorf("table3 has %d runs, want 12", n)
	}
	if r := p.Runs()[0]; r.Params.Schedule != "sd-ve" || r.Params.Data != "gaussian" {
		t.Errorf("first table3 run: %s", r.Label)
	}
}

func TestMalformedPresets(t *testing.T) {
	cases := map[string]struct{ src, want string }{
		"unknown top key":   {"description = \"x\"\nbogus = 1\n", "line 2"},
		"unknown param":     {"description = \"x\"\n[params]\nschedule = \"vp\"\nwarp = 9\n", "line 4"},
		"bad value":         {"[params]\nparticles = -5\n", "line 2"},
		"bad type":          {"[params]\nschedule = 3\n", "schedule"},
		"syntax":            {"[params\n", "line "},
		"bad sweep":         {"[sweep]\nschedule = \"vp\"\n", "list"},
		"bad sweep value":   {"[sweep]\nschedule = [\"vp\", \"warp\"]\n", "allowed"},
		"invalid relation":  {"[params]\nsolver = \"rk4\"\njacobian = \"ddim\"\n", "jacobian"},
		"estimator unknown": {"[params]\nestimators = [\"magic\"]\n", "estimators"},
	}
	for name, c := range cases {
		_, err := Parse("bad", []byte(c.src))
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "preset bad") {
			t.Errorf("%s: error %q lacks %q", name, err, c.want)
		}
	}
}

func TestLoadFromFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mine.toml")
	os.WriteFile(path, []byte("description = \"mine\"\n[params]\nparticles = 7\nestimators = \"none\"\n"), 0o644)
	p, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if p.Params.Particles != 7 || len(p.Params.Estimators) != 0 || p.Source != path {
		t.Errorf("loaded %+v", p)
	}
	if _, err := Load(filepath.Join(dir, "missing.toml")); err == nil {
		t.Error("missing file accepted")
	}
	if _, err := Load("no-such-preset"); err == nil || !strings.Contains(err.Error(), "demo") {
		t.Errorf("unknown preset error: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, n := range []string{"demo", "table3", "qr-refresh"} {
		b, _ := Source(n)
		f.Add(b)
	}
	f.Add([]byte("[params]\nparticles = 1e400\n"))
	f.Add([]byte("a = [{b = \"\"\"]\"\"\"}]\n[sweep]\nprobes = [1, 2]\n"))
	f.Add([]byte("[params]\nestimators = [[\"hutchinson\"]]\nseed = \"18446744073709551615\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("fuzz", data)
		if err != nil {
			return
		}
		for _, r := range p.Runs() {
			if err := r.Params.Validate(); err != nil {
				t.Fatalf("accepted preset has invalid run %s: %v", r.Label, err)
			}
		}
	})
}

// TestErrorsNameTheirLine checks that an error names the line of the
// offending key itself, not of its table's header or of a key of the same
// name elsewhere.
func TestErrorsNameTheirLine(t *testing.T) {
	cases := map[string]struct{ src, want string }{
		"sweep value":        {"[params]\nprobes = 6\n\n[sweep]\nprobes = [6, 0]\n", "line 5: sweep.probes"},
		"params key":         {"description = \"\"\"\nwarp = 1\n\"\"\"\n[params]\n# a comment\nschedule = \"vp\"\n\nwarp = 9\n", "line 8: params.warp"},
		"params value":       {"[params]\nschedule = \"vp\"\nparticles = 8\nsteps = 0\n", "line 4: params.steps"},
		"inline table":       {"description = \"x\"\nparams = { probes = 6, warp = 1 }\n", "line 2: params.warp"},
		"dotted key":         {"description = \"x\"\n\nparams.probes = 0\n", "line 3: params.probes"},
		"sweep after params": {"[sweep]\nschedule = [\"vp\"]\n[params]\nschedule = \"warp\"\n", "line 4: params.schedule"},
		"unknown top key":    {"description = \"x\"\n[params]\nprobes = 6\n[extra]\nprobes = 1\n", "line 4: unknown key \"extra\""},
	}
	for name, c := range cases {
		_, err := Parse("bad", []byte(c.src))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
}

// TestValuesOfTheWrongKind checks that every value of the wrong kind is an
// error naming its key and line; none is silently dropped or flattened.
func TestValuesOfTheWrongKind(t *testing.T) {
	cases := map[string]struct{ src, want string }{
		"nested list":       {"[params]\nestimators = [[[\"hutchinson\"]]]\n", "line 2: params.estimators"},
		"list in list":      {"[params]\nschedule = \"vp\"\nestimators = [[\"hutchinson\"]]\n", "line 3: params.estimators"},
		"params not table":  {"description = \"x\"\nparams = 5\n", "line 2: params: want a table"},
		"sweep not table":   {"sweep = [\"vp\"]\n", "line 1: sweep: want a table"},
		"array of tables":   {"[[params]]\nprobes = 6\n", "line 1: params: want a table"},
		"table as value":    {"[params]\nprobes = 6\n[params.solver]\nname = \"rk4\"\n", "line 3: params.solver"},
		"inline as value":   {"[params]\nsolver = { name = \"rk4\" }\n", "line 2: params.solver"},
		"date":              {"[params]\nseed = 1979-05-27\n", "line 2: params.seed"},
		"nan":               {"[params]\nsigma_max = nan\n", "line 2: params.sigma_max"},
		"description":       {"description = 5\n", "line 1: description"},
		"sweep nested list": {"[sweep]\nestimators = [[[\"hutchinson\"]]]\n", "line 2: sweep.estimators"},
		"sweep not list":    {"[sweep]\n\nprobes = 6\n", "line 3: sweep.probes"},
		"sweep empty list":  {"[sweep]\nprobes = []\n", "line 2: sweep.probes"},
		"sweep table":       {"[sweep.probes]\nx = 1\n", "line 1: sweep.probes"},
	}
	for name, c := range cases {
		_, err := Parse("bad", []byte(c.src))
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %q, want one line containing %q", name, err, c.want)
		}
	}
	p, err := Parse("ok", []byte("[sweep]\nestimators = [[\"hutchinson\"], [\"hutch++\", \"xtrace\"], \"none\"]\n"))
	if err != nil || len(p.Sweep) != 1 || strings.Join(p.Sweep[0].Values, " ") != "hutchinson hutch++,xtrace none" {
		t.Errorf("sweep of estimator lists: %v %+v", err, p)
	}
}

// TestLargeSeed checks that a seed up to 2^64−1 can be given (as a string:
// TOML integers are int64) and that a bare one says how.
func TestLargeSeed(t *testing.T) {
	p, err := Parse("seed", []byte("[params]\nseed = \"18446744073709551615\"\n[sweep]\nseed = [\"9223372036854775808\", 1]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Params.Seed != math.MaxUint64 || p.Runs()[0].Params.Seed != 1<<63 {
		t.Errorf("seeds %d and %d", p.Params.Seed, p.Runs()[0].Params.Seed)
	}
	_, err = Parse("seed", []byte("[params]\nseed = 18446744073709551615\n"))
	if err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), `seed = "18446744073709551615"`) {
		t.Errorf("bare 2^64−1: %v", err)
	}
	for _, bad := range []string{"-1", `"-1"`, `"18446744073709551616"`} {
		if _, err := Parse("seed", []byte("[params]\nseed = "+bad+"\n")); err == nil || !strings.Contains(err.Error(), "line 2: params.seed") {
			t.Errorf("seed = %s: %v", bad, err)
		}
	}
}

// TestLimits checks the size, nesting and sweep limits: each is refused
// quickly with one line.
func TestLimits(t *testing.T) {
	deep := 20000
	cases := map[string]struct{ src, want string }{
		"size":          {"description = \"x\"\n" + strings.Repeat("#", MaxSize), "limit of 1048576"},
		"arrays":        {"[params]\nestimators = " + strings.Repeat("[", deep) + strings.Repeat("]", deep) + "\n", "line 2: nesting deeper than 16"},
		"inline tables": {"[params]\nx = " + strings.Repeat("{a=", deep) + "1" + strings.Repeat("}", deep) + "\n", "line 2: nesting deeper than 16"},
		"mixed":         {"a = [{b = [{c = [{d = [{e = [{f = [{g = [{h = [{i = [1]}]}]}]}]}]}]}]}]\n", "line 1: nesting deeper than 16"},
		"dotted key":    {strings.Repeat("a.", deep) + "a = 1\n", "line 1: nesting deeper than 16"},
		"dotted header": {"\n[" + strings.Repeat("a.", deep) + "a]\n", "line 2: nesting deeper than 16"},
		"sweep":         {"[sweep]\nprobes = [" + strings.Repeat("7,", 100) + "7]\nrepeats = [" + strings.Repeat("2,", 99) + "2]\n", "101 × 100 = 10100 runs, more than the limit of 10000"},
	}
	for name, c := range cases {
		start := time.Now()
		_, err := Parse("big", []byte(c.src))
		if el := time.Since(start); el > time.Second {
			t.Errorf("%s: took %v", name, el)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want one line containing %q", name, err, c.want)
		}
	}
	ok := map[string]string{
		"brackets in strings": "description = \"\"\"" + strings.Repeat("[{", 100) + "\"\"\"\n[params]\nstart = '" + strings.Repeat("[", 100) + "'\n",
		"dots in strings":     "description = \"" + strings.Repeat(".", 100) + "\" # " + strings.Repeat("[", 100) + "\n",
		"quotes in strings":   "description = \"\"\"a\"\"\"\"\"\n[params]\nprobes = 6\n",
		"sweep at the limit":  "[sweep]\nprobes = [" + strings.Repeat("7,", 99) + "7]\nrepeats = [" + strings.Repeat("2,", 99) + "2]\n",
	}
	for name, src := range ok {
		if _, err := Parse("ok", []byte(src)); err != nil && !strings.Contains(err.Error(), "start") {
			t.Errorf("%s: %v", name, err)
		}
	}
	path := filepath.Join(t.TempDir(), "big.toml")
	if err := os.WriteFile(path, []byte(strings.Repeat("#", MaxSize+1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("oversized file: %v", err)
	}
}
