package model

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// ParsePoints reads points, one per line, coordinates separated by commas
// and/or white space. Blank lines and lines starting with '#' are skipped; a
// first non-numeric line is taken as a header. Every point must have the same
// number of finite coordinates. It returns the points row-major and their
// dimension, or an error naming the line. At most maxPoints points are read.
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
		fields := strings.FieldsFunc(text, func(c rune) bool { return c == ',' || c == ' ' || c == '\t' || c == ';' })
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

// isHeader reports whether fields look like column names rather than numbers.
func isHeader(fields []string) bool {
	for _, f := range fields {
		if _, err := strconv.ParseFloat(f, 64); err == nil {
			return false
		}
	}
	return len(fields) > 0
}

func parseFloats(fields []string) ([]float64, error) {
	if len(fields) == 0 {
		return nil, fmt.Errorf("no coordinates")
	}
	vals := make([]float64, len(fields))
	for i, f := range fields {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return nil, fmt.Errorf("coordinate %d: %q is not a number", i+1, f)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("coordinate %d: %q is not finite", i+1, f)
		}
		vals[i] = v
	}
	return vals, nil
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
