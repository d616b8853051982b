package export

import (
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"

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
	return p.Save(6*vg.Inch, 6*vg.Inch, path)
}

// WriteSeriesPNG plots each estimator's relative error and the asymmetry
// against t (log scale) to a PNG file.
func WriteSeriesPNG(path string, f *sim.Frame) error {
	p := plot.New()
	p.Title.Text = "relative error of tr F estimators and Φ asymmetry"
	p.X.Label.Text, p.Y.Label.Text = "t", "relative"
	p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, plot.LogTicks{}
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
	return p.Save(8*vg.Inch, 5*vg.Inch, path)
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
