package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"fisherscope/sim"
)

// TestREADMEDocumentsEveryKey keeps the README's parameter table in step
// with the code: every key appears with its default.
func TestREADMEDocumentsEveryKey(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, k := range sim.KeyDocs() {
		row := fmt.Sprintf("| `%s` |", k.Name)
		i := strings.Index(readme, row)
		if i < 0 {
			t.Errorf("README lacks a row for %s; expected:\n%s", k.Name, keyRow(k))
			continue
		}
		line := readme[i : i+strings.Index(readme[i:], "\n")]
		if line != keyRow(k) {
			t.Errorf("README row for %s differs from the parameter table:\n%s\nexpected:\n%s", k.Name, line, keyRow(k))
		}
	}
	for _, f := range []string{"trace_exact", "logq", "nll_err", "nll_bpd", "nll_bias", "nll_std", "asym_full", "asym_offdiag", "min_eig_sym", "dfea_relerr",
		"estimate", "rel_err", "variance", "matvecs", "qrs", "start", "end", "phi", "loglik"} {
		if !strings.Contains(readme, "`"+f+"`") {
			t.Errorf("README does not document output field %s", f)
		}
	}
}

func keyRow(k sim.KeyDoc) string {
	unit := k.Unit
	if unit == "" {
		unit = "–"
	}
	return fmt.Sprintf("| `%s` | %s | `%s` | %s | %s |", k.Name, k.Doc, k.Default, k.Allowed, unit)
}

// TestPrintKeyTable prints the README table with -v (go test -run PrintKeyTable -v).
func TestPrintKeyTable(t *testing.T) {
	if !testing.Verbose() {
		t.Skip("prints the README parameter table with -v")
	}
	for _, k := range sim.KeyDocs() {
		fmt.Println(keyRow(k))
	}
}
