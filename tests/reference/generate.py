#!/usr/bin/python3
"""Writes the reference fixtures in tests/reference/fixtures/ with PyTorch.

    /usr/bin/python3 tests/reference/generate.py      (Debian: python3-torch)

Each fixture holds the inputs, parameters and options of one op or layer, the
outputs PyTorch computes, a random upstream gradient for every output, and the
gradient that upstream gives every input and parameter. Inputs are rounded to
float32 so that both builds of attograd read them exactly; everything is then
computed in float64. The files are committed: the tests need no Python.

Where attograd follows Keras rather than PyTorch (Attention, AdditiveAttention,
MultiHeadAttention, masked LSTM steps), the fixture computes Keras's formula
with torch ops and its note says so.

File format, one record per line, '#' lines are comments:
    option NAME VALUE
    tensor NAME RANK DIM...   followed by one line of the elements, row-major
Names: input.X, param.X (attograd's parameter name), const.X (masks, targets),
output.X, upstream.X (d loss / d output.X), grad.input.X, grad.param.X.
"""

import math
import pathlib

import torch

torch.set_default_dtype(torch.float64)
FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"
generator = torch.Generator().manual_seed(20261124)


def normal(*shape, scale=1.0, low=None):
    """Normal values times scale, rounded to float32; with low, |x| >= low."""
    x = torch.randn(shape, generator=generator) * scale
    if low is not None:
        x = torch.where(x >= 0, x + low, x - low)
    return x.float().double()


def positive(*shape):
    return (torch.rand(shape, generator=generator) * 1.5 + 0.5).float().double()


def uniform(*shape, bound):
    return ((torch.rand(shape, generator=generator) * 2 - 1) * bound).float().double()


def write(name, note, inputs=None, params=None, consts=None, options=None, compute=None):
    """compute(**inputs, **params) -> dict of outputs; backward of sum(output * upstream)."""
    inputs = {k: v.clone().requires_grad_(True) for k, v in (inputs or {}).items()}
    params = {k: v.clone().requires_grad_(True) for k, v in (params or {}).items()}
    outputs = compute(**inputs, **params)
    upstream = {k: normal(*v.shape) for k, v in outputs.items()}
    loss = sum((outputs[k] * upstream[k]).sum() for k in outputs)
    leaves = list(inputs.values()) + list(params.values())
    grads = torch.autograd.grad(loss, leaves, allow_unused=True) if leaves else []
    grads = [torch.zeros_like(x) if g is None else g for x, g in zip(leaves, grads)]
    records = [("input." + k, v) for k, v in inputs.items()] + [("param." + k, v) for k, v in params.items()]
    records += [("const." + k, v) for k, v in (consts or {}).items()]
    records += [("output." + k, v) for k, v in outputs.items()] + [("upstream." + k, v) for k, v in upstream.items()]
    records += [("grad." + n, g) for (n, _), g in zip(records[: len(leaves)], grads)]
    save(name, note, options, records)


def save(name, note, options, records):
    lines = ["# Written by tests/reference/generate.py; do not edit.", *("# " + line for line in note.splitlines())]
    lines += [f"option {k} {float(v)!r}" for k, v in (options or {}).items()]
    for record, value in records:
        value = value.detach().double()
        lines.append(f"tensor {record} {value.dim()} {' '.join(str(d) for d in value.shape)}".rstrip())
        lines.append(" ".join(repr(x) for x in value.flatten().tolist()))
    (FIXTURES / f"{name}.txt").write_text("\n".join(lines) + "\n")


# ---- the primitives -------------------------------------------------------

