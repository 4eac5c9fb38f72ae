// The explorer page's script: draws what the page carries (the JSON in
// #explorer-data, written by autograd/explorer.cpp) as four panels,
// the graph, the gradient checks, the attention maps and the training
// curves. Plain DOM and SVG: no library, nothing fetched.
"use strict";

// Every error the page meets, for the browser test to read (see selfTest).
const errors = [];
window.addEventListener("error", (event) => errors.push(String(event.message)));
{
  const original = console.error;
  console.error = (...args) => {
    errors.push(args.join(" "));
    original(...args);
  };
}

const data = JSON.parse(document.getElementById("explorer-data").textContent);
const SVG_NS = "http://www.w3.org/2000/svg";

// ## Small helpers

function element(namespace, tag, attributes, children) {
  const made = namespace ? document.createElementNS(namespace, tag) : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (name.startsWith("on")) made.addEventListener(name.slice(2), value);
    else made.setAttribute(name, value);
  }
  for (const child of children || []) made.append(child);
  return made;
}
const html = (tag, attributes, ...children) => element(null, tag, attributes, children);
const svg = (tag, attributes, ...children) => element(SVG_NS, tag, attributes, children);

// 4 significant digits; NaN and the infinities arrive as strings.
function number(x) {
  if (typeof x === "string") return x;
  if (x === 0) return "0";
  if (Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3) return x.toExponential(3);
  let text = x.toPrecision(4);
  if (text.includes(".")) text = text.replace(/0+$/, "").replace(/\.$/, "");
  return text;
}
const shapeText = (shape) => "(" + shape.join(",") + ")";

// [min, max] of the numbers among values, with `start` inside the range
// (a loop: Math.min(...values) overflows the stack on a large map).
function extent(values, start = []) {
  let low = Infinity, high = -Infinity;
  for (const v of start.concat(values)) {
    if (typeof v !== "number") continue;
    if (v < low) low = v;
    if (v > high) high = v;
  }
  return low <= high ? [low, high] : [0, 0];
}

