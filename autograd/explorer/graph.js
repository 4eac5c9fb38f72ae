// ## The graph panel
//
// One recorded graph, each scope (a layer's call, a loop's step) folded
// into one box until opened. Consecutive sibling scopes of the same name
// (the steps of a loop) form a run, folded into one box "LSTM step ×60";
// opened, a run shows one step at a time, the steps before and after it
// folded into two boxes, with prev / next to walk it.

const BOX_HEIGHT = 26, RANK_STEP = 58, GAP = 16, LANE = 6;

// A binary min-heap of [key, value] pairs: lanes for long edges are handed
// out in n log n.
class Heap {
  constructor() { this.items = []; }
  get size() { return this.items.length; }
  peek() { return this.items[0]; }
  push(item) {
    const a = this.items;
    a.push(item);
    for (let i = a.length - 1; i > 0;) {
      const up = (i - 1) >> 1;
      if (a[up][0] <= a[i][0]) break;
      [a[up], a[i]] = [a[i], a[up]];
      i = up;
    }
  }
  pop() {
    const a = this.items, top = a[0], last = a.pop();
    if (a.length) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1, r = l + 1;
        let least = i;
        if (l < a.length && a[l][0] < a[least][0]) least = l;
        if (r < a.length && a[r][0] < a[least][0]) least = r;
        if (least === i) break;
        [a[least], a[i]] = [a[i], a[least]];
        i = least;
      }
    }
    return top;
  }
}

class GraphView {
  constructor(graph, parts) {
    Object.assign(this, parts);  // view, details, results, steppers: the panel's elements
    this.graph = graph;
    this.nodes = graph.nodes;
    this.consumers = this.nodes.map(() => []);
    for (const n of this.nodes) for (const i of n.inputs) this.consumers[i].push(n.id);
    this.scopes = new Map((graph.scopes || []).map((s) => [s.id, { ...s, children: [] }]));
    const top = [];
    for (const s of this.scopes.values()) {
      if (s.parent !== undefined && this.scopes.has(s.parent)) this.scopes.get(s.parent).children.push(s.id);
      else top.push(s.id);
    }
    this.runOf = new Map();  // scope id -> its run {id, name, ids}
    this.stepOf = new Map();  // scope id -> its index in its run
    this.makeRuns(top);
    for (const s of this.scopes.values()) this.makeRuns(s.children);
    // Each node's scopes, outermost first, and the text search looks in:
    // op, name, module path, scopes and the names of a fused op's internals.
    this.chains = this.nodes.map((n) => {
      const scopes = [];
      for (let s = n.scope; s !== undefined && this.scopes.has(s); s = this.scopes.get(s).parent) scopes.unshift(s);
      return scopes;
    });
    this.searchText = this.nodes.map((n) => [n.op, n.name, ...this.chains[n.id].map((s) => this.scopeTitle(s)),
      ...(n.internals || []).map((i) => i.name)].filter(Boolean).join("\n").toLowerCase());
    this.open = new Set();  // single scopes shown opened
    this.runAt = new Map();  // run id -> the step shown, for the opened runs
    this.layouts = new Map();  // state -> layout, so that nothing is laid out twice
    this.layoutCount = 0;
    this.drawnState = null;
    this.selected = graph.root;
    this.matches = new Set();
  }

  // Consecutive calls of one module (a loop's steps) fold into a run; two
  // modules of one type (query and key, both Dense) stay apart.
  makeRuns(ids) {
    let run = null;
    for (const id of ids.sort((a, b) => a - b)) {
      const { name, path } = this.scopes.get(id);
      if (run && run.name === name && run.path === path) run.ids.push(id);
      else run = { id, name, path, ids: [id] };
      this.runOf.set(id, run);
      this.stepOf.set(id, run.ids.length - 1);
    }
  }

  // "encoder.norm1 LayerNorm", or "LSTM step 17 of 60" for one of a run.
  scopeTitle(id) {
    const s = this.scopes.get(id), run = this.runOf.get(id);
    const name = run.ids.length > 1 ? `${s.name} ${this.stepOf.get(id) + 1} of ${run.ids.length}` : s.name;
    return s.path ? `${s.path} ${name}` : name;
  }