def primitives():
    write("add_broadcast", "a + b, b broadcast over a's leading axis and last axis",
          inputs={"a": normal(2, 3, 4), "b": normal(3, 1)}, compute=lambda a, b: {"y": a + b})
    write("sub_broadcast", "a - b, a (2,1,4) against b (3,4)",
          inputs={"a": normal(2, 1, 4), "b": normal(3, 4)}, compute=lambda a, b: {"y": a - b})
    write("mul_broadcast", "a * b, a a vector against b (2,3,4)",
          inputs={"a": normal(4), "b": normal(2, 3, 4)}, compute=lambda a, b: {"y": a * b})
    write("div_broadcast", "a / b, b away from zero",
          inputs={"a": normal(2, 3), "b": positive(3)}, compute=lambda a, b: {"y": a / b})
    write("neg", "-x", inputs={"x": normal(3, 4)}, compute=lambda x: {"y": -x})
    write("pow", "x ** 2.5, x positive", inputs={"x": positive(3, 4)}, options={"exponent": 2.5},
          compute=lambda x: {"y": x ** 2.5})
    write("exp", "exp(x)", inputs={"x": normal(3, 4)}, compute=lambda x: {"y": torch.exp(x)})
    write("log", "log(x), x positive", inputs={"x": positive(3, 4)}, compute=lambda x: {"y": torch.log(x)})
    write("tanh", "tanh(x)", inputs={"x": normal(3, 4)}, compute=lambda x: {"y": torch.tanh(x)})
    write("sigmoid", "sigmoid(x)", inputs={"x": normal(3, 4)}, compute=lambda x: {"y": torch.sigmoid(x)})
    write("relu", "relu(x), x away from the kink", inputs={"x": normal(3, 4, low=0.05)},
          compute=lambda x: {"y": torch.relu(x)})
    write("sum_all", "x.sum()", inputs={"x": normal(2, 3, 4)}, compute=lambda x: {"y": x.sum()})
    write("sum_axis", "x.sum(1)", inputs={"x": normal(2, 3, 4)}, options={"axis": 1, "keepdim": 0},
          compute=lambda x: {"y": x.sum(1)})
    write("sum_axis_keepdim", "x.sum(-1, keepdim=True)", inputs={"x": normal(2, 3, 4)},
          options={"axis": -1, "keepdim": 1}, compute=lambda x: {"y": x.sum(-1, keepdim=True)})
    write("mean_all", "x.mean()", inputs={"x": normal(2, 3, 4)}, compute=lambda x: {"y": x.mean()})
    write("mean_axis_keepdim", "x.mean(0, keepdim=True)", inputs={"x": normal(2, 3, 4)},
          options={"axis": 0, "keepdim": 1}, compute=lambda x: {"y": x.mean(0, keepdim=True)})
    write("max_axis", "x.max(1).values (distinct values, so the gradient's target is unique)",
          inputs={"x": normal(2, 5, 3)}, options={"axis": 1, "keepdim": 0}, compute=lambda x: {"y": x.max(1).values})
    write("matmul", "a @ b", inputs={"a": normal(3, 4), "b": normal(4, 5)}, options={"trans_a": 0, "trans_b": 0},
          compute=lambda a, b: {"y": a @ b})
    write("matmul_trans_a", "a.T @ b", inputs={"a": normal(4, 3), "b": normal(4, 5)},
          options={"trans_a": 1, "trans_b": 0}, compute=lambda a, b: {"y": a.T @ b})
    write("matmul_trans_b", "a @ b.T", inputs={"a": normal(3, 4), "b": normal(5, 4)},
          options={"trans_a": 0, "trans_b": 1}, compute=lambda a, b: {"y": a @ b.T})
    write("matmul_batched", "a @ b over a batch axis", inputs={"a": normal(2, 3, 4), "b": normal(2, 4, 5)},
          options={"trans_a": 0, "trans_b": 0}, compute=lambda a, b: {"y": a @ b})
    write("matmul_broadcast", "a @ b, b's batch axis broadcast over a's",
          inputs={"a": normal(2, 2, 3, 4), "b": normal(1, 2, 4, 5)}, options={"trans_a": 0, "trans_b": 0},
          compute=lambda a, b: {"y": a @ b})
    write("reshape", "x.reshape(4, 6)", inputs={"x": normal(2, 3, 4)}, compute=lambda x: {"y": x.reshape(4, 6)})
    write("permute", "x.permute(2, 0, 1)", inputs={"x": normal(2, 3, 4)},
          compute=lambda x: {"y": x.permute(2, 0, 1)})
    write("transpose", "x.transpose(-2, -1)", inputs={"x": normal(2, 3, 4)},
          compute=lambda x: {"y": x.transpose(-2, -1)})
    write("slice_step", "x[:, 1:7:2]", inputs={"x": normal(2, 8, 3)},
          options={"axis": 1, "start": 1, "stop": 7, "step": 2}, compute=lambda x: {"y": x[:, 1:7:2]})
    write("concat", "torch.cat([a, b, c], 1)", inputs={"a": normal(2, 1, 3), "b": normal(2, 4, 3), "c": normal(2, 2, 3)},
          compute=lambda a, b, c: {"y": torch.cat([a, b, c], 1)})
    write("expand", "x.expand(2, 3, 4)", inputs={"x": normal(3, 1)}, compute=lambda x: {"y": x.expand(2, 3, 4)})
    write("unsqueeze_squeeze", "x.unsqueeze(1) and x.unsqueeze(1).squeeze(1) * 2", inputs={"x": normal(3, 4)},
          compute=lambda x: {"unsqueezed": x.unsqueeze(1), "squeezed": x.unsqueeze(1).squeeze(1) * 2})
    write("take_rows", "table[indices], a row taken twice; attograd's skip_row 3 gets no gradient\n"
          "(PyTorch: F.embedding with padding_idx=3)",
          inputs={"table": normal(5, 3)}, consts={"indices": torch.tensor([[1.0, 3.0, 1.0], [0.0, 4.0, 3.0]])},
          options={"skip_row": 3},
          compute=lambda table: {"y": torch.nn.functional.embedding(torch.tensor([[1, 3, 1], [0, 4, 3]]), table,
                                                                     padding_idx=3)})
    condition = (torch.rand(3, 4, generator=generator) > 0.5).double()
    write("where", "torch.where(condition, a, b), b broadcast", inputs={"a": normal(3, 4), "b": normal(4)},
          consts={"condition": condition}, compute=lambda a, b: {"y": torch.where(condition.bool(), a, b)})
    write("masked_fill", "x.masked_fill(mask, -2.5), mask broadcast over rows", inputs={"x": normal(3, 4)},
          consts={"mask": torch.tensor([1.0, 0.0, 0.0, 1.0])}, options={"value": -2.5},
          compute=lambda x: {"y": x.masked_fill(torch.tensor([True, False, False, True]), -2.5)})
    write("softmax", "softmax over the last axis", inputs={"x": normal(2, 3, 5, scale=3)},
          compute=lambda x: {"y": torch.softmax(x, -1)})
    write("log_softmax", "log_softmax over the last axis", inputs={"x": normal(2, 3, 5, scale=3)},
          compute=lambda x: {"y": torch.log_softmax(x, -1)})
    targets = torch.tensor([2.0, 0.0, -100.0, 4.0, 1.0])
    write("softmax_cross_entropy", "F.cross_entropy(logits, targets, ignore_index=-100): the mean over the\n"
          "rows that are not ignored", inputs={"logits": normal(5, 6, scale=2)}, consts={"targets": targets},
          options={"ignore_index": -100},
          compute=lambda logits: {"loss": torch.nn.functional.cross_entropy(logits, targets.long(), ignore_index=-100)})


