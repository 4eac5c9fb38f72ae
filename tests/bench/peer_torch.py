"""PyTorch peer for attograd's benchmark: runs one named workload and prints
'median_ms min_ms max_ms peak_mb' on one line. Run by build/tests/bench/bench
through /usr/bin/python3 (Debian's python3-torch); not needed to build or test.

    peer_torch.py WORKLOAD THREADS REPS
"""
import resource
import sys
import time

import torch


def causal_attention(threads):
    # B=8 H=4 T=256 d=64, composed as softmax(q k^T / sqrt(d) + mask) v, forward + backward.
    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(8, 4, 256, 64, generator=g, requires_grad=True) for _ in range(3))
    mask = torch.full((256, 256), float("-inf")).triu(1)

    def step():
        for t in (q, k, v):
            t.grad = None
        scores = q @ k.transpose(-2, -1) / 8.0 + mask
        out = torch.softmax(scores, dim=-1) @ v
        out.sum().backward()

    return step


def recurrent(layer_type):
    # layer_type I=128 H=256, batch_first input (B=32, T=64, 128), forward +
    # backward of the sum of the output sequence.
    torch.manual_seed(0)
    layer = layer_type(128, 256, batch_first=True)
    x = torch.randn(32, 64, 128, requires_grad=True)

    def step():
        layer.zero_grad()
        x.grad = None
        out, _ = layer(x)
        out.sum().backward()

    return step


WORKLOADS = {
    "causal_attention": causal_attention,
    "lstm": lambda threads: recurrent(torch.nn.LSTM),
    "gru": lambda threads: recurrent(torch.nn.GRU),
}


def main():
    name, threads, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    step = WORKLOADS[name](threads)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(2):
        step()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1e3)
    times.sort()
    peak_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(f"{times[len(times) // 2]:.3f} {times[0]:.3f} {times[-1]:.3f} {peak_mb:.1f}")


if __name__ == "__main__":
    main()