  nodeTitle(n) {
    const name = n.name ? ` "${n.name}"` : "";
    return `${n.op || "leaf"}${name} ${shapeText(n.shape)}`;
  }

  // The box a node is drawn in: its outermost folded scope or run part, or
  // itself ("n" id). A leaf (a parameter, a constant) goes where all its
  // users are folded. Keys: "s" a scope, "r" a whole run, "p" the steps of
  // a run before the one shown, "f" those following it.
  displays() {
    const keys = new Array(this.nodes.length);
    const boxOf = (n) => {
      for (const s of this.chains[n.id]) {
        const run = this.runOf.get(s);
        if (run.ids.length > 1) {
          const at = this.runAt.get(run.id), step = this.stepOf.get(s);
          if (at === undefined) return "r" + run.id;
          if (step < at) return "p" + run.id;
          if (step > at) return "f" + run.id;
        } else if (!this.open.has(s)) {
          return "s" + s;
        }
      }
      return "n" + n.id;
    };
    for (const n of this.nodes) if (n.inputs.length || !this.consumers[n.id].length) keys[n.id] = boxOf(n);
    for (const n of this.nodes) {
      if (keys[n.id] !== undefined) continue;
      const own = boxOf(n);
      const places = new Set(this.consumers[n.id].map((c) => keys[c]));
      const [place] = places;
      keys[n.id] = own[0] === "n" && places.size === 1 && place[0] !== "n" ? place : own;
    }
    return keys;
  }

  label(key) {
    const id = +key.slice(1);
    if (key[0] === "n") return this.nodeTitle(this.nodes[id]);
    if (key[0] === "s") return this.scopeTitle(id) + " \u25b8";
    const run = this.runOf.get(id), at = this.runAt.get(id), total = run.ids.length;
    const path = this.scopes.get(id).path ? this.scopes.get(id).path + " " : "";
    if (key[0] === "r") return `${path}${run.name} \u00d7${total} \u25b8`;
    if (key[0] === "p") return `${path}${run.name} ${at === 1 ? "1" : "1\u2013" + at} of ${total} \u25b8`;
    return `${path}${run.name} ${at + 2 === total ? total : at + 2 + "\u2013" + total} of ${total} \u25b8`;
  }

  state() {
    return JSON.stringify([[...this.open].sort((a, b) => a - b), [...this.runAt].sort((a, b) => a[0] - b[0])]);
  }

  // The layout of the current state, computed once per state.
  layout() {
    const state = this.state();
    if (!this.layouts.has(state)) {
      this.layouts.set(state, this.computeLayout());
      ++this.layoutCount;
    }
    return this.layouts.get(state);
  }

  // Boxes in ranks: each one rank below the lowest of its inputs, a leaf
  // just above its first user; within a rank, boxes move towards the
  // average place of their neighbours (a few sweeps down and up). An edge
  // between neighbouring ranks runs in the channel between them; a longer
  // one goes out to a lane in the left or right margin, lanes shared by
  // edges whose spans do not overlap. All of it n log n in the boxes and edges.
  computeLayout() {
    const keys = this.displays();
    const items = new Map();
    for (const n of this.nodes) {
      const key = keys[n.id];
      if (!items.has(key)) items.set(key, { key, last: n.id, inputs: new Set(), outputs: new Set(), members: [] });
      const item = items.get(key);
      item.last = n.id;
      item.members.push(n.id);
    }
    for (const n of this.nodes) {
      const to = keys[n.id];
      for (const i of n.inputs) {
        const from = keys[i];
        if (from !== to) {
          items.get(from).outputs.add(to);
          items.get(to).inputs.add(from);
        }
      }
    }
    // Ranks in topological order (Kahn's); folding can close a cycle (a
    // box whose output comes back into it), broken at the box recorded first.
    const ordered = [...items.values()].sort((a, b) => a.last - b.last);
    const waiting = new Map(ordered.map((item) => [item.key, item.inputs.size]));
    const ready = ordered.filter((item) => item.inputs.size === 0);
    let next = 0, unranked = 0;
    for (let done = 0; done < ordered.length; ++done) {
      let item;
      if (next < ready.length) {
        item = ready[next++];
      } else {
        while (ordered[unranked].rank !== undefined) ++unranked;
        item = ordered[unranked];
      }
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
        let first = Infinity;
        for (const k of item.outputs) first = Math.min(first, items.get(k).rank);
        item.rank = Math.max(0, first - 1);
      }
    }
    const ranks = [];
    for (const item of ordered) (ranks[item.rank] ||= []).push(item);
    for (let r = 0; r < ranks.length; ++r) ranks[r] ||= [];
    const place = (rank, neighbours) => {
      for (const item of rank) {
        let total = 0, count = 0;
        for (const k of neighbours(item)) {
          const p = items.get(k).place;
          if (p !== undefined) {
            total += p;
            ++count;
          }
        }
        item.weight = count ? total / count : item.place;
      }
      rank.sort((a, b) => a.weight - b.weight);
      rank.forEach((item, i) => (item.place = i));
    };
    for (const rank of ranks) rank.forEach((item, i) => (item.place = i));
    for (let sweep = 0; sweep < 4; ++sweep) {
      for (const rank of ranks) place(rank, (item) => item.inputs);
      for (let r = ranks.length - 1; r >= 0; --r) place(ranks[r], (item) => item.outputs);
    }
    const widths = ranks.map((rank) => rank.reduce((w, item) => {
      item.label = this.label(item.key);
      item.width = Math.max(60, item.label.length * 6.8 + 14);
      return w + item.width + GAP;
    }, 0));
    const widest = Math.max(...widths, 200);
    const channel = (rank, item) => 10 + rank * RANK_STEP + BOX_HEIGHT + 8 + (item.place % 4) * 5;