def attention_reference(q, k, v, scale, causal, bias):
    scores = scale * q @ k.transpose(-2, -1)
    if bias is not None:
        scores = scores + bias
    if causal:
        tq, tv = scores.shape[-2:]
        scores = scores.masked_fill(torch.ones(tq, tv).triu(1).bool(), -math.inf)
    return torch.softmax(scores, -1) @ v


def attention_ops():
    q, k, v = normal(2, 2, 3, 4), normal(2, 2, 5, 4), normal(2, 2, 5, 3)
    write("sdpa", "softmax(scale q k^T) v, the portable form of F.scaled_dot_product_attention",
          inputs={"q": q, "k": k, "v": v}, options={"scale": 0.5, "causal": 0},
          compute=lambda q, k, v: {"y": attention_reference(q, k, v, 0.5, False, None)})
    q = normal(2, 2, 4, 4)
    write("sdpa_causal", "softmax(scale q k^T) v with keys j > i masked by -inf",
          inputs={"q": q, "k": normal(2, 2, 4, 4), "v": normal(2, 2, 4, 3)}, options={"scale": 0.5, "causal": 1},
          compute=lambda q, k, v: {"y": attention_reference(q, k, v, 0.5, True, None)})
    bias = normal(2, 1, 3, 5)
    write("sdpa_bias", "softmax(scale q k^T + bias) v, a float mask broadcast over heads",
          inputs={"q": normal(2, 2, 3, 4), "k": normal(2, 2, 5, 4), "v": normal(2, 2, 5, 3)},
          consts={"bias": bias}, options={"scale": 0.3, "causal": 0},
          compute=lambda q, k, v: {"y": attention_reference(q, k, v, 0.3, False, bias)})


# ---- LSTM -------------------------------------------------------------------

def lstm_keras(x, h, c, kernel, recurrent, bias, mask):
    """Keras's LSTM step by step with torch ops: gates i, f, c, o; masked steps carry h and c over."""
    outputs = []
    for t in range(x.shape[1]):
        i, f, g, o = (x[:, t] @ kernel + h @ recurrent + bias).chunk(4, -1)
        c_next = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h_next = torch.sigmoid(o) * torch.tanh(c_next)
        keep = mask[:, t : t + 1].bool()
        h, c = torch.where(keep, h_next, h), torch.where(keep, c_next, c)
        outputs.append(torch.cat([h, c], -1))
    return torch.stack(outputs, 1)


