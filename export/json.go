package export

import (
	"encoding/json"
	"io"
	"math"

	"fisherscope/sim"
)

// RunJSON is the JSON object of one run.
type RunJSON struct {
	Label     string            `json:"label,omitempty"`
	Values    map[string]string `json:"values,omitempty"`
	Params    map[string]string `json:"params"`
	Backend   string            `json:"backend"`
	Note      string            `json:"note,omitempty"`
	ElapsedS  float64           `json:"elapsed_s"`
	Steps     []map[string]any  `json:"steps"`
	Particles []ParticleJSON    `json:"particles"`
}

// ParticleJSON is one trajectory in the JSON output.
type ParticleJSON struct {
	Start       []float64 `json:"start"`
	End         []float64 `json:"end"`
	Phi         []float64 `json:"phi"`
	AsymFull    any       `json:"asym_full"`
	AsymOffDiag any       `json:"asym_offdiag"`
	MinEigSym   any       `json:"min_eig_sym"`
	LogLik      any       `json:"loglik"`
	LogQ        any       `json:"logq"`
	NLLErr      any       `json:"nll_err"` // |loglik − logq|, nats
	NLLBPD      any       `json:"nll_bpd"` // −loglik/(D ln 2), bits per dimension
}

// num maps non-finite values to null.
func num(x float64) any {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return x
}

// NewRunJSON converts a result; at most maxParticles particles are listed
// (negative: all).
func NewRunJSON(label string, values map[string]string, res *sim.Result, maxParticles int) RunJSON {
	r := RunJSON{Label: label, Values: values, Params: res.Params.Map(), Backend: res.Backend, Note: res.Note,
		ElapsedS: res.Elapsed.Seconds(), Steps: jsonRows(res.Rows), Particles: []ParticleJSON{}}
	n := len(res.Particles)
	if maxParticles >= 0 && maxParticles < n {
		n = maxParticles
	}
	for _, p := range res.Particles[:n] {
		r.Particles = append(r.Particles, ParticleJSON{Start: p.Start, End: p.End, Phi: p.Phi,
			AsymFull: num(p.AsymFull), AsymOffDiag: num(p.AsymOffDiag), MinEigSym: num(p.MinEigSym),
			LogLik: num(p.LogLik), LogQ: num(p.LogQ), NLLErr: num(math.Abs(p.LogLik - p.LogQ)),
			NLLBPD: num(-p.LogLik / (float64(len(p.End)) * math.Ln2))})
	}
	return r
}

// Document is the JSON output of `fisherscope run`: a single run's fields
// at the top level, or, for a preset with a sweep, the runs in "runs".
type Document struct {
	Preset      string    `json:"preset,omitempty"`
	Description string    `json:"description,omitempty"`
	Sweep       []string  `json:"sweep,omitempty"`
	Runs        []RunJSON `json:"runs,omitempty"`
	Shard       *Shard    `json:"shard,omitempty"`
	*RunJSON
}

// WriteJSON writes doc indented.
func WriteJSON(w io.Writer, doc Document) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(doc)
}
