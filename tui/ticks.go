package tui

import "math"

// niceStep returns a step of 1, 2 or 5 × 10^k that cuts span into about n
// intervals.
func niceStep(span float64, n int) float64 {
	if !(span > 0) || n < 1 {
		return 1
	}
	raw := span / float64(n)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

// tickLabel labels v when it is the sample nearest a multiple of step
// (samples are cell apart), else "": an axis whose labels are drawn at every
// cell then shows only nice numbers, each at its place.
func tickLabel(v, step, cell float64, format func(float64) string) string {
	k := math.Round(v / step)
	if math.Abs(v-k*step) > cell/2 || math.Abs(v-k*step) == cell/2 && v < k*step {
		return ""
	}
	return format(k * step)
}

// timeLabel labels column col (of width columns, at row index v of a
// decreasing time grid) when its row is the one nearest a multiple of step;
// t_end is labelled so that it ends at the last column, and no tick is
// drawn where it would run into that label.
func timeLabel(col, width int, v float64, grid []float64, step float64) string {
	i := int(math.Round(v))
	if i < 0 || i >= len(grid) {
		return ""
	}
	end := "t=" + fmtNum(grid[len(grid)-1])
	switch at := width - len(end); {
	case col == at:
		return end
	case col > at-len(end)-2:
		return ""
	}
	k := math.Round(grid[i] / step)
	d := math.Abs(grid[i] - k*step)
	if (i > 0 && math.Abs(grid[i-1]-k*step) < d) || (i+1 < len(grid) && math.Abs(grid[i+1]-k*step) < d) {
		return "" // a neighbouring row is nearer the tick
	}
	if d > math.Abs(grid[0]-grid[len(grid)-1])/float64(len(grid)) {
		return "" // no tick within this row's reach
	}
	return "t=" + fmtNum(k*step)
}
