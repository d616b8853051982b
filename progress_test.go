package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestProgressOnlyOnTerminals: a pipe or buffer gets no bar; a bar draws the
// count and clears itself.
func TestProgressOnlyOnTerminals(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, false)
	p.begin("run 1/1")
	p.update(5, 10)
	p.end()
	if b.Len() != 0 {
		t.Errorf("a buffer got a progress bar: %q", b.String())
	}
	p = &progress{w: &b, on: true}
	p.begin("run 1/2")
	p.update(10, 10)
	p.end()
	if s := b.String(); !strings.Contains(s, "run 1/2 [########################] 10/10") || !strings.HasSuffix(s, "\r\x1b[K") {
		t.Errorf("bar: %q", s)
	}
}
