//go:build linux && (amd64 || arm64)

package gpu

import (
	"embed"
	_ "embed"
)

// kernelSource is the CUDA C compiled by NVRTC.
//
//go:embed kernels.cu
var kernelSource string

// shippedPTX holds PTX generated ahead of time (scripts/gen-ptx.sh), used
// when NVRTC is not installed.
//
//go:embed ptx
var shippedPTX embed.FS
