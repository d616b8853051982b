package learn

// Info describes a trained network: everything its weights depend on and
// how it was trained. It is stored in the file header.
type Info struct {
	Kind      string  // "score" or "trace"
	Config    Config  // the training configuration
	Schedule  string  // schedule name
	Dim       int     // data dimension D
	DataID    string  // the training Source's Identity
	DataScale float64 // s_d² = E‖x_0‖²/D, used by the input scaling
	TMin      float64 // schedule time range used by the time features
	TMax      float64 //
	Key       string  // CacheKey of the network
	ScoreKey  string  // trace networks: the key of their score network
	Kernel    string  // matrix-product kernel used in training
	Loss      float64 // mean training loss over the last 1% of the steps
	Params    int     // number of parameters
	Layers    string  // layer widths, e.g. "mlp 35-128-128-128-2"
}

// Network kinds (Info.Kind).
const (
	kindScore = "score"
	kindTrace = "trace"
)
