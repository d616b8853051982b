#!/usr/bin/env bash
# Regenerates gpu/ptx/kernels.ptx from gpu/kernels.cu. Needs nvcc (any CUDA
# toolkit ≥ 11; no GPU needed). The PTX targets compute_70, so every GPU from
# Volta on can JIT it; it is only used when NVRTC is not installed at run time
# (NVRTC compiles for the exact architecture instead).
#
# Debian: add "contrib non-free" to the apt sources, then
#   apt-get install --no-install-recommends nvidia-cuda-toolkit
set -euo pipefail
cd "$(dirname "$0")/.."
nvcc --version | tail -1
nvcc -ptx -arch=compute_70 -O3 --use_fast_math -o gpu/ptx/kernels.ptx gpu/kernels.cu
# Report the register use of the kernel for sm_90 (H100), as ptxas sees it.
nvcc -cubin -arch=sm_90 -O3 --use_fast_math -Xptxas -v -o /dev/null gpu/kernels.cu 2>&1 | grep -E "registers|spill" || true
echo "wrote gpu/ptx/kernels.ptx ($(wc -c < gpu/ptx/kernels.ptx) bytes)"