def lstm():
    batch, steps, features, units = 2, 4, 3, 5
    mask = torch.tensor([[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 0.0, 0.0]])
    write("lstm_sequence", "the lstm_sequence op: [h_t | c_t] for every step, with an initial state and a mask\n"
          "(Keras's masking, written with torch ops: a masked step keeps h and c)",
          inputs={"x": normal(batch, steps, features), "h0": normal(batch, units), "c0": normal(batch, units),
                  "kernel": normal(features, 4 * units, scale=0.5), "recurrent": normal(units, 4 * units, scale=0.5),
                  "bias": normal(4 * units, scale=0.5)},
          consts={"mask": mask},
          compute=lambda x, h0, c0, kernel, recurrent, bias: {"y": lstm_keras(x, h0, c0, kernel, recurrent, bias, mask)})

    # torch.nn.LSTM itself, its weights mapped to Keras's layout: kernel = weight_ih^T,
    # recurrent_kernel = weight_hh^T, bias = b_ih + b_hh (attograd's bias takes both).
    torch_lstm = torch.nn.LSTM(features, units, batch_first=True)
    weight_ih, weight_hh = normal(4 * units, features, scale=0.5), normal(4 * units, units, scale=0.5)
    b_ih, b_hh = normal(4 * units, scale=0.5), normal(4 * units, scale=0.5)
    b_ih = (b_ih + b_hh).float().double() - b_hh  # so that the sum is exact in float32

    with torch.no_grad():
        torch_lstm.weight_ih_l0.copy_(weight_ih)
        torch_lstm.weight_hh_l0.copy_(weight_hh)
        torch_lstm.bias_ih_l0.copy_(b_ih)
        torch_lstm.bias_hh_l0.copy_(b_hh)
    x, h0, c0 = normal(batch, steps, features), normal(batch, units), normal(batch, units)
    x.requires_grad_(True), h0.requires_grad_(True), c0.requires_grad_(True)
    outputs, (h_n, c_n) = torch_lstm(x, (h0.unsqueeze(0), c0.unsqueeze(0)))
    up_output, up_h, up_c = normal(*outputs.shape), normal(batch, units), normal(batch, units)
    loss = (outputs * up_output).sum() + (h_n[0] * up_h).sum() + (c_n[0] * up_c).sum()
    loss.backward()
    # Checked once more through the Keras formula: the two must agree before being written.
    keras_params = {"cell.kernel": weight_ih.T.contiguous(), "cell.recurrent_kernel": weight_hh.T.contiguous(),
                    "cell.bias": b_ih + b_hh}

    def keras(x, h0, c0, **p):
        both = lstm_keras(x, h0, c0, p["cell.kernel"], p["cell.recurrent_kernel"], p["cell.bias"],
                          torch.ones(batch, steps))
        return {"sequence": both[..., :units], "h": both[:, -1, :units], "c": both[:, -1, units:]}

    expected = keras(x.detach(), h0.detach(), c0.detach(), **keras_params)
    assert torch.allclose(expected["sequence"], outputs.detach(), atol=1e-12)
    assert torch.allclose(expected["c"], c_n[0].detach(), atol=1e-12)
    inputs = {"x": x.detach(), "h0": h0.detach(), "c0": c0.detach()}
    torch_grads = {"x": x.grad, "h0": h0.grad, "c0": c0.grad, "cell.kernel": torch_lstm.weight_ih_l0.grad.T,
                   "cell.recurrent_kernel": torch_lstm.weight_hh_l0.grad.T, "cell.bias": torch_lstm.bias_ih_l0.grad}
    write_with_upstream("lstm_layer", "nn.LSTM(return_sequences) with an initial state, against torch.nn.LSTM\n"
                        "(kernel = weight_ih^T, recurrent_kernel = weight_hh^T, bias = b_ih + b_hh)",
                        inputs, keras_params, {"sequence": outputs, "h": h_n[0], "c": c_n[0]},
                        {"sequence": up_output, "h": up_h, "c": up_c}, torch_grads)

    write("lstm_layer_masked", "nn.LSTM, last output only, zero initial state, right padding in the mask\n"
          "(Keras's formula with torch ops; torch.nn.LSTM has no masks)",
          inputs={"x": normal(batch, steps, features)},
          params={"cell.kernel": normal(features, 4 * units, scale=0.5),
                  "cell.recurrent_kernel": normal(units, 4 * units, scale=0.5), "cell.bias": normal(4 * units, scale=0.5)},
          consts={"mask": mask},
          compute=lambda x, **p: {"h": lstm_keras(x, torch.zeros(batch, units), torch.zeros(batch, units),
                                                  p["cell.kernel"], p["cell.recurrent_kernel"], p["cell.bias"],
                                                  mask)[:, -1, :units]})


def write_with_upstream(name, note, inputs, params, outputs, upstream, grads):
    """For fixtures whose backward ran outside write(): the same file layout."""
    records = [("input." + k, v) for k, v in inputs.items()] + [("param." + k, v) for k, v in params.items()]
    records += [("output." + k, v) for k, v in outputs.items()] + [("upstream." + k, v) for k, v in upstream.items()]
    records += [("grad.input." + k, grads[k]) for k in inputs] + [("grad.param." + k, grads[k]) for k in params]
    save(name, note, {}, records)


# ---- layers -----------------------------------------------------------------

def dense_layers():
    write("dense_relu", "Dense(4, 3, relu): relu(x kernel + bias) over a (2, 3, 4) input",
          inputs={"x": normal(2, 3, 4)}, params={"kernel": normal(4, 3), "bias": normal(3)},
          options={"activation": 1},
          compute=lambda x, kernel, bias: {"y": torch.relu(x @ kernel + bias)})
    write("dense_softmax", "Dense(4, 3, softmax)", inputs={"x": normal(5, 4)},
          params={"kernel": normal(4, 3), "bias": normal(3)}, options={"activation": 4},
          compute=lambda x, kernel, bias: {"y": torch.softmax(x @ kernel + bias, -1)})
    indices = torch.tensor([[0.0, 2.0, 4.0], [4.0, 1.0, 0.0]])
    write("embedding", "Embedding(5, 3, padding_index 0): F.embedding(indices, table, padding_idx=0)",
          params={"table": normal(5, 3)}, consts={"indices": indices}, options={"padding_index": 0},
          compute=lambda table: {"y": torch.nn.functional.embedding(indices.long(), table, padding_idx=0)})
    write("layer_norm", "LayerNorm(5): F.layer_norm(x, (5,), gamma, beta, eps=1e-5)",
          inputs={"x": normal(2, 3, 5, scale=2)}, params={"gamma": normal(5), "beta": normal(5)},
          compute=lambda x, gamma, beta: {"y": torch.nn.functional.layer_norm(x, (5,), gamma, beta, 1e-5)})


