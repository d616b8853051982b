package presets

import "fmt"

// Limits on a preset, so that a hostile or mistaken file is refused quickly
// instead of exhausting time or memory.
const (
	// MaxSize is the largest preset file, in bytes.
	MaxSize = 1 << 20
	// MaxDepth is the deepest nesting of arrays and inline tables, counting
	// the parts of dotted keys too. The TOML decoder's time and memory grow
	// quadratically with nesting, so it is checked before decoding.
	MaxDepth = 16
	// MaxRuns is the largest sweep: the product of the lengths of its axes.
	MaxRuns = 10_000
)

// nestScanner follows TOML text outside strings and comments far enough to
// measure nesting: brackets and braces of values, and the dots of keys.
type nestScanner struct {
	data  []byte
	i     int
	line  int
	stack []byte // open '[' and '{' of values
	inKey bool   // reading a key: at the start of a line or inside an inline table
	dots  int    // dots in the key being read
}

// checkNesting refuses text whose arrays, inline tables and dotted keys nest
// deeper than MaxDepth, naming the line. Everything else is left to the
// TOML decoder.
func checkNesting(data []byte) error {
	s := nestScanner{data: data, line: 1, inKey: true}
	for s.i < len(s.data) {
		if err := s.step(); err != nil {
			return fmt.Errorf("line %d: %w", s.line, err)
		}
	}
	return nil
}

// step consumes one character, or a whole string or comment.
func (s *nestScanner) step() error {
	c := s.data[s.i]
	s.i++
	switch c {
	case '\n':
		s.line++
		if len(s.stack) == 0 {
			s.inKey, s.dots = true, 0
		}
	case '#':
		s.skipComment()
	case '"', '\'':
		s.skipString(c)
	case '=':
		s.inKey, s.dots = false, 0
	case '.':
		if s.inKey {
			s.dots++
		}
	case ',':
		if s.top() == '{' {
			s.inKey, s.dots = true, 0
		}
	case '[', '{':
		if s.inKey && c == '[' && len(s.stack) == 0 {
			return nil // a table header: its key's dots are counted
		}
		s.stack = append(s.stack, c)
		s.inKey, s.dots = c == '{', 0
	case ']', '}':
		if len(s.stack) > 0 {
			s.stack = s.stack[:len(s.stack)-1]
		}
		s.inKey = false
	}
	if len(s.stack)+s.dots > MaxDepth {
		return fmt.Errorf("nesting deeper than %d levels (arrays, inline tables and dotted keys)", MaxDepth)
	}
	return nil
}

// top returns the innermost open bracket or brace, or 0.
func (s *nestScanner) top() byte {
	if len(s.stack) == 0 {
		return 0
	}
	return s.stack[len(s.stack)-1]
}

// skipComment skips to the end of the line.
func (s *nestScanner) skipComment() {
	for s.i < len(s.data) && s.data[s.i] != '\n' {
		s.i++
	}
}

// skipString skips a string opened by quote (just consumed): basic or
// literal, single- or multi-line.
func (s *nestScanner) skipString(quote byte) {
	if s.i+1 < len(s.data) && s.data[s.i] == quote && s.data[s.i+1] == quote {
		s.i += 2
		s.skipMultiline(quote)
		return
	}
	for s.i < len(s.data) {
		c := s.data[s.i]
		switch {
		case c == '\n':
			return // unterminated: the decoder reports it
		case c == '\\' && quote == '"':
			s.i++
		case c == quote:
			s.i++
			return
		}
		s.i++
	}
}

// skipMultiline skips the body of a multi-line string and its closing
// delimiter: three quotes, after up to two quotes of content.
func (s *nestScanner) skipMultiline(quote byte) {
	for s.i < len(s.data) {
		c := s.data[s.i]
		switch {
		case c == '\n':
			s.line++
		case c == '\\' && quote == '"':
			s.i++
			if s.i < len(s.data) && s.data[s.i] == '\n' {
				s.line++
			}
		case c == quote && s.quotesAt(quote) >= 3:
			s.i += min(s.quotesAt(quote), 5)
			return
		}
		s.i++
	}
}

// quotesAt counts the quotes in a row from the current position.
func (s *nestScanner) quotesAt(quote byte) int {
	n := 0
	for s.i+n < len(s.data) && s.data[s.i+n] == quote {
		n++
	}
	return n
}