    // Long edges, bundled per source and side, get lanes.
    const bundles = new Map();
    for (const item of ordered) {
      for (const to of item.outputs) {
        const target = items.get(to);
        if (target.rank === item.rank + 1) continue;
        const side = item.place + target.place < (ranks[item.rank].length + ranks[target.rank].length) / 2 ? "left" : "right";
        const key = item.key + side;
        if (!bundles.has(key)) bundles.set(key, { item, side, low: item.rank, high: item.rank, targets: [] });
        const bundle = bundles.get(key);
        bundle.targets.push(target);
        bundle.low = Math.min(bundle.low, target.rank - 1);
        bundle.high = Math.max(bundle.high, target.rank - 1);
      }
    }
    const lanes = { left: 0, right: 0 };
    for (const side of ["left", "right"]) {
      const own = [...bundles.values()].filter((b) => b.side === side).sort((a, b) => a.low - b.low);
      const busy = new Heap(), free = new Heap();
      for (const bundle of own) {
        while (busy.size && busy.peek()[0] < bundle.low) {
          const [, lane] = busy.pop();
          free.push([lane, lane]);
        }
        bundle.lane = free.size ? free.pop()[1] : lanes[side]++;
        busy.push([bundle.high, bundle.lane]);
      }
    }
    const margin = { left: 14 + lanes.left * LANE, right: 14 + lanes.right * LANE };
    ranks.forEach((rank, r) => {
      let x = margin.left + (widest - widths[r]) / 2;
      for (const item of rank) {
        Object.assign(item, { x, y: 10 + r * RANK_STEP, centre: x + item.width / 2 });
        x += item.width + GAP;
      }
    });
    const width = margin.left + widest + margin.right;