def keras_attention_output(scores, value, value_mask, query_mask, causal):
    """What Keras's Attention and AdditiveAttention do with the scores."""
    tq, tv = scores.shape[-2:]
    attend = torch.ones_like(scores)
    if value_mask is not None:
        attend = attend * value_mask[:, None, :]
    if causal:
        attend = attend * torch.ones(tq, tv).tril()
    weights = torch.softmax(scores - 1e9 * (1 - attend), -1)
    output = weights @ value
    if query_mask is not None:
        output = output * query_mask[:, :, None]
    return {"output": output, "weights": weights}


def attention_layers():
    q, k, v = normal(2, 3, 4), normal(2, 5, 4), normal(2, 5, 2)
    value_mask = torch.tensor([[1.0, 1.0, 0.0, 1.0, 1.0], [1.0, 0.0, 1.0, 1.0, 0.0]])
    query_mask = torch.tensor([[1.0, 1.0, 0.0], [1.0, 1.0, 1.0]])
    note = "\n(Keras's formula with torch ops: masked scores get 1e9 subtracted, output rows of masked queries are 0)"
    write("attention_dot", "keras.layers.Attention(): softmax(q key^T) value, no masks" + note,
          inputs={"query": q, "value": v, "key": k}, options={"use_scale": 0, "concat": 0, "causal": 0},
          compute=lambda query, value, key: keras_attention_output(query @ key.transpose(1, 2), value, None, None,
                                                                   False))
    write("attention_dot_scaled_masked", "keras.layers.Attention(use_scale=True), value and query masks" + note,
          inputs={"query": q, "value": v, "key": k}, params={"scale": torch.tensor(0.75)},
          consts={"value_mask": value_mask, "query_mask": query_mask},
          options={"use_scale": 1, "concat": 0, "causal": 0},
          compute=lambda query, value, key, scale: keras_attention_output(scale * query @ key.transpose(1, 2), value,
                                                                          value_mask, query_mask, False))
    q_self = normal(2, 5, 4)
    write("attention_dot_causal", "keras.layers.Attention(use_scale=True), use_causal_mask=True, a value mask" + note,
          inputs={"query": q_self, "value": v, "key": k}, params={"scale": torch.tensor(1.25)},
          consts={"value_mask": value_mask}, options={"use_scale": 1, "concat": 0, "causal": 1},
          compute=lambda query, value, key, scale: keras_attention_output(scale * query @ key.transpose(1, 2), value,
                                                                          value_mask, None, True))

    def concat_scores(query, key, scale, concat_score_weight):
        return concat_score_weight * torch.tanh(scale * (query[:, :, None, :] + key[:, None, :, :])).sum(-1)

    write("attention_concat", "keras.layers.Attention(use_scale=True, score_mode='concat'), masks" + note,
          inputs={"query": q, "value": v, "key": k},
          params={"scale": torch.tensor(0.75), "concat_score_weight": torch.tensor(1.5)},
          consts={"value_mask": value_mask, "query_mask": query_mask},
          options={"use_scale": 1, "concat": 1, "causal": 0},
          compute=lambda query, value, key, scale, concat_score_weight: keras_attention_output(
              concat_scores(query, key, scale, concat_score_weight), value, value_mask, query_mask, False))
    write("additive_attention", "keras.layers.AdditiveAttention(): sum_k scale_k tanh(q_i + key_j), masks" + note,
          inputs={"query": q, "value": v, "key": k}, params={"scale": uniform(4, bound=math.sqrt(3 / 4))},
          consts={"value_mask": value_mask, "query_mask": query_mask}, options={"use_scale": 1},
          compute=lambda query, value, key, scale: keras_attention_output(
              (scale * torch.tanh(query[:, :, None, :] + key[:, None, :, :])).sum(-1), value, value_mask,
              query_mask, False))


