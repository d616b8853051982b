package sim

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"fisherscope/model"
)

// TestTableRoundTrips checks every parameter's default parses back to itself
// and that the table's choices are exactly what Set accepts.
func TestTableRoundTrips(t *testing.T) {
	p := Defaults()
	if err := p.Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	for _, d := range Table() {
		q := Defaults()
		if err := q.Set(d.Key, d.Default()); err != nil {
			t.Errorf("%s: default %q refused: %v", d.Key, d.Default(), err)
		}
		if q.Fingerprint() != p.Fingerprint() {
			t.Errorf("%s: default does not round-trip", d.Key)
		}
		for _, c := range d.Choices {
			q := Defaults()
			if err := q.Set(d.Key, strings.ToUpper(c)); err != nil {
				t.Errorf("%s: choice %q refused: %v", d.Key, c, err)
			} else if got, _ := q.Get(d.Key); got != c && d.Kind != KindList {
				t.Errorf("%s: set %q, got %q", d.Key, c, got)
			}
		}
		if err := q.Set(d.Key, "bogus-value"); err == nil && d.Kind != KindText {
			t.Errorf("%s: bogus value accepted", d.Key)
		} else if err != nil && !strings.HasPrefix(err.Error(), d.Key+": ") {
			t.Errorf("%s: error does not name the key once: %v", d.Key, err)
		}
	}
	if err := p.Set("nope", "1"); err == nil || !strings.Contains(err.Error(), "allowed: schedule") {
		t.Errorf("unknown key: %v", err)
	}
}