function mix(from, to, t) {
  const c = from.map((f, i) => Math.round(f + (to[i] - f) * Math.min(Math.max(t, 0), 1)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
// White to dark blue for values of one sign; blue, white, red across zero.
function colour(value, low, high) {
  if (typeof value === "string") return "#d0f";
  if (low < 0 && high > 0) {
    const t = value / Math.max(-low, high);
    return t >= 0 ? mix([255, 255, 255], [200, 30, 40], t) : mix([255, 255, 255], [30, 80, 200], -t);
  }
  const t = high > low ? (value - low) / (high - low) : 0.5;
  return mix([255, 255, 255], [35, 57, 91], t);
}

// One tooltip for the whole page, shown by hover().
const tooltip = html("div", { class: "tooltip", id: "tooltip" });
function hover(target, text) {
  target.addEventListener("mouseover", (event) => {
    tooltip.textContent = text();
    tooltip.style.display = "block";
    tooltip.style.left = event.clientX + 12 + "px";
    tooltip.style.top = event.clientY + 12 + "px";
  });
  target.addEventListener("mouseout", () => (tooltip.style.display = "none"));
}

// A matrix {rows, cols, data} as coloured cells; describe(r, c, v) is the hover text.
function heatmap(matrix, describe, options = {}) {
  const cell = options.cell || Math.max(4, Math.min(16, Math.floor(280 / Math.max(matrix.cols, 1))));
  const [dataLow, dataHigh] = extent(matrix.data, [0]);
  const low = options.low ?? dataLow, high = options.high ?? dataHigh;
  const left = options.rowLabels ? 90 : 0, top = options.colLabels ? 70 : 0;
  const right = options.colLabels ? 60 : 2;  // room for the last column's slanted label
  const picture = svg("svg", { width: left + matrix.cols * cell + right, height: top + matrix.rows * cell + 2, class: "heatmap" });
  for (let r = 0; r < matrix.rows; ++r) {
    for (let c = 0; c < matrix.cols; ++c) {
      const v = matrix.data[r * matrix.cols + c];
      const rect = svg("rect", { x: left + c * cell, y: top + r * cell, width: cell, height: cell, fill: colour(v, low, high),
                                 class: "cell", "data-row": r, "data-col": c });
      hover(rect, () => describe(r, c, v));
      picture.append(rect);
    }
  }
  (options.rowLabels || []).forEach((label, r) =>
    picture.append(svg("text", { x: left - 4, y: top + r * cell + cell * 0.75, "text-anchor": "end", "font-size": 11 }, label)));
  (options.colLabels || []).forEach((label, c) => {
    const x = left + c * cell + cell * 0.7, y = top - 4;
    picture.append(svg("text", { x, y, transform: `rotate(-45 ${x} ${y})`, "font-size": 11 }, label));
  });
  return picture;
}

// min, max, mean and the heatmap of a value or gradient summary.
function summary(title, s, sign) {
  const part = html("div", { class: sign });
  part.append(html("h4", {}, title));
  if (s.empty) {
    part.append("empty");
    return part;
  }
  part.append(html("div", {}, `min ${number(s.min)}   max ${number(s.max)}   mean ${number(s.mean)}`));
  if (s.heat) {
    const shown = s.heat.of[0] > s.heat.rows || s.heat.of[1] > s.heat.cols;
    part.append(heatmap(s.heat, (r, c, v) => `${shown ? "block" : "entry"} [${r}, ${c}]: ${number(v)}`, { cell: 10 }));
    if (shown) part.append(html("div", { class: "note" }, `${s.heat.of[0]} x ${s.heat.of[1]} averaged into ${s.heat.rows} x ${s.heat.cols} blocks`));
  }
  return part;
}

// ## The graph panel

// One recorded graph, with each scope (a layer's call, a loop's step)
// folded into one box until opened. Consecutive sibling scopes of the same
// name (the steps of a loop) fold further, into one box "name x N".
class GraphView {
  constructor(graph, view, details, results) {
    Object.assign(this, { graph, view, details, results });
    this.nodes = graph.nodes;
    this.consumers = this.nodes.map(() => []);
    for (const n of this.nodes) for (const i of n.inputs) this.consumers[i].push(n.id);
    this.scopes = new Map(graph.scopes.map((s) => [s.id, { ...s, children: [] }]));
    const top = [];
    for (const s of this.scopes.values()) {
      if (s.parent !== undefined && this.scopes.has(s.parent)) this.scopes.get(s.parent).children.push(s.id);
      else top.push(s.id);
    }
    this.runOf = new Map();
    this.makeRuns(top);
    for (const s of this.scopes.values()) this.makeRuns(s.children);
    this.expanded = new Set();
    this.selected = graph.root;
    this.matches = new Set();
  }

  makeRuns(ids) {
    let run = null;
    for (const id of ids.sort((a, b) => a - b)) {
      const name = this.scopes.get(id).name;
      if (run && run.name === name) run.ids.push(id);
      else run = { name, ids: [id], key: "r" + id };
      this.runOf.set(id, run);
    }
  }

  // "LSTM step 17": a scope's name, numbered when it is one of a run.
  scopeName(s) {
    const run = this.runOf.get(s);
    return run.ids.length > 1 ? `${run.name} ${run.ids.indexOf(s) + 1}` : run.name;
  }

  chain(node) {
    const scopes = [];
    for (let s = node.scope; s !== undefined && this.scopes.has(s); s = this.scopes.get(s).parent) scopes.unshift(s);
    return scopes;
  }

  // The box a node is drawn in: its outermost folded scope, or itself. A
  // leaf (a parameter, a constant) goes where all its users are folded.
  display(node) {
    for (const s of this.chain(node)) {
      const run = this.runOf.get(s);
      if (run.ids.length > 1 && !this.expanded.has(run.key)) return run.key;
      if (!this.expanded.has("s" + s)) return "s" + s;
    }
    if (node.inputs.length === 0 && this.consumers[node.id].length > 0) {
      const places = new Set(this.consumers[node.id].map((c) => this.display(this.nodes[c])));
      const [place] = places;
      if (places.size === 1 && place[0] !== "n") return place;
    }
    return "n" + node.id;
  }

  label(key) {
    if (key[0] === "n") {
      const n = this.nodes[+key.slice(1)];
      return `${n.op || (n.name ? "leaf " + n.name : "leaf")} ${shapeText(n.shape)}`;
    }
    const s = this.scopes.get(+key.slice(1));
    return key[0] === "r" ? `${s.name} \u00d7${this.runOf.get(s.id).ids.length} \u25b8` : `${s.name} \u25b8`;
  }

  reveal(id) {
    const node = this.nodes[id];
    if (node.inputs.length === 0 && this.consumers[id].length > 0) this.reveal(this.consumers[id][0]);
    for (const s of this.chain(node)) {
      const run = this.runOf.get(s);
      if (run.ids.length > 1) this.expanded.add(run.key);
      this.expanded.add("s" + s);
    }
  }

  select(id) {
    this.reveal(id);
    this.selected = id;
    this.render();
  }

  // Boxes in ranks: each box one rank below the lowest of its inputs, a
  // leaf just above its first consumer; within a rank, boxes move towards
  // the average place of their neighbours (a few sweeps down and up).
  layout() {
    const items = new Map();
    for (const n of this.nodes) {
      const key = this.display(n);
      if (!items.has(key)) items.set(key, { key, last: n.id, inputs: new Set(), outputs: new Set(), members: [] });
      const item = items.get(key);
      item.last = n.id;
      item.members.push(n.id);
    }
    for (const n of this.nodes) {
      const to = this.display(n);
      for (const i of n.inputs) {
        const from = this.display(this.nodes[i]);
        if (from !== to) {
          items.get(from).outputs.add(to);
          items.get(to).inputs.add(from);
        }
      }
    }
    // Ranks in topological order (Kahn's); folding can close a cycle (a
    // box whose output comes back into it), which is broken at the box
    // recorded first.
    const ordered = [...items.values()].sort((a, b) => a.last - b.last);
    const waiting = new Map(ordered.map((item) => [item.key, item.inputs.size]));
    const ready = ordered.filter((item) => item.inputs.size === 0);
    for (let done = 0; done < ordered.length; ++done) {
      const item = ready.length ? ready.shift() : ordered.find((i) => i.rank === undefined);
      item.rank = 0;
      for (const from of item.inputs) if (items.get(from).rank !== undefined) item.rank = Math.max(item.rank, items.get(from).rank + 1);
      waiting.delete(item.key);
      for (const to of item.outputs) {
        if (!waiting.has(to)) continue;
        waiting.set(to, waiting.get(to) - 1);
        if (waiting.get(to) === 0) ready.push(items.get(to));
      }
    }
    for (const item of ordered) {
      if (item.inputs.size === 0 && item.outputs.size > 0) {
        item.rank = Math.max(0, Math.min(...[...item.outputs].map((k) => items.get(k).rank)) - 1);
      }
    }
    const ranks = [];
    for (const item of ordered) (ranks[item.rank] ||= []).push(item);
    const place = (rank, neighbours) => {
      rank.forEach((item, i) => (item.place = i));
      for (const item of rank) {
        const around = [...neighbours(item)].map((k) => items.get(k).place).filter((p) => p !== undefined);
        item.weight = around.length ? around.reduce((a, b) => a + b, 0) / around.length : item.place;
      }
      rank.sort((a, b) => a.weight - b.weight);
      rank.forEach((item, i) => (item.place = i));
    };
    for (let sweep = 0; sweep < 4; ++sweep) {
      for (const rank of ranks) if (rank) place(rank, (item) => item.inputs);
      for (const rank of [...ranks].reverse()) if (rank) place(rank, (item) => item.outputs);
    }
    const widths = ranks.map((rank) => (rank || []).reduce((w, item) => {
      item.label = this.label(item.key);
      item.width = Math.max(60, item.label.length * 6.8 + 14);
      return w + item.width + 16;
    }, 0));
    const widest = Math.max(...widths, 200);
    ranks.forEach((rank, r) => {
      let x = 10 + (widest - widths[r]) / 2;
      for (const item of rank || []) {
        Object.assign(item, { x, y: 10 + r * 58 });
        x += item.width + 16;
      }
    });
    return { items, width: widest + 20, height: ranks.length * 58 + 20 };
  }

  render() {
    const { items, width, height } = this.layout();
    const picture = svg("svg", { width, height });
    picture.append(svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 8 8", refX: 8, refY: 4, markerWidth: 7, markerHeight: 7, orient: "auto" },
                                          svg("path", { d: "M0,0 L8,4 L0,8 z", fill: "#9aa" }))));
    for (const item of items.values()) {
      for (const to of item.outputs) {
        const target = items.get(to);
        const x1 = item.x + item.width / 2, y1 = item.y + 26, x2 = target.x + target.width / 2, y2 = target.y;
        const bend = Math.max(20, Math.abs(y2 - y1) / 2);
        picture.append(svg("path", { class: "edge", d: `M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2}`, "marker-end": "url(#arrow)" }));
      }
    }
    const selectedKey = this.display(this.nodes[this.selected]);
    for (const item of items.values()) {
      const kind = item.key[0] === "n" ? (this.nodes[+item.key.slice(1)].op ? "op" : "leaf") : "group";
      const matched = item.members.some((id) => this.matches.has(id));
      const box = svg("g", { class: `node ${kind}${item.key === selectedKey ? " selected" : ""}${matched ? " match" : ""}`,
                             "data-key": item.key, transform: `translate(${item.x},${item.y})`,
                             onclick: () => this.clicked(item) },
                      svg("rect", { width: item.width, height: 26, rx: 4 }),
                      svg("text", { x: 7, y: 17 }, item.label));
      if (kind === "group") hover(box, () => `${item.members.length} nodes: click to open`);
      picture.append(box);
    }
    this.view.replaceChildren(picture);
    this.showDetails(this.selected);
  }

  clicked(item) {
    if (item.key[0] === "n") {
      this.selected = +item.key.slice(1);
      this.render();
    } else {
      this.expanded.add(item.key);
      if (item.key[0] === "r") this.expanded.delete("s" + item.key.slice(1));
      this.render();
    }
  }

  nodeLink(id) {
    const n = this.nodes[id];
    return html("span", { class: "link", onclick: () => this.select(id) }, `${n.op || "leaf " + (n.name || "")} ${shapeText(n.shape)}`);
  }

  showDetails(id) {
    const n = this.nodes[id];
    const parts = [html("h3", { id: "selected-op" }, n.op || (n.name ? `leaf '${n.name}'` : "leaf"))];
    const rows = [["shape", shapeText(n.shape)], ["version", String(n.version)], ["requires grad", String(n.requires_grad)]];
    if (n.where) rows.push(["recorded at", n.where]);
    if (n.kept) rows.push(["keeps", n.kept.join(", ")]);
    parts.push(html("table", {}, ...rows.map(([k, v]) => html("tr", {}, html("td", {}, k), html("td", {}, v)))));
    const chain = this.chain(n);
    if (chain.length) {
      const path = html("div", {}, "inside: ");
      chain.forEach((s, i) => {
        if (i) path.append(" / ");
        path.append(html("span", { class: "link", title: "fold it again", onclick: () => {
          const run = this.runOf.get(s);
          this.expanded.delete("s" + s);
          if (run.ids.length > 1) this.expanded.delete(run.key);
          this.render();
        } }, this.scopeName(s)));
      });
      path.append(html("span", { class: "note" }, "  (click a name to fold it)"));
      parts.push(path);
    }
    const formula = n.formula || (n.where && this.graph.formulas && this.graph.formulas[n.where]);
    if (formula) parts.push(html("h4", {}, "backward, as written beside the forward"), html("pre", {}, formula));
    parts.push(summary("value", n.value, "value"));
    if (n.grad) parts.push(summary("gradient d(root)/d(this)", n.grad, "gradient"));
    else parts.push(html("h4", {}, "gradient"), html("div", { class: "note" }, "none: nothing that needs a gradient depends on it"));
    if (n.inputs.length) parts.push(html("h4", {}, "inputs"), ...n.inputs.map((i) => html("div", {}, this.nodeLink(i))));
    if (this.consumers[id].length) parts.push(html("h4", {}, "used by"), ...this.consumers[id].map((i) => html("div", {}, this.nodeLink(i))));
    this.details.replaceChildren(...parts);
  }

  search(text) {
    const wanted = text.trim().toLowerCase();
    this.matches = new Set(wanted ? this.nodes.filter((n) => (n.op || n.name || "leaf").toLowerCase().includes(wanted)).map((n) => n.id) : []);
    const found = [...this.matches].slice(0, 40).map((id) => html("div", { class: "result" }, this.nodeLink(id),
      html("span", { class: "note" }, " " + this.chain(this.nodes[id]).map((s) => this.scopeName(s)).join(" / "))));
    this.results.replaceChildren(...(wanted ? [html("div", { class: "note" }, `${this.matches.size} nodes match`), ...found] : []));
    this.render();
  }
}

function graphPanel(section) {
  section.append(html("p", { class: "note" }, "Each box is a node of the recorded graph (inputs above, the root below); " +
    "a dashed box is a layer or a step folded into one: click it to open it. Click a node for its value, its gradient, " +
    "and the backward formula where the op recorded it."));
  const view = html("div", { class: "graph-view" }), details = html("div", { class: "details" });
  const results = html("div", { class: "search-results" });
  let shown = null;
  const show = (g) => {
    shown = new GraphView(data.graphs[g].graph, view, details, results);
    shown.render();
  };
  const chooser = html("select", { onchange: (e) => show(+e.target.value) },
                       ...data.graphs.map((g, i) => html("option", { value: i }, g.caption)));
  const search = html("input", { type: "search", placeholder: "find an op: softmax, matmul...", id: "graph-search",
                                 oninput: (e) => shown.search(e.target.value) });
  const unfold = html("button", { onclick: () => { shown.expanded.clear(); shown.render(); } }, "fold all");
  section.append(html("div", { class: "toolbar" }, chooser, " ", search, " ", unfold), results,
                 html("div", { class: "row" }, view, details));
  show(0);
}

// ## The gradient-check panel

// A check's Jacobians are drawn when it is first opened: a page with forty
// checks of 64 x 64 entries would otherwise take seconds to appear.
const fillCheck = new Map();  // details element -> draws its contents once

function checksPanel(section) {
  const checks = [...data.checks].sort((a, b) => a.passed - b.passed);
  const failed = checks.filter((c) => !c.passed).length;
  section.append(html("p", { class: "note" }, `${checks.length} checks, ${failed} failed. Each compares the Jacobian ` +
    "that backward computes (analytic) with central differences (numeric), entry by entry: rows are the output's " +
    "elements, columns the input's."));
  const openAll = (open) => {
    for (const box of section.querySelectorAll("details.check")) {
      box.open = open;
      if (open) fillCheck.get(box)();
    }
  };
  section.append(html("div", { class: "toolbar" }, html("button", { onclick: () => openAll(true) }, "open all"), " ",
                      html("button", { onclick: () => openAll(false) }, "close all")));
  checks.forEach((check, index) => {
    const box = html("details", { class: "check" });
    if (!check.passed && index === 0) box.open = true;
    box.append(html("summary", {}, html("span", { class: check.passed ? "pass" : "fail" }, check.passed ? "PASS " : "FAIL "),
                    `${check.op}: max abs error ${number(check.max_abs_error)}`));
    box.append(html("pre", {}, check.report));
    if (check.diagnosis) box.append(html("pre", {}, check.diagnosis));
    let drawn = false;
    const fill = () => {
      if (drawn) return;
      drawn = true;
      drawJacobians(box, check);
    };
    fillCheck.set(box, fill);
    box.addEventListener("toggle", fill);
    if (box.open) fill();
    section.append(box);
  });
}

function drawJacobians(box, check) {
  check.inputs.forEach((input, i) => {
    const cut = input.shown_rows < input.rows || input.shown_cols < input.cols;
    box.append(html("h4", {}, `input ${i} ${shapeText(input.shape)} -> output ${shapeText(check.output_shape)}` +
                              (cut ? `: the first ${input.shown_rows} x ${input.shown_cols} of ${input.rows} x ${input.cols}` : "")));
    const [low, high] = extent(input.analytic.concat(input.numeric), [0]);
    const matrix = (entries) => ({ rows: input.shown_rows, cols: input.shown_cols, data: entries });
    const describe = (r, c) => {
      const k = r * input.shown_cols + c, a = input.analytic[k], n = input.numeric[k];
      return `d out[${r}] / d in${i}[${c}]\nanalytic ${number(a)}\nnumeric  ${number(n)}\ndifference ${typeof a === "number" && typeof n === "number" ? number(a - n) : "?"}`;
    };
    const difference = input.analytic.map((a, k) => (typeof a === "number" && typeof input.numeric[k] === "number" ? a - input.numeric[k] : a));
    box.append(html("div", { class: "row" },
      html("div", {}, html("div", {}, "analytic"), heatmap(matrix(input.analytic), describe, { low, high })),
      html("div", {}, html("div", {}, "numeric"), heatmap(matrix(input.numeric), describe, { low, high })),
      html("div", {}, html("div", {}, "analytic - numeric"), heatmap(matrix(difference), describe))));
  });
}

// ## The attention panel

function attentionPanel(section) {
  section.append(html("p", { class: "note" }, "Rows look, columns are looked at; each row sums to 1. Hover a cell for " +
    "its weight and the pair it joins; the slider walks the output steps, the selector the heads."));
  for (const map of data.attention) {
    const box = html("div", { class: "map" }, html("h2", {}, map.title));
    const picture = html("div"), bars = html("div");
    let head = 0, step = 0;
    const draw = () => {
      const matrix = map.heads[head];
      const cell = Math.max(10, Math.min(26, Math.floor(520 / Math.max(matrix.cols, 1))));
      const chart = heatmap(matrix, (r, c, v) => `${map.row_label} "${map.rows[r]}" looks at ${map.col_label} "${map.cols[c]}": ${number(v)}`,
                            { cell, rowLabels: map.rows, colLabels: map.cols, low: 0, high: 1 });
      chart.append(svg("rect", { x: 90, y: 70 + step * cell, width: matrix.cols * cell, height: cell, fill: "none", stroke: "#d0021b", "stroke-width": 2 }));
      picture.replaceChildren(chart);
      const row = matrix.data.slice(step * matrix.cols, (step + 1) * matrix.cols);
      bars.replaceChildren(html("div", { class: "note" }, `step ${step}: "${map.rows[step]}" looks at ` +
        row.map((w, c) => [w, c]).sort((a, b) => b[0] - a[0]).slice(0, 3).map(([w, c]) => `"${map.cols[c]}" ${number(w)}`).join(", ")));
    };
    const controls = html("div");
    if (map.heads.length > 1) {
      controls.append(html("label", {}, "head ", html("select", { class: "head", onchange: (e) => { head = +e.target.value; draw(); } },
        ...map.heads.map((_, h) => html("option", { value: h }, String(h))))));
    }
    controls.append(html("label", {}, "step ", html("input", { type: "range", class: "step", min: 0, max: map.rows.length - 1, value: 0,
                                                             oninput: (e) => { step = +e.target.value; draw(); } })));
    box.append(controls, picture, bars);
    section.append(box);
    draw();
  }
}

// ## The curves panel

function curvesPanel(section) {
  const palette = ["#1a5fb4", "#c01c28", "#26a269", "#e5a50a", "#613583"];
  for (const curve of data.curves) {
    const plot = 560, width = plot + 170, height = 280, left = 60, bottom = 40;  // the legend right of the plot
    const [low, high] = extent(curve.series.flatMap((s) => s.y));
    const most = Math.max(...curve.series.map((s) => s.y.length));
    const x = (i) => left + (most > 1 ? (i / (most - 1)) * (plot - left - 20) : 0);
    const y = (v) => 20 + (high > low ? (1 - (v - low) / (high - low)) : 0.5) * (height - bottom - 20);
    const chart = svg("svg", { width, height, class: "curve-chart" },
      svg("line", { class: "axis", x1: left, y1: height - bottom, x2: plot - 10, y2: height - bottom }),
      svg("line", { class: "axis", x1: left, y1: 10, x2: left, y2: height - bottom }),
      svg("text", { x: left - 6, y: y(high) + 4, "text-anchor": "end", "font-size": 11 }, number(high)),
      svg("text", { x: left - 6, y: y(low) + 4, "text-anchor": "end", "font-size": 11 }, number(low)),
      svg("text", { x: (plot + left) / 2, y: height - 8, "text-anchor": "middle", "font-size": 12 }, `${curve.x_label} (1 to ${most})`),
      svg("text", { x: 14, y: height / 2, transform: `rotate(-90 14 ${height / 2})`, "text-anchor": "middle", "font-size": 12 }, curve.y_label));
    curve.series.forEach((series, k) => {
      const stroke = palette[k % palette.length];
      chart.append(svg("polyline", { class: "curve", stroke, points: series.y.map((v, i) => `${x(i)},${y(v)}`).join(" ") }));
      series.y.forEach((v, i) => {
        const dot = svg("circle", { cx: x(i), cy: y(v), r: 4, fill: stroke });
        hover(dot, () => `${series.name}, ${curve.x_label} ${i + 1}: ${number(v)}`);
        chart.append(dot);
      });
      chart.append(svg("text", { x: plot + 4, y: 24 + 16 * k, fill: stroke, "font-size": 12 }, series.name));
    });
    section.append(html("div", { class: "map" }, html("h2", {}, curve.title), chart));
  }
}

// ## The page

const panels = [
  ["graph", "graph", data.graphs.length, graphPanel],
  ["checks", "gradient checks", data.checks.length, checksPanel],
  ["attention", "attention", data.attention.length, attentionPanel],
  ["curves", "training curves", data.curves.length, curvesPanel],
];
document.title = data.title;
const nav = html("nav");
const app = document.getElementById("app");
app.append(html("header", {}, html("h1", {}, data.title), nav), tooltip);
const sections = {};
for (const [id, title, count, draw] of panels) {
  const section = html("section", { id, class: "hidden" }, html("h2", {}, title));
  if (count === 0) {
    const why = id === "checks" && data.precision === "float"
      ? " It is built in single precision, where gradcheck refuses to run (finite differences would drown in " +
        "rounding); tutorials 02, 04, 07 and 12, built in double, run them, and their pages show each one."
      : "";
    section.append(html("p", { class: "note" }, `This run has no ${title}.${why}`));
  } else {
    try {  // one panel's failure leaves the others usable, and is reported
      draw(section);
    } catch (error) {
      errors.push(String(error));
      section.append(html("p", { class: "fail" }, `This panel could not be drawn: ${error}`));
    }
  }
  sections[id] = section;
  app.append(section);
  nav.append(html("button", { "data-panel": id, onclick: () => show(id) }, `${title} (${count})`));
}
function show(id) {
  for (const [other, section] of Object.entries(sections)) section.classList.toggle("hidden", other !== id);
  for (const button of nav.children) button.classList.toggle("active", button.dataset.panel === id);
}
// The first panel with something in it, the checks when one failed, or the
// one the address names (page.html#show=attention).
const firstFailed = data.checks.some((c) => !c.passed);
const asked = new URLSearchParams(location.hash.slice(1)).get("show");
show(sections[asked] ? asked : firstFailed ? "checks" : (panels.find(([, , count]) => count > 0) || panels[0])[0]);
const renderedAt = performance.now();

// ## The browser test's half
//
// Opened as page.html#selftest&op=softmax&pair=bonjour,hello (&map=N: in
// map N only, the others hidden), the page clicks and hovers as a learner would (and leaves
// the tooltip up, for a screenshot), and writes what it saw into
// <pre id="selftest-result"> for tests/tutorials/check_explorer.py. (The
// screenshots in docs/explorer.md are of such runs.)
function selfTest(params) {
  const result = { load_ms: renderedAt, errors };
  result.panels = {
    graph_boxes: document.querySelectorAll("#graph .node").length,
    checks: document.querySelectorAll("#checks details.check").length,
    attention: document.querySelectorAll("#attention .map").length,
    curves: document.querySelectorAll("#curves .curve-chart").length,
  };
  const click = (target) => target.dispatchEvent(new MouseEvent("click", { bubbles: true }));
  if (data.graphs.length) {
    const root = document.querySelector(`#graph .node[data-key="n${data.graphs[0].graph.root}"]`);
    if (root) click(root);
    result.root = root ? document.getElementById("selected-op").textContent : null;
    if (params.get("op")) {
      const search = document.getElementById("graph-search");
      search.value = params.get("op");
      search.dispatchEvent(new Event("input"));
      const link = [...document.querySelectorAll("#graph .result .link")].find((l) => l.textContent.startsWith(params.get("op")));
      if (link) click(link);
      const gradient = document.querySelector("#graph .details .gradient");
      const inside = [...document.querySelectorAll("#graph .details div")].find((d) => d.textContent.startsWith("inside: "));
      result.clicked = { op: document.getElementById("selected-op").textContent, gradient: gradient ? gradient.textContent : null,
                         gradient_cells: gradient ? gradient.querySelectorAll("rect").length : 0,
                         inside: inside ? inside.textContent : "" };
    }
  }
  const openAll = [...document.querySelectorAll("#checks button")].find((b) => b.textContent === "open all");
  if (openAll) click(openAll);
  result.check_cells = document.querySelectorAll("#checks rect.cell").length;
  result.failed_open_first = !firstFailed || document.querySelector("#checks details.check").querySelector(".fail") !== null;
  if (params.get("pair")) {
    const [row, col] = params.get("pair").split(",");
    result.hover = null;
    const only = params.has("map") ? +params.get("map") : -1;
    for (const [m, map] of data.attention.entries()) {
      const r = map.rows.indexOf(row), c = map.cols.indexOf(col);
      if (r < 0 || c < 0 || (only >= 0 && m !== only)) continue;
      const boxes = document.querySelectorAll("#attention .map"), box = boxes[m];
      if (only >= 0) boxes.forEach((other) => other.style.display = other === box ? "" : "none");
      const cell = box.querySelector(`rect[data-row="${r}"][data-col="${c}"]`);
      const at = cell.getBoundingClientRect();
      cell.dispatchEvent(new MouseEvent("mouseover", { bubbles: true, clientX: at.right, clientY: at.bottom }));
      result.hover = tooltip.textContent;
      break;
    }
  }
  document.body.append(html("pre", { id: "selftest-result", style: "display: none" }, JSON.stringify(result)));
}
if (location.hash.startsWith("#selftest")) selfTest(new URLSearchParams(location.hash.slice(1)));
