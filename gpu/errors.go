package gpu

import "errors"

// ErrNoDriver reports that libcuda.so.1 could not be loaded. On platforms
// without the CUDA backend Open returns an error wrapping
// errors.ErrUnsupported instead.
var ErrNoDriver = errors.New("gpu: NVIDIA driver library libcuda.so.1 not found")
