// Package export writes simulation results for people and programs: JSON
// (the headless contract documented in README.md), CSV (one line per step)
// and aligned text tables. It is shared by `fisherscope run` and the TUI.
package export