def multi_head_attention():
    heads, key_dim, value_dim, batch, tq, tv = 2, 3, 2, 2, 3, 4
    query_features, value_features, output_dim = 5, 4, 6
    params = {"query.kernel": normal(query_features, heads * key_dim, scale=0.5), "query.bias": normal(heads * key_dim),
              "key.kernel": normal(value_features, heads * key_dim, scale=0.5), "key.bias": normal(heads * key_dim),
              "value.kernel": normal(value_features, heads * value_dim, scale=0.5), "value.bias": normal(heads * value_dim),
              "output.kernel": normal(heads * value_dim, output_dim, scale=0.5), "output.bias": normal(output_dim)}
    value_mask = torch.tensor([[1.0, 1.0, 0.0, 1.0], [1.0, 0.0, 1.0, 1.0]])
    query_mask = torch.tensor([[1.0, 1.0, 0.0], [1.0, 1.0, 1.0]])

    def keras_mha(query, value, **p):
        def split(x, dim):  # (B, T, heads * dim) -> (B, heads, T, dim)
            return x.reshape(x.shape[0], x.shape[1], heads, dim).permute(0, 2, 1, 3)

        q = split(query @ p["query.kernel"] + p["query.bias"], key_dim) / math.sqrt(key_dim)
        k = split(value @ p["key.kernel"] + p["key.bias"], key_dim)
        v = split(value @ p["value.kernel"] + p["value.bias"], value_dim)
        attend = (query_mask[:, :, None] * value_mask[:, None, :])[:, None]  # (B, 1, Tq, Tv)
        weights = torch.softmax(q @ k.transpose(-2, -1) - 1e9 * (1 - attend), -1) * attend.amax(-1, keepdim=True)
        heads_out = (weights @ v).permute(0, 2, 1, 3).reshape(batch, tq, heads * value_dim)
        return {"output": heads_out @ p["output.kernel"] + p["output.bias"], "weights": weights}

    write("multi_head_attention", "keras.layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=2,\n"
          "output_shape=6), query and value masks (Keras's formula with torch ops: q scaled by 1/sqrt(key_dim),\n"
          "masked scores get 1e9 subtracted, a query row with nothing to attend to gets zero weights)",
          inputs={"query": normal(batch, tq, query_features), "value": normal(batch, tv, value_features)},
          params=params, consts={"value_mask": value_mask, "query_mask": query_mask},
          options={"num_heads": heads, "key_dim": key_dim, "value_dim": value_dim, "output_dim": output_dim},
          compute=keras_mha)

    # torch.nn.MultiheadAttention where the shapes allow it (every size equal to heads * head_dim).
    embed, heads = 6, 2
    params = {"query.kernel": normal(embed, embed, scale=0.5), "query.bias": normal(embed),
              "key.kernel": normal(embed, embed, scale=0.5), "key.bias": normal(embed),
              "value.kernel": normal(embed, embed, scale=0.5), "value.bias": normal(embed),
              "output.kernel": normal(embed, embed, scale=0.5), "output.bias": normal(embed)}

    def torch_mha(query, value, **p):
        # in_proj_weight stacks Wq, Wk, Wv as (out, in): attograd's kernels are their transposes.
        # key_padding_mask has the opposite polarity: true = ignore.
        weight = torch.cat([p["query.kernel"].T, p["key.kernel"].T, p["value.kernel"].T])
        bias = torch.cat([p["query.bias"], p["key.bias"], p["value.bias"]])
        output, weights = torch.nn.functional.multi_head_attention_forward(
            query.transpose(0, 1), value.transpose(0, 1), value.transpose(0, 1), embed, heads, weight, bias,
            None, None, False, 0.0, p["output.kernel"].T, p["output.bias"], training=False,
            key_padding_mask=value_mask == 0, need_weights=True, average_attn_weights=False)
        return {"output": output.transpose(0, 1), "weights": weights}

    write("multi_head_attention_torch", "torch.nn.functional.multi_head_attention_forward (what\n"
          "torch.nn.MultiheadAttention runs), 2 heads of 3, a key padding mask = not value_mask;\n"
          "in_proj_weight = [Wq^T; Wk^T; Wv^T], out_proj.weight = Wo^T",
          inputs={"query": normal(batch, tq, embed), "value": normal(batch, tv, embed)}, params=params,
          consts={"value_mask": value_mask},
          options={"num_heads": heads, "key_dim": embed // heads, "value_dim": embed // heads, "output_dim": embed},
          compute=torch_mha)


def losses():
    targets = torch.tensor([[1.0, 0.0, 3.0], [2.0, -100.0, -100.0]])
    write("cross_entropy", "F.cross_entropy over (N, T, C) logits, padding targets -100 ignored",
          inputs={"logits": normal(2, 3, 4, scale=2)}, consts={"targets": targets}, options={"ignore_index": -100},
          compute=lambda logits: {"loss": torch.nn.functional.cross_entropy(logits.reshape(6, 4),
                                                                            targets.reshape(6).long(),
                                                                            ignore_index=-100)})
    target = normal(3, 4)
    write("mse_loss", "F.mse_loss(prediction, target)", inputs={"prediction": normal(3, 4)}, consts={"target": target},
          compute=lambda prediction: {"loss": torch.nn.functional.mse_loss(prediction, target)})
    target = torch.rand(3, 4, generator=generator).float().double()
    write("binary_cross_entropy_with_logits", "F.binary_cross_entropy_with_logits, logits up to +-30",
          inputs={"logits": normal(3, 4, scale=10)}, consts={"target": target},
          compute=lambda logits: {"loss": torch.nn.functional.binary_cross_entropy_with_logits(logits, target)})


# ---- optimizers -------------------------------------------------------------

def optimizer_steps(name, note, make, options, steps=3):
    """Three steps of torch.optim on one parameter with fixed gradients; the weights after each."""
    weight = normal(3, 4)
    grads = [normal(3, 4) for _ in range(steps)]
    parameter = weight.clone().requires_grad_(True)
    optimizer = make([parameter])
    after = []
    for g in grads:
        parameter.grad = g.clone()
        optimizer.step()
        after.append(parameter.detach().clone())
    records = [("param.weight", weight)] + [(f"const.grad.{s}", g) for s, g in enumerate(grads)]
    records += [(f"output.weight.{s}", w) for s, w in enumerate(after)]
    save(name, note, options, records)


def optimizers():
    optimizer_steps("sgd_momentum", "torch.optim.SGD(lr=0.1, momentum=0.9, weight_decay=0.01)",
                    lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01),
                    {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01, "nesterov": 0})
    optimizer_steps("sgd_nesterov", "torch.optim.SGD(lr=0.05, momentum=0.8, nesterov=True)",
                    lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True),
                    {"lr": 0.05, "momentum": 0.8, "weight_decay": 0, "nesterov": 1})
    optimizer_steps("adam", "torch.optim.Adam(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1) (L2)",
                    lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1),
                    {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.1})
    optimizer_steps("adamw", "torch.optim.AdamW(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05)",
                    lambda p: torch.optim.AdamW(p, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05),
                    {"lr": 0.01, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.05})


