// Package tui is fisherscope's terminal explorer: a bubbletea program that
// shows PF-ODE particles flowing onto the data and three live charts
// (estimator variance, trace error, Fisher asymmetry) read from the engine's
// frames. It computes no math: every number comes from sim.Frame. Keys change
// any engine parameter; the engine restarts in the background so the screen
// never freezes.
//
// One component per file (particles.go, chart.go, status.go), one keys.go,
// one styles.go; the root Model in model.go lays them out for the terminal
// size and caches their strings, so View only joins them.
package tui