    // One path per source box: its edges share the drop into the channel
    // below it and, when long, one lane.
    const paths = new Map();
    const add = (item, d) => paths.set(item.key, (paths.get(item.key) || "") + d);
    for (const item of ordered) {
      for (const to of item.outputs) {
        const target = items.get(to);
        if (target.rank !== item.rank + 1) continue;
        const y = channel(item.rank, item);
        add(item, `M${item.centre},${item.y + BOX_HEIGHT}V${y}H${target.centre}V${target.y}`);
      }
    }
    for (const bundle of bundles.values()) {
      const { item } = bundle;
      const x = bundle.side === "left" ? margin.left - 8 - bundle.lane * LANE : width - margin.right + 8 + bundle.lane * LANE;
      const y = channel(item.rank, item);
      for (const target of bundle.targets) {
        const end = target.rank >= 1 ? channel(target.rank - 1, item) : 4;
        add(item, `M${item.centre},${item.y + BOX_HEIGHT}V${y}H${x}V${end}H${target.centre}V${target.y}`);
      }
    }
    let arrows = "";
    for (const item of ordered) if (item.inputs.size) arrows += `M${item.centre - 4},${item.y - 6}L${item.centre},${item.y}L${item.centre + 4},${item.y - 6}z`;
    return { keys, items, paths, arrows, width, height: ranks.length * RANK_STEP + 20 };
  }

  // Draws the boxes when the state changed since the last drawing, then
  // marks the selection and the matches, and shows the selected node.
  render() {
    const state = this.state();
    if (this.drawnState !== state) {
      this.drawnState = state;
      this.draw(this.layout());
    }
    this.mark();
    this.showDetails(this.selected);
    this.showSteppers();
  }

  draw({ items, paths, arrows, width, height }) {
    const picture = svg("svg", { width, height, class: "graph" });
    for (const [from, d] of paths) picture.append(svg("path", { class: "edge", d, "data-from": from }));
    picture.append(svg("path", { class: "arrows", d: arrows }));
    this.boxes = new Map();
    for (const item of items.values()) {
      const kind = item.key[0] === "n" ? (this.nodes[+item.key.slice(1)].op ? "op" : "leaf") : "group";
      const box = svg("g", { class: `node ${kind}`, "data-node": item.key, tabindex: 0, role: "button",
                             "aria-label": kind === "group" ? `${item.label}: ${item.members.length} nodes, press to open` : item.label,
                             transform: `translate(${item.x},${item.y})` },
                      svg("rect", { width: item.width, height: BOX_HEIGHT, rx: 4 }),
                      svg("text", { x: 7, y: 17 }, item.label));
      pressable(box, () => this.clicked(item.key));
      if (kind === "group") hover(box, () => `${item.members.length} nodes: click to open`);
      else hover(box, () => item.label);
      box.item = item;
      this.boxes.set(item.key, box);
      picture.append(box);
    }
    this.view.replaceChildren(picture);
  }

  mark() {
    const selectedKey = this.layout().keys[this.selected];
    for (const [key, box] of this.boxes) {
      box.classList.toggle("selected", key === selectedKey);
      box.classList.toggle("match", this.matches.size > 0 && box.item.members.some((id) => this.matches.has(id)));
    }
  }

  // Scrolls the graph, not the page, to the selected box.
  scrollToSelected() {
    const box = this.boxes.get(this.layout().keys[this.selected]);
    if (!box) return;
    const { x, y, width } = box.item, view = this.view;
    view.scrollLeft = Math.max(0, x + width / 2 - view.clientWidth / 2);
    view.scrollTop = Math.max(0, y + BOX_HEIGHT / 2 - view.clientHeight / 2);
    box.focus({ preventScroll: true });
  }

  clicked(key) {
    const id = +key.slice(1);
    if (key[0] === "n") this.selected = id;
    else if (key[0] === "s") this.open.add(id);
    else if (key[0] === "r") this.runAt.set(id, 0);
    else this.runAt.set(id, this.runAt.get(id) + (key[0] === "p" ? -1 : 1));
    this.render();
    // An opened box is gone: the focus stays in the graph.
    (this.boxes.get(key) || this.view).focus({ preventScroll: true });
  }

  // Opens every scope and run step around node `id`.
  reveal(id) {
    const node = this.nodes[id];
    if (node.inputs.length === 0 && this.consumers[id].length > 0) this.reveal(this.consumers[id][0]);
    for (const s of this.chains[id]) {
      const run = this.runOf.get(s);
      if (run.ids.length > 1) this.runAt.set(run.id, this.stepOf.get(s));
      else this.open.add(s);
    }
  }

  select(id, internal) {
    this.reveal(id);
    this.selected = id;
    this.render();
    this.scrollToSelected();
    if (internal) {
      const entry = this.details.querySelector(`[data-internal="${CSS.escape(internal)}"]`);
      if (entry) {
        entry.open = true;
        entry.scrollIntoView({ block: "nearest" });
      }
    }
  }

  // For each opened run: prev, "17 of 60", next, fold.
  showSteppers() {
    const bars = [];
    for (const [id, at] of [...this.runAt].sort((a, b) => a[0] - b[0])) {
      const run = this.runOf.get(id), total = run.ids.length;
      const go = (step) => () => {
        this.runAt.set(id, step);
        this.render();
      };
      const button = (role, text, label, action, disabled) => {
        const b = html("button", { "data-role": role, title: `${label} of ${run.name}`, onclick: action }, text);
        b.disabled = disabled;
        return b;
      };
      bars.push(html("div", { class: "stepper", "data-role": "stepper", "data-run": id },
        html("span", {}, `${run.name}: `),
        button("prev", "\u25c0 prev", "previous step", go(at - 1), at === 0), " ",
        html("span", { "data-role": "step" }, `${at + 1} of ${total}`), " ",
        button("next", "next \u25b6", "next step", go(at + 1), at === total - 1), " ",
        button("fold-run", "fold", "fold the steps", () => {
          this.runAt.delete(id);
          this.render();
        }, false)));
    }
    // A keyboard user pressing next again and again keeps the focus on it.
    const focused = this.steppers.contains(document.activeElement) ? document.activeElement : null;
    const again = focused && focused.closest("[data-run]");
    this.steppers.replaceChildren(...bars);
    if (again) {
      const same = this.steppers.querySelector(`[data-run="${again.dataset.run}"] [data-role="${focused.dataset.role}"]`);
      if (same && !same.disabled) same.focus();
    }
  }

  nodeLink(id, internal) {
    const n = this.nodes[id];
    const text = internal ? `${internal}, inside ${this.nodeTitle(n)}` : this.nodeTitle(n);
    return html("button", { class: "link", "data-node-id": id, onclick: () => this.select(id, internal) }, text);
  }

  // The module path of the innermost scope that has one ("encoder.norm1").
  modulePath(id) {
    const named = this.chains[id].filter((s) => this.scopes.get(s).path);
    return named.length ? this.scopes.get(named[named.length - 1]).path : null;
  }

  showDetails(id) {
    const n = this.nodes[id];
    const parts = [html("h3", { id: "selected-op", "data-role": "selected" }, n.op || "leaf",
                        n.name ? html("span", { class: "name" }, ` "${n.name}"`) : "")];
    const rows = [["shape", shapeText(n.shape)], ["version", String(n.version)], ["requires grad", String(n.requires_grad)]];
    const path = this.modulePath(id);
    if (path) rows.push(["module", path]);
    if (n.where) rows.push(["recorded at", n.where]);
    if (n.kept) rows.push(["keeps", n.kept.join(", ")]);
    parts.push(html("table", {}, ...rows.map(([k, v]) => html("tr", {}, html("th", { scope: "row" }, k), html("td", {}, v)))));
    const chain = this.chains[id];
    if (chain.length) {
      const inside = html("div", { "data-role": "inside" }, "inside: ");
      chain.forEach((s, i) => {
        if (i) inside.append(" / ");
        inside.append(html("button", { class: "link", title: "fold it again", onclick: () => {
          const run = this.runOf.get(s);
          if (run.ids.length > 1) this.runAt.delete(run.id);
          else this.open.delete(s);
          this.render();
        } }, this.scopeTitle(s)));
      });
      inside.append(html("span", { class: "note" }, "  (click a name to fold it)"));
      parts.push(inside);
    }
    const formula = n.formula || (n.where && this.graph.formulas && this.graph.formulas[n.where]);
    if (formula) parts.push(html("h4", {}, "backward, as written beside the forward"), html("pre", {}, formula));
    parts.push(summary("value", n.value, n.shape));
    if (n.grad) parts.push(html("div", { class: "gradient" }, summary("gradient d(root)/d(this)", n.grad, n.shape)));
    else parts.push(html("h4", {}, "gradient"), html("div", { class: "note" }, "none: nothing that needs a gradient depends on it"));
    if (n.internals && n.internals.length) {
      parts.push(html("h4", {}, "inside this fused op"), ...n.internals.map((inner) =>
        html("details", { class: "internal", "data-internal": inner.name },
             html("summary", {}, `${inner.name} ${shapeText(inner.shape)}`), summary("value", inner.value, inner.shape))));
    }
    if (n.inputs.length) parts.push(html("h4", {}, "inputs"), ...n.inputs.map((i) => html("div", {}, this.nodeLink(i))));
    if (this.consumers[id].length) parts.push(html("h4", {}, "used by"), ...this.consumers[id].map((i) => html("div", {}, this.nodeLink(i))));
    this.details.replaceChildren(...parts);
  }

  // Marks and lists the nodes whose op, name, module path or internals
  // contain `text`; nothing is laid out again.
  search(text) {
    const wanted = text.trim().toLowerCase();
    const found = [];
    if (wanted) {
      this.nodes.forEach((n, id) => {
        if (!this.searchText[id].includes(wanted)) return;
        const inner = (n.internals || []).find((i) => i.name.toLowerCase().includes(wanted));
        found.push([id, inner && !this.nodeTitle(n).toLowerCase().includes(wanted) ? inner.name : undefined]);
      });
    }
    this.matches = new Set(found.map(([id]) => id));
    this.found = found;
    this.results.replaceChildren(...(wanted ? [html("div", { class: "note" }, `${found.length} nodes match` +
        (found.length > 40 ? ", the first 40 listed" : "") + (found.length ? "; Enter selects the first" : "")),
      ...found.slice(0, 40).map(([id, internal]) => html("div", { class: "result", "data-role": "result" }, this.nodeLink(id, internal),
        html("span", { class: "note" }, " " + this.chains[id].map((s) => this.scopeTitle(s)).join(" / "))))] : []));
    this.mark();
  }
}

