// fisherscope device kernels. Compiled at run time with NVRTC (exact
// architecture) or ahead of time to PTX by scripts/gen-ptx.sh.

// posterior2: for each particle i (2-D plane coordinates xs[2i], xs[2i+1]),
// one pass over the n data points (SoA y0, y1) with an online softmax of the
// log-weights l_j = -|u_j|^2 / (2 sigma^2), u_j = x - alpha y_j, accumulating
//   s = sum w, s_a = sum w u_a, s_ab = sum w u_a u_b   (rescaled when the max grows).
// Outputs: eu[2i..2i+1] = E[u]; covu[3i..3i+2] = Cov(u) = alpha^2 C_z as
// (c00, c01, c11); logz[i] = max + log s. The host turns these into the
// denoiser D = (x - E u)/alpha, the posterior covariance C_z = Cov(u)/alpha^2
// (so every Fisher matvec is exact on the host without the weights) and log q.
extern "C" __global__ void posterior2(const float* __restrict__ y0, const float* __restrict__ y1, int n,
                                      const float* __restrict__ xs, int b, float alpha, float inv2s2,
                                      float* __restrict__ eu, float* __restrict__ covu, float* __restrict__ logz)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= b) return;
    const float x0 = xs[2 * i], x1 = xs[2 * i + 1];
    float m = -3.0e38f, s = 0.f, s0 = 0.f, s1 = 0.f, s00 = 0.f, s01 = 0.f, s11 = 0.f;
    for (int j = 0; j < n; ++j) {
        const float u0 = fmaf(-alpha, y0[j], x0);
        const float u1 = fmaf(-alpha, y1[j], x1);
        const float l = -fmaf(u0, u0, u1 * u1) * inv2s2;
        if (l > m) {
            const float c = __expf(m - l);
            s *= c; s0 *= c; s1 *= c; s00 *= c; s01 *= c; s11 *= c;
            m = l;
        }
        const float w = __expf(l - m);
        const float w0 = w * u0, w1 = w * u1;
        s += w;
        s0 += w0;
        s1 += w1;
        s00 = fmaf(w0, u0, s00);
        s01 = fmaf(w0, u1, s01);
        s11 = fmaf(w1, u1, s11);
    }
    const float inv = 1.f / s;
    const float e0 = s0 * inv, e1 = s1 * inv;
    eu[2 * i] = e0;
    eu[2 * i + 1] = e1;
    covu[3 * i] = fmaxf(fmaf(s00, inv, -e0 * e0), 0.f);
    covu[3 * i + 1] = fmaf(s01, inv, -e0 * e1);
    covu[3 * i + 2] = fmaxf(fmaf(s11, inv, -e1 * e1), 0.f);
    logz[i] = m + logf(s);
}