def keras_conv2d(x, kernel, bias, strides, padding):
    """Keras's Conv2D on channels-last x with a (k, k, in, out) kernel, through torch's NCHW conv2d."""
    k = kernel.shape[0]
    nchw = x.permute(0, 3, 1, 2)
    if padding == "same":  # TensorFlow's rule: out = ceil(size / strides), the odd zero after
        pads = []
        for size in (x.shape[2], x.shape[1]):
            out = -(-size // strides)
            total = max((out - 1) * strides + k - size, 0)
            pads += [total // 2, total - total // 2]
        nchw = torch.nn.functional.pad(nchw, pads)
    y = torch.nn.functional.conv2d(nchw, kernel.permute(3, 2, 0, 1), bias, stride=strides)
    return y.permute(0, 2, 3, 1)


def convolutions():
    write("conv2d_same_strided", "Conv2D(3, filters 4, kernel 3, strides 2, padding same, relu) over (2, 5, 6, 3)",
          inputs={"x": normal(2, 5, 6, 3)}, params={"kernel": normal(3, 3, 3, 4, scale=0.5), "bias": normal(4)},
          options={"kernel_size": 3, "strides": 2, "padding": 1, "activation": 1},
          compute=lambda x, kernel, bias: {"y": torch.relu(keras_conv2d(x, kernel, bias, 2, "same"))})
    write("conv2d_valid", "Conv2D(2, filters 3, kernel 2, strides 1, padding valid) over (2, 4, 5, 2)",
          inputs={"x": normal(2, 4, 5, 2)}, params={"kernel": normal(2, 2, 2, 3), "bias": normal(3)},
          options={"kernel_size": 2, "strides": 1, "padding": 0, "activation": 0},
          compute=lambda x, kernel, bias: {"y": keras_conv2d(x, kernel, bias, 1, "valid")})
    write("max_pool2d", "max_pool2d(x, 2) over (2, 5, 7, 3): F.max_pool2d, the odd row and column dropped",
          inputs={"x": normal(2, 5, 7, 3)}, options={"pool": 2},
          compute=lambda x: {"y": torch.nn.functional.max_pool2d(x.permute(0, 3, 1, 2), 2).permute(0, 2, 3, 1)})


def transformer_params(prefix_attention, d_model, feedforward):
    """attograd's parameters of one attention block set, in attograd's names."""
    params = {}
    for name in prefix_attention:
        for part in ("query", "key", "value", "output"):
            params[f"{name}.{part}.kernel"] = normal(d_model, d_model, scale=0.4)
            params[f"{name}.{part}.bias"] = normal(d_model, scale=0.1)
    params["feedforward1.kernel"] = normal(d_model, feedforward, scale=0.4)
    params["feedforward1.bias"] = normal(feedforward, scale=0.1)
    params["feedforward2.kernel"] = normal(feedforward, d_model, scale=0.4)
    params["feedforward2.bias"] = normal(d_model, scale=0.1)
    return params


def as_torch_state(p, attentions, torch_attentions, norms):
    """attograd's parameters as the state of torch.nn.TransformerEncoderLayer / DecoderLayer:
    in_proj_weight = [Wq^T; Wk^T; Wv^T], out_proj.weight = Wo^T, linear.weight = kernel^T."""
    state = {}
    for name, torch_name in zip(attentions, torch_attentions):
        state[f"{torch_name}.in_proj_weight"] = torch.cat([p[f"{name}.{x}.kernel"].T for x in ("query", "key", "value")])
        state[f"{torch_name}.in_proj_bias"] = torch.cat([p[f"{name}.{x}.bias"] for x in ("query", "key", "value")])
        state[f"{torch_name}.out_proj.weight"] = p[f"{name}.output.kernel"].T
        state[f"{torch_name}.out_proj.bias"] = p[f"{name}.output.bias"]
    state["linear1.weight"], state["linear1.bias"] = p["feedforward1.kernel"].T, p["feedforward1.bias"]
    state["linear2.weight"], state["linear2.bias"] = p["feedforward2.kernel"].T, p["feedforward2.bias"]
    for norm in norms:
        state[f"{norm}.weight"], state[f"{norm}.bias"] = p[f"{norm}.gamma"], p[f"{norm}.beta"]
    return state


def transformers():
    d_model, heads, feedforward, batch, tt, ts = 6, 2, 10, 2, 4, 5
    source_mask = torch.tensor([[1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 0.0, 0.0]])
    target_mask = torch.tensor([[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 0.0]])
    call = torch.nn.utils.stateless.functional_call
    for norm_first in (True, False):
        suffix = "pre_norm" if norm_first else "post_norm"
        params = transformer_params(["self_attention"], d_model, feedforward)
        for norm in ("norm1", "norm2"):
            params[f"{norm}.gamma"], params[f"{norm}.beta"] = 1 + normal(d_model, scale=0.2), normal(d_model, scale=0.2)
        encoder = torch.nn.TransformerEncoderLayer(d_model, heads, feedforward, dropout=0.0, batch_first=True,
                                                   norm_first=norm_first, dtype=torch.float64)

        def encode(x, **p):
            state = as_torch_state(p, ["self_attention"], ["self_attn"], ["norm1", "norm2"])
            return {"y": call(encoder, state, (x,), {"src_key_padding_mask": source_mask == 0})}

        write(f"transformer_encoder_{suffix}", f"torch.nn.TransformerEncoderLayer(d_model=6, nhead=2,\n"
              f"dim_feedforward=10, dropout=0, batch_first=True, norm_first={norm_first}), relu,\n"
              "src_key_padding_mask = not padding_mask",
              inputs={"x": normal(batch, ts, d_model)}, params=params, consts={"padding_mask": source_mask},
              options={"d_model": d_model, "num_heads": heads, "feedforward": feedforward,
                       "norm_first": int(norm_first)}, compute=encode)

        params = transformer_params(["self_attention", "cross_attention"], d_model, feedforward)
        for norm in ("norm1", "norm2", "norm3"):
            params[f"{norm}.gamma"], params[f"{norm}.beta"] = 1 + normal(d_model, scale=0.2), normal(d_model, scale=0.2)
        decoder = torch.nn.TransformerDecoderLayer(d_model, heads, feedforward, dropout=0.0, batch_first=True,
                                                   norm_first=norm_first, dtype=torch.float64)
        causal = torch.triu(torch.full((tt, tt), float("-inf")), diagonal=1)

        def decode(x, memory, **p):
            state = as_torch_state(p, ["self_attention", "cross_attention"], ["self_attn", "multihead_attn"],
                                   ["norm1", "norm2", "norm3"])
            return {"y": call(decoder, state, (x, memory), {"tgt_mask": causal,
                                                             "tgt_key_padding_mask": target_mask == 0,
                                                             "memory_key_padding_mask": source_mask == 0})}

        write(f"transformer_decoder_{suffix}", f"torch.nn.TransformerDecoderLayer(d_model=6, nhead=2,\n"
              f"dim_feedforward=10, dropout=0, batch_first=True, norm_first={norm_first}), relu, a causal\n"
              "tgt_mask, tgt_key_padding_mask = not target_mask, memory_key_padding_mask = not memory_mask",
              inputs={"x": normal(batch, tt, d_model), "memory": normal(batch, ts, d_model)}, params=params,
              consts={"target_mask": target_mask, "memory_mask": source_mask},
              options={"d_model": d_model, "num_heads": heads, "feedforward": feedforward,
                       "norm_first": int(norm_first)}, compute=decode)
    length, dims = 7, 6
    position = torch.arange(length, dtype=torch.float64)[:, None]
    frequency = torch.exp(torch.arange(0, dims, 2, dtype=torch.float64) * (-math.log(10000.0) / dims))
    encoding = torch.zeros(length, dims)
    encoding[:, 0::2], encoding[:, 1::2] = torch.sin(position * frequency), torch.cos(position * frequency)
    save("positional_encoding", "sinusoidal positional encoding (7, 6), as in PyTorch's Transformer tutorial:\n"
         "pe[:, 0::2] = sin(position * exp(-log(10000) 2i / d)), pe[:, 1::2] = cos(...)",
         {"length": length, "d_model": dims}, [("output.y", encoding)])


if __name__ == "__main__":
    FIXTURES.mkdir(exist_ok=True)
    for old in FIXTURES.glob("*.txt"):
        old.unlink()
    for family in (primitives, attention_ops, lstm, dense_layers, attention_layers, multi_head_attention, losses,
                   optimizers, convolutions, transformers):
        family()
    print(f"wrote {len(list(FIXTURES.glob('*.txt')))} fixtures to {FIXTURES}")
