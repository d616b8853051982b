#!/usr/bin/python3
"""NumPy/OpenBLAS reference for `fisherscope bench`: the same exact-posterior
DDIM step in float64, written the way a careful NumPy user would (logits by a
GEMM against precomputed squared norms, a stable softmax, the denoiser by a
second GEMM, tr C from the weighted second moment). It is a yardstick for
the README's ratios, not part of the product; CI does not run it.

usage: bench_numpy.py [--b 4096] [--n 2048] [--d 64] [--noise 0.05] [--steps 10] [--chunk 512]
"""
import argparse, time
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--b", type=int, default=4096)
ap.add_argument("--n", type=int, default=2048)
ap.add_argument("--d", type=int, default=64)
ap.add_argument("--noise", type=float, default=0.05)
ap.add_argument("--steps", type=int, default=10)
ap.add_argument("--chunk", type=int, default=512)
a = ap.parse_args()

rng = np.random.default_rng(1)
z = rng.uniform(-2, 2, size=(a.n, 2))
e, _ = np.linalg.qr(rng.standard_normal((a.d, 2)))
y = z @ e.T + a.noise * rng.standard_normal((a.n, a.d))
y2 = np.einsum("ij,ij->i", y, y)
x = rng.standard_normal((a.b, a.d))
ts = np.linspace(1.0, 1e-3, a.steps + 1)

def coeffs(t):  # VP, beta_min 0.1, beta_max 20
    lm = -0.25 * t * t * 19.9 - 0.5 * t * 0.1
    al = np.exp(lm)
    return al, np.sqrt(1 - al * al)

def step(x, t0, t1):
    a0, s0 = coeffs(t0)
    a1, s1 = coeffs(t1)
    out = np.empty_like(x)
    for lo in range(0, a.b, a.chunk):
        xc = x[lo:lo + a.chunk]
        l = (2 * a0) * (xc @ y.T) - (a0 * a0) * y2[None, :]   # − ‖x‖² cancels in the softmax
        l /= 2 * s0 * s0
        l -= l.max(axis=1, keepdims=True)
        np.exp(l, out=l)
        s = l.sum(axis=1, keepdims=True)
        l /= s
        mean = l @ y
        trc = l @ y2 - np.einsum("ij,ij->i", mean, mean)
        eps = (xc - a0 * mean) / s0
        out[lo:lo + a.chunk] = a1 * mean + s1 * eps
    return out

x = step(x, ts[0], ts[1])  # warm-up
t = time.perf_counter()
for i in range(1, a.steps):
    x = step(x, ts[i], ts[i + 1])
el = time.perf_counter() - t
work = a.b * a.n * (a.steps - 1)
print(f"numpy  B={a.b} N={a.n} D={a.d} noise={a.noise}: {el / (a.steps - 1) * 1e3:.1f} ms/step, {work / el:.3g} particle·point·steps/s")