function graphPanel(section) {
  section.append(html("p", { class: "note" }, "Each box is a node of the recorded graph (inputs above, the root below); " +
    "a dashed box is a layer or steps of a loop folded into one: click it (or Enter) to open it, and walk a loop's steps " +
    "with prev and next. Click a node for its value, its gradient, and the backward formula where the op recorded it. " +
    "Tab moves between boxes."));
  const view = html("div", { class: "graph-view", tabindex: 0, role: "region", "aria-label": "the graph" });
  const details = html("div", { class: "details", tabindex: 0, role: "region", "aria-label": "the selected node", "aria-live": "polite" });
  const results = html("div", { class: "search-results", role: "region", "aria-label": "search results" });
  const steppers = html("div", { class: "steppers" });
  const views = new Map();
  let shown = null;
  // A node selected in one graph stays selected in another of the same
  // structure (the probe's graph at another step): as many nodes, and the
  // same id with the same op and name.
  const show = (g) => {
    const before = shown;
    if (!views.has(g)) views.set(g, new GraphView(data.graphs[g].graph, { view, details, results, steppers }));
    shown = views.get(g);
    explorer.graph = shown;
    // The views share one drawing area: one shown again draws itself again.
    if (before !== shown) shown.drawnState = null;
    const kept = before && before.nodes[before.selected], same = kept && shown.nodes[kept.id];
    if (same && before.nodes.length === shown.nodes.length && same.op === kept.op && same.name === kept.name) {
      shown.reveal(kept.id);
      shown.selected = kept.id;
    }
    shown.render();
  };
  const chooser = html("select", { "aria-label": "graph", "data-role": "graph-choice", onchange: (e) => show(+e.target.value) },
                       ...data.graphs.map((g, i) => html("option", { value: i }, g.caption)));
  // Search waits for a pause in the typing; Enter searches at once and
  // selects the first match.
  let pending = null;
  const search = html("input", { type: "search", placeholder: "find an op, a name, a module...", id: "graph-search",
                                 "aria-label": "find nodes by op, name or module", "data-role": "search" });
  search.addEventListener("input", () => {
    clearTimeout(pending);
    pending = setTimeout(() => shown.search(search.value), 150);
  });
  search.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    clearTimeout(pending);
    shown.search(search.value);
    if (shown.found.length) shown.select(...shown.found[0]);
  });
  const fold = html("button", { "data-role": "fold-all", onclick: () => {
    shown.open.clear();
    shown.runAt.clear();
    shown.render();
  } }, "fold all");
  section.append(html("div", { class: "toolbar" }, chooser, " ", search, " ", fold), results, steppers,
                 html("div", { class: "graph-row" }, view, details));
  explorer.showGraph = (g) => {
    if (shown === views.get(g)) return;
    chooser.value = g;
    show(g);
  };
  show(explorer.followedGraph ?? 0);
  chooser.value = explorer.followedGraph ?? 0;
}

// The graph a timeline's slider asks for: shown at once when the graph
// panel is drawn, else when it is.
function followGraph(g) {
  explorer.followedGraph = g;
  if (explorer.showGraph) explorer.showGraph(g);
}
