package model

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// MaxCoordinate is the largest magnitude of a coordinate read from a file
// or the command line. Squared distances of such points stay finite
// (1e150² = 1e300 < MaxFloat64), so the posterior never overflows.
const MaxCoordinate = 1e150

// ParsePoints reads points, one per line. Coordinates are separated by
// commas (or semicolons) with optional white space around them, or by white
// space alone; an empty field between separators is an error. Blank lines
// and lines starting with '#' are skipped; a first non-numeric line is taken
// as a header. Every point must have the same number of finite coordinates
// of magnitude at most MaxCoordinate. It returns the points row-major and
// their dimension, or an error naming the line. At most maxPoints points are
// read.
func ParsePoints(r io.Reader, maxPoints int) (points []float64, dim int, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line, rows := 0, 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := splitFields(text)
		vals, perr := parseFloats(fields)
		if perr != nil {
			if rows == 0 && dim == 0 && isHeader(fields) {
				dim = -1 // header seen; the next line fixes the dimension
				continue
			}
			return nil, 0, fmt.Errorf("line %d: %w", line, perr)
		}
		if dim <= 0 {
			dim = len(vals)
		} else if len(vals) != dim {
			return nil, 0, fmt.Errorf("line %d: %d coordinates, earlier lines have %d", line, len(vals), dim)
		}
		if rows >= maxPoints {
			return nil, 0, fmt.Errorf("line %d: more than %d points", line, maxPoints)
		}
		points = append(points, vals...)
		rows++
	}
	if err := sc.Err(); err != nil {
		return nil, 0, fmt.Errorf("line %d: %w", line+1, err)
	}
	if rows == 0 {
		return nil, 0, fmt.Errorf("no points found")
	}
	return points, dim, nil
}

// splitFields splits a line at commas and semicolons, trimming white space
// around each field (empty fields are kept, to be refused), or at white
// space when the line has neither.
func splitFields(text string) []string {
	if !strings.ContainsAny(text, ",;") {
		return strings.Fields(text)
	}
	fields := strings.Split(strings.ReplaceAll(text, ";", ","), ",")
	for i, f := range fields {
		fields[i] = strings.TrimSpace(f)
	}
	return fields
}

// isHeader reports whether fields look like column names rather than numbers.
func isHeader(fields []string) bool {
	for _, f := range fields {
		if _, err := strconv.ParseFloat(f, 64); err == nil {
			return false
		}
	}
	return len(fields) > 0
}

// parseFloats parses the fields of one row.
func parseFloats(fields []string) ([]float64, error) {
	if len(fields) == 0 {
		return nil, fmt.Errorf("no coordinates")
	}
	vals := make([]float64, len(fields))
	for i, f := range fields {
		v, err := parseCoordinate(f)
		if err != nil {
			return nil, fmt.Errorf("coordinate %d: %w", i+1, err)
		}
		vals[i] = v
	}
	return vals, nil
}

// parseCoordinate parses one field: a finite number of magnitude at most
// MaxCoordinate.
func parseCoordinate(f string) (float64, error) {
	if f == "" {
		return 0, fmt.Errorf("empty field (allowed: a finite number)")
	}
	v, err := strconv.ParseFloat(f, 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange): // out of range: ±Inf, refused below
		return 0, fmt.Errorf("%q is not a number", f)
	case math.IsNaN(v) || math.IsInf(v, 0):
		return 0, fmt.Errorf("%q is not finite", f)
	case math.Abs(v) > MaxCoordinate:
		return 0, fmt.Errorf("%q exceeds %g in magnitude", f, MaxCoordinate)
	}
	return v, nil
}

// DiracFromCSV reads a 2-D point set with ParsePoints and returns it as a
// uniform Dirac mixture.
func DiracFromCSV(r io.Reader) (*Dirac, error) {
	pts, d, err := ParsePoints(r, MaxPoints)
	if err != nil {
		return nil, fmt.Errorf("data csv: %w", err)
	}
	if d != 2 {
		return nil, fmt.Errorf("data csv: points have %d coordinates, want 2", d)
	}
	return NewDirac(pts, 2, nil)
}
