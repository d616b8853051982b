//go:build !(linux && (amd64 || arm64))

package gpu

import (
	"errors"
	"runtime"
	"strings"
	"testing"
)

// TestOpenUnsupported: without the CUDA backend Open fails with
// errors.ErrUnsupported and a message naming the platform.
func TestOpenUnsupported(t *testing.T) {
	d, err := Open()
	if d != nil || !errors.Is(err, errors.ErrUnsupported) || !strings.Contains(err.Error(), runtime.GOOS+"/"+runtime.GOARCH) {
		t.Fatalf("Open() = %v, %v", d, err)
	}
}
