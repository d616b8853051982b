package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress draws a one-line progress bar with an ETA on a terminal's
// standard error, at most ten times a second; on anything else (a pipe, a
// file, --quiet) it draws nothing.
type progress struct {
	w     io.Writer
	on    bool
	label string
	start time.Time
	last  time.Time
}

// newProgress returns a progress bar for stderr, drawn only when stderr is
// a terminal and quiet is false.
func newProgress(stderr io.Writer, quiet bool) *progress {
	return &progress{w: stderr, on: !quiet && isTerminal(stderr)}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// begin starts a new task with its label.
func (p *progress) begin(label string) {
	p.label, p.start, p.last = label, time.Now(), time.Time{}
	if p.on {
		fmt.Fprintf(p.w, "\r\x1b[K%s starting…", label)
	}
}

// update draws done of total, with the elapsed time and an ETA.
func (p *progress) update(done, total int) {
	if !p.on || total <= 0 {
		return
	}
	now := time.Now()
	if done < total && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	el := now.Sub(p.start)
	eta := "…"
	if done > 0 {
		eta = (el * time.Duration(total-done) / time.Duration(done)).Round(time.Second).String()
	}
	const width = 24
	fill := width * done / total
	fmt.Fprintf(p.w, "\r\x1b[K%s [%s%s] %d/%d · %s elapsed · ETA %s", p.label,
		strings.Repeat("#", fill), strings.Repeat(".", width-fill), done, total, el.Round(100*time.Millisecond), eta)
}

// end clears the bar.
func (p *progress) end() {
	if p.on {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
