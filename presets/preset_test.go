package presets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEveryEmbeddedPresetLoads(t *testing.T) {
	list, err := List()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"checkerboard-nll", "demo", "hutchpp-lowrank", "qr-refresh", "table3", "table3-exact"}
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