// TestTypedValues checks the typed fields against their text forms.
func TestTypedValues(t *testing.T) {
	p := Defaults()
	for k, v := range map[string]string{"solver": "rk4", "jacobian": "rk4", "probe": "sphere", "target": "cov",
		"backend": "cpu", "estimators": "xtrace, hutch++ ,xtrace"} {
		if err := p.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if p.Solver != model.RK4 || p.Jacobian != JacobianRK4 || p.Probe != model.Sphere || p.Target != TargetCov || p.Backend != BackendCPU {
		t.Errorf("typed values: %+v", p)
	}
	if !slices.Equal(p.Estimators, []Estimator{XTrace, HutchPP}) {
		t.Errorf("estimators %v, want [xtrace hutch++] (order kept, duplicates dropped)", p.Estimators)
	}
	if got, _ := p.Get("estimators"); got != "xtrace,hutch++" {
		t.Errorf("estimators text %q", got)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("rk4 with its tangent: %v", err)
	}
}

// TestStepNeverOffersRefusedValues walks every choice key through a full
// cycle from several starting points: each step's result validates.
func TestStepNeverOffersRefusedValues(t *testing.T) {
	for _, solver := range []string{"ddim", "euler", "heun", "rk4"} {
		p := Defaults()
		p.Jacobian = JacobianEuler
		if err := p.Set("solver", solver); err != nil {
			t.Fatal(err)
		}
		seen := map[Jacobian]bool{}
		for i := 0; i < 10; i++ {
			q, err := p.Step("jacobian", +1)
			if err != nil {
				t.Fatalf("solver %s: %v", solver, err)
			}
			if err := q.Validate(); err != nil {
				t.Fatalf("solver %s: step offered %s: %v", solver, q.Jacobian, err)
			}
			seen[q.Jacobian] = true
			p = q
		}
		if want := len(Jacobians(p.Solver)); len(seen) != want {
			t.Errorf("solver %s: cycle visited %d modes, want %d", solver, len(seen), want)
		}
	}
	for _, key := range []string{"schedule", "data", "solver", "probe", "target", "estimators", "backend", "ambient_noise"} {
		p := Defaults()
		for i := 0; i < 12; i++ {
			q, err := p.Step(key, 1-2*(i%2)*(i%3%2))
			if err != nil {
				t.Fatalf("%s step %d: %v", key, i, err)
			}
			if err := q.Validate(); err != nil {
				t.Fatalf("%s step %d offered %v: %v", key, i, q.Map()[key], err)
			}
			p = q
		}
	}
}

// TestStepAdapts checks the cross-parameter repairs and the limits.
func TestStepAdapts(t *testing.T) {
	p := Defaults()
	p.Steps, p.TEnd = 2000, 0.01
	for p.Schedule != "sd-vp" {
		var err error
		if p, err = p.Step("schedule", +1); err != nil {
			t.Fatal(err)
		}
	}
	if p.Steps > 999 || p.TEnd != 0 {
		t.Errorf("sd-vp kept steps %d t_end %g", p.Steps, p.TEnd)
	}
	q := Defaults()
	q.Solver, q.Jacobian = model.Heun, JacobianEuler
	if q, _ = q.Step("solver", +1); q.Solver != model.RK4 || q.Jacobian != JacobianEuler {
		t.Errorf("heun→rk4: %v %v", q.Solver, q.Jacobian)
	}
	q = Defaults() // solver ddim, jacobian ddim
	if q, _ = q.Step("solver", +1); q.Solver != model.Euler || q.Jacobian != JacobianEuler {
		t.Errorf("ddim→euler: %v %v", q.Solver, q.Jacobian)
	}
	q = Defaults()
	if q, _ = q.Step("sketch", +1); q.SketchSize() != 3 || q.Probes != 7 {
		t.Errorf("sketch up: k=%d m=%d", q.SketchSize(), q.Probes)
	}
	// Probes down with hutch++ stops at m = 2k+1 and says why.
	q = Defaults()
	q.Estimators = []Estimator{HutchPP}
	q.Probes, q.Sketch = 3, 1
	if _, err := q.Step("probes", -1); !errors.Is(err, ErrNoChange) || !strings.Contains(err.Error(), "hutch++") {
		t.Errorf("probes below 2k+1: %v", err)
	}
	for _, c := range []struct {
		key string
		dir int
		set func(*Params)
	}{
		{"dim", -1, func(p *Params) { p.Dim = 2 }},
		{"dim", +1, func(p *Params) { p.Dim, p.Jacobian = 256, JacobianOff }},
		{"particles", +1, func(p *Params) { p.Particles = MaxParticles }},
		{"particles", -1, func(p *Params) { p.Particles = 1 }},
		{"sketch", -1, func(p *Params) { p.Sketch = 1 }},
		{"refresh", -1, func(p *Params) {}},
	} {
		p := Defaults()
		c.set(&p)
		got, err := p.Step(c.key, c.dir)
		if !errors.Is(err, ErrNoChange) || got.Fingerprint() != p.Fingerprint() {
			t.Errorf("%s %+d at its limit: err %v", c.key, c.dir, err)
		}
	}
	if q, _ := (Params{Particles: 600000}).withDefaults().Step("particles", +1); q.Particles != MaxParticles {
		t.Errorf("particles ×2 clamps: %d", q.Particles)
	}
}

func (p Params) withDefaults() Params {
	d := Defaults()
	d.Particles = p.Particles
	return d
}

// TestNoStringComparisonOnHotPath keeps the workers free of parameter text.
func TestNoStringComparisonOnHotPath(t *testing.T) {
	for _, f := range []string{"worker.go", "plan.go", "cpu.go", "batch.go", "row.go", "execute.go"} {
		b := mustRead(t, f)
		for _, bad := range []string{`== "`, `!= "`, `case "`} {
			if strings.Contains(b, bad) {
				t.Errorf("%s compares a string (%s)", f, bad)
			}
		}
	}
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCycleFromUnlisted: stepping back from a value not in the list (a
// file:PATH) offers every element, the last first.
func TestCycleFromUnlisted(t *testing.T) {
	got := cycleFrom([]string{"a", "b", "c"}, "file:x", -1)
	if strings.Join(got, ",") != "c,b,a" {
		t.Errorf("back from an unlisted value: %v", got)
	}
	if got := cycleFrom([]string{"a", "b", "c"}, "file:x", +1); strings.Join(got, ",") != "a,b,c" {
		t.Errorf("on from an unlisted value: %v", got)
	}
	if got := cycleFrom([]string{"a", "b", "c"}, "b", -1); strings.Join(got, ",") != "a,c" {
		t.Errorf("back from b: %v", got)
	}
}
