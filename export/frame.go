package export

import (
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"fisherscope/sim"
)

// FrameJSON is the JSON form of one displayed frame.
type FrameJSON struct {
	Params    map[string]string `json:"params"`
	Backend   string            `json:"backend"`
	T         float64           `json:"t"`
	Done      bool              `json:"done"`
	Positions []float64         `json:"positions"` // particles in the data plane, B×2 row-major
	Steps     []map[string]any  `json:"steps"`
}

// WriteFrameJSON writes f as JSON.
func WriteFrameJSON(w io.Writer, f *sim.Frame) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(FrameJSON{Params: f.Params.Map(), Backend: f.Backend, T: f.T, Done: f.Done, Positions: f.Positions, Steps: jsonRows(f.Rows)})
}

// WriteFrameCSV writes f's rows in the CSV layout of WriteCSV.
func WriteFrameCSV(w io.Writer, f *sim.Frame) error {
	return WriteCSV(w, "frame", &sim.Result{Params: f.Params, Rows: f.Rows}, true)
}

// WriteParticlesPNG plots the data and the particles of f to a PNG file.
func WriteParticlesPNG(path string, f *sim.Frame) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s · %s · t = %.4g", f.Params.Schedule, f.Params.Data, f.T)
	p.X.Label.Text, p.Y.Label.Text = "z₁", "z₂"
	for _, set := range []struct {
		pts []float64
		c   color.RGBA
		r   vg.Length
	}{{f.Data, color.RGBA{70, 110, 170, 255}, 0.8}, {f.Positions, color.RGBA{230, 140, 20, 255}, 1.2}} {
		s, err := plotter.NewScatter(xys(set.pts))
		if err != nil {
			return fmt.Errorf("export png: %w", err)
		}
		s.GlyphStyle.Color, s.GlyphStyle.Radius = set.c, set.r
		p.Add(s)
	}
	return savePlot(p, 6*vg.Inch, 6*vg.Inch, path)
}

// WriteSeriesPNG plots each estimator's relative error and the asymmetry
// against t (log scale) to a PNG file.
func WriteSeriesPNG(path string, f *sim.Frame) error {
	p := plot.New()
	p.Title.Text = "relative error of tr F estimators and Φ asymmetry"
	p.X.Label.Text, p.Y.Label.Text = "t", "relative"
	lines := 0
	add := func(name string, get func(sim.Row) float64, i int) error {
		var pts plotter.XYs
		for _, r := range f.Rows {
			if v := get(r); v > 0 && !math.IsInf(v, 0) {
				pts = append(pts, plotter.XY{X: r.T, Y: v})
			}
		}
		if len(pts) < 2 {
			return nil
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return err
		}
		l.Color = palette[i%len(palette)]
		p.Add(l)
		p.Legend.Add(name, l)
		lines++
		return nil
	}
	for e, est := range f.Params.Estimators {
		if err := add(est.String()+" rel err", func(r sim.Row) float64 { return r.Est[e].RelErr.Mean }, e); err != nil {
			return fmt.Errorf("export png: %w", err)
		}
	}
	if err := add("asym full", func(r sim.Row) float64 { return r.AsymFull.Mean }, len(f.Params.Estimators)); err != nil {
		return fmt.Errorf("export png: %w", err)
	}
	if lines == 0 {
		// A log axis needs positive values: with none (no estimators, Φ off,
		// a run too young) the chart is written empty, on a linear axis.
		p.Title.Text += " (no positive values to plot)"
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	} else {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, plot.LogTicks{}
	}
	return savePlot(p, 8*vg.Inch, 5*vg.Inch, path)
}

// savePlot writes p to path through a temporary file, so that a failure
// (gonum/plot panics on some degenerate inputs) leaves no partial file and
// comes back as an error.
func savePlot(p *plot.Plot, w, h vg.Length, path string) (err error) {
	ext := filepath.Ext(path) // gonum/plot picks the format by extension
	tmp := path[:len(path)-len(ext)] + ".partial" + ext
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("export png %s: %v", filepath.Base(path), r)
		}
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if err := p.Save(w, h, tmp); err != nil {
		return fmt.Errorf("export png: %w", err)
	}
	return os.Rename(tmp, path)
}

var palette = []color.Color{color.RGBA{230, 140, 20, 255}, color.RGBA{60, 140, 220, 255}, color.RGBA{90, 170, 90, 255}, color.RGBA{170, 90, 170, 255}, color.RGBA{200, 60, 60, 255}}

// xys converts n×2 row-major points, dropping non-finite ones.
func xys(pts []float64) plotter.XYs {
	out := make(plotter.XYs, 0, len(pts)/2)
	for i := 0; i+1 < len(pts); i += 2 {
		x, y := pts[i], pts[i+1]
		if !math.IsNaN(x) && !math.IsNaN(y) && !math.IsInf(x, 0) && !math.IsInf(y, 0) {
			out = append(out, plotter.XY{X: x, Y: y})
		}
	}
	return out
}

// Frame writes base.json, base.csv, base-particles.png and base-series.png
// and returns their paths.
func Frame(base string, f *sim.Frame) ([]string, error) {
	paths := []string{base + ".json", base + ".csv", base + "-particles.png", base + "-series.png"}
	for i, write := range []func(io.Writer) error{
		func(w io.Writer) error { return WriteFrameJSON(w, f) },
		func(w io.Writer) error { return WriteFrameCSV(w, f) },
	} {
		fh, err := os.Create(paths[i])
		if err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		err = write(fh)
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", paths[i], err)
		}
	}
	if err := WriteParticlesPNG(paths[2], f); err != nil {
		return nil, err
	}
	if err := WriteSeriesPNG(paths[3], f); err != nil {
		return nil, err
	}
	return paths, nil
}
