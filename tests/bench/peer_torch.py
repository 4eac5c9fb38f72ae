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


def op_overhead(requires_grad):
    # 1000 additions of 1-element tensors; the time of one is the framework's cost per op.
    a = torch.ones(1, requires_grad=requires_grad)
    b = torch.ones(1)

    def step():
        for _ in range(1000):
            torch.add(a, b)

    return step


def tiny_forward_backward():
    # sum(tanh(x @ w)) for x (8, 32), w (32, 32), and its backward.
    g = torch.Generator().manual_seed(0)
    x = torch.randn(8, 32, generator=g)
    w = torch.randn(32, 32, generator=g, requires_grad=True)

    def step():
        w.grad = None
        torch.tanh(x @ w).sum().backward()

    return step


def elementwise_add():
    # c = a + b on 32M floats, into a new tensor (as attograd's add does).
    a, b = torch.rand(1 << 25), torch.rand(1 << 25)

    def step():
        torch.add(a, b)

    return step


def softmax():
    x = torch.randn(4096, 1024, generator=torch.Generator().manual_seed(0))

    def step():
        torch.softmax(x, dim=-1)

    return step


class Translator(torch.nn.Module):
    """Tutorial 09's model (nn/translator.h): LSTM encoder and
    decoder, the decoder starting from the encoder's final state, Luong dot
    attention with a learned scale (Keras's Attention(use_scale=True)),
    Dense(tanh) over [context; decoder output], Dense to the vocabulary."""

    def __init__(self, vocab, embedding, hidden):
        super().__init__()
        self.source_embedding = torch.nn.Embedding(vocab, embedding, padding_idx=0)
        self.target_embedding = torch.nn.Embedding(vocab, embedding, padding_idx=0)
        self.encoder = torch.nn.LSTM(embedding, hidden, batch_first=True)
        self.decoder = torch.nn.LSTM(embedding, hidden, batch_first=True)
        self.scale = torch.nn.Parameter(torch.ones(()))
        self.attentional = torch.nn.Linear(2 * hidden, hidden)
        self.vocabulary = torch.nn.Linear(hidden, vocab)

    def forward(self, source, decoder_input):
        keys, state = self.encoder(self.source_embedding(source))
        queries, _ = self.decoder(self.target_embedding(decoder_input), state)
        padding = (source == 0).unsqueeze(1)
        scores = self.scale * queries @ keys.transpose(1, 2) - 1e9 * padding
        context = torch.softmax(scores, dim=-1) @ keys
        return self.vocabulary(torch.tanh(self.attentional(torch.cat([context, queries], dim=-1))))


def seq2seq_step():
    # One Adam step of the tutorial-scale model: V=40, E=32, H=64, B=32, Ts=20, Tt=10.
    torch.manual_seed(0)
    model = Translator(40, 32, 64)
    adam = torch.optim.Adam(model.parameters(), lr=0.005)
    source = torch.randint(4, 40, (32, 20))
    decoder_input = torch.randint(4, 40, (32, 10))
    target = torch.randint(4, 40, (32, 10))

    def step():
        logits = model(source, decoder_input)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, 40), target.reshape(-1), ignore_index=0)
        adam.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        adam.step()

    return step


class Gpt(torch.nn.Module):
    """Tutorial 14's model (tutorials/14_gpt/gpt.h): token and learned
    position embeddings; pre-norm blocks x += attention(LN(x)) with a causal
    mask, x += Linear(ReLU(Linear(LN(x)))); a final LayerNorm and a Linear to
    the vocabulary, not tied to the embedding."""

    def __init__(self, vocab, context, width, heads, layers, feedforward):
        super().__init__()
        self.tokens = torch.nn.Embedding(vocab, width)
        self.positions = torch.nn.Embedding(context, width)
        self.blocks = torch.nn.ModuleList()
        for _ in range(layers):
            self.blocks.append(torch.nn.ModuleDict({
                "norm1": torch.nn.LayerNorm(width),
                "attention": torch.nn.MultiheadAttention(width, heads, batch_first=True),
                "norm2": torch.nn.LayerNorm(width),
                "feedforward": torch.nn.Sequential(torch.nn.Linear(width, feedforward), torch.nn.ReLU(),
                                                   torch.nn.Linear(feedforward, width)),
            }))
        self.final_norm = torch.nn.LayerNorm(width)
        self.output = torch.nn.Linear(width, vocab)
        self.register_buffer("mask", torch.full((context, context), float("-inf")).triu(1))

    def forward(self, ids):
        x = self.tokens(ids) + self.positions(torch.arange(ids.shape[1]))
        for block in self.blocks:
            normed = block["norm1"](x)
            x = x + block["attention"](normed, normed, normed, attn_mask=self.mask, need_weights=False)[0]
            x = x + block["feedforward"](block["norm2"](x))
        return self.output(self.final_norm(x))


def gpt_step():
    # One Adam step of tutorial 14's full-mode model: V=85, T=64, width 64, 4 heads, 2 blocks, B=16.
    torch.manual_seed(0)
    model = Gpt(85, 64, 64, 4, 2, 256)
    adam = torch.optim.Adam(model.parameters(), lr=0.003)
    inputs = torch.randint(1, 85, (16, 64))
    targets = torch.randint(1, 85, (16, 64))

    def step():
        adam.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(inputs).reshape(-1, 85), targets.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        adam.step()

    return step


WORKLOADS = {
    "op_overhead": lambda threads: op_overhead(False),
    "op_overhead_grad": lambda threads: op_overhead(True),
    "tiny_forward_backward": lambda threads: tiny_forward_backward(),
    "elementwise_add": lambda threads: elementwise_add(),
    "softmax": lambda threads: softmax(),
    "seq2seq_step": lambda threads: seq2seq_step(),
    "gpt_step": lambda threads: gpt_step(),
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
