// The explorer page's script, first part: helpers every panel uses. The
// page's scripts (autograd/meson.build's explorer_scripts, joined in that order)
// share one scope: common.js, graph.js, checks.js, attention.js,
// curves.js, then main.js, which holds the page data's schema and draws
// the panels. Plain DOM and SVG: no library, nothing fetched.
"use strict";

const data = JSON.parse(document.getElementById("explorer-data").textContent);
const SVG_NS = "http://www.w3.org/2000/svg";

// ## Elements

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

// Enter and Space on a focusable element that is not a button act as a click.
function pressable(target, action) {
  target.addEventListener("click", action);
  target.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault();
    action(event);
  });
  return target;
}

// ## Numbers

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
  for (const list of [start, values]) {
    for (const v of list) {
      if (typeof v !== "number") continue;
      if (v < low) low = v;
      if (v > high) high = v;
    }
  }
  return low <= high ? [low, high] : [0, 0];
}

// Tokens as labels, a repeated one numbered by its occurrence ("a·1",
// "a·2"), so that a hover names one position, not any of several.
function positioned(tokens) {
  const total = new Map(), seen = new Map();
  tokens = tokens.map((t) => (t === " " ? "\u2423" : t));  // a space would be no label at all
  for (const t of tokens) total.set(t, (total.get(t) || 0) + 1);
  return tokens.map((t) => {
    if (total.get(t) === 1) return t;
    seen.set(t, (seen.get(t) || 0) + 1);
    return `${t}\u00b7${seen.get(t)}`;
  });
}

// ## Colours

// A colour is one 32-bit number (blue, green, red from the high byte down),
// so that a map's cells allocate nothing.
const WHITE = [255, 255, 255], RED = [200, 30, 40], BLUE = [30, 80, 200], NAVY = [35, 57, 91];
const pixel = (r, g, b) => ((b << 16) | (g << 8) | r) >>> 0;
const MAGENTA = pixel(221, 0, 255);
function mix(from, to, t) {
  const s = Math.min(Math.max(t, 0), 1);
  return pixel(Math.round(from[0] + (to[0] - from[0]) * s), Math.round(from[1] + (to[1] - from[1]) * s),
               Math.round(from[2] + (to[2] - from[2]) * s));
}
const cssColour = (p) => `rgb(${p & 255},${(p >>> 8) & 255},${(p >>> 16) & 255})`;
// Blue, white, red for t in [-1, 1]: white exactly at 0.
const diverging = (t) => (t >= 0 ? mix(WHITE, RED, t) : mix(WHITE, BLUE, -t));

// The scale of a heatmap over [low, high]: diverging around zero when the
// range spans it, white to navy otherwise. NaN and the infinities (strings)
// are magenta.
function scale(low, high) {
  const spans = low < 0 && high > 0;
  const reach = Math.max(-low, high);
  return {
    low, high, spans,
    colour: (v) => {
      if (typeof v !== "number") return MAGENTA;
      if (spans) return diverging(v / reach);
      return mix(WHITE, NAVY, high > low ? (v - low) / (high - low) : 0.5);
    },
    // CSS stops for the legend, the same colours as the cells.
    gradient: spans
      ? `linear-gradient(to right, ${cssColour(mix(WHITE, BLUE, -low / reach))}, #fff ${(100 * -low) / (high - low)}%, ${cssColour(mix(WHITE, RED, high / reach))})`
      : `linear-gradient(to right, #fff, ${cssColour(mix(WHITE, NAVY, 1))})`,
  };
}

// One colour per series name on every page: the name hashed (FNV-1a, 32
// bits) into the palette, so "train" has the same colour on each chart.
const PALETTE = ["#1a5fb4", "#c01c28", "#26a269", "#a35200", "#613583", "#0b7285", "#865e3c", "#c71585"];
function seriesColour(name) {
  let hash = 0x811c9dc5;
  for (const ch of new TextEncoder().encode(name)) hash = Math.imul(hash ^ ch, 0x01000193) >>> 0;
  return PALETTE[hash % PALETTE.length];
}

// ## The tooltip

// One tooltip for the whole page: shown on hover and on keyboard focus,
// kept inside the window, hidden when the pointer or the focus leaves. It
// is a live region, so a screen reader reads what a hover would show.
const tooltip = html("div", { class: "tooltip", id: "tooltip", role: "status", "aria-live": "polite" });
function showTooltip(text, x, y) {
  tooltip.textContent = text;
  tooltip.style.display = "block";
  const width = tooltip.offsetWidth, height = tooltip.offsetHeight;
  const left = x + 12 + width > innerWidth - 4 ? x - 12 - width : x + 12;
  const top = y + 12 + height > innerHeight - 4 ? y - 12 - height : y + 12;
  tooltip.style.left = Math.max(4, Math.min(left, innerWidth - width - 4)) + "px";
  tooltip.style.top = Math.max(4, Math.min(top, innerHeight - height - 4)) + "px";
}
function hideTooltip() {
  tooltip.style.display = "none";
}
// Hover text for a whole element, shown on pointer and on focus.
function hover(target, text) {
  target.addEventListener("mousemove", (event) => showTooltip(text(), event.clientX, event.clientY));
  target.addEventListener("mouseleave", hideTooltip);
  target.addEventListener("focus", () => {
    const at = target.getBoundingClientRect();
    showTooltip(text(), at.right, at.bottom);
  });
  target.addEventListener("blur", hideTooltip);
  // A click acts (selects, opens): the details it shows must not sit under
  // the focus's tooltip.
  target.addEventListener("click", hideTooltip);
}

// ## Heatmaps

// A cols x rows picture, pixel (r, c) of colour colourAt(r * cols + c), as
// the address of an uncompressed BMP: no canvas (whose context alone costs
// more than a small map, and "open all" draws hundreds), nothing to encode
// but base64, decoded by the browser when it paints.
function bitmap(cols, rows, colourAt) {
  const stride = Math.ceil((3 * cols) / 4) * 4, size = 54 + stride * rows;
  const bytes = new Uint8Array(size), header = new DataView(bytes.buffer);
  bytes.set([66, 77]);  // "BM"
  header.setUint32(2, size, true);
  header.setUint32(10, 54, true);  // where the pixels start
  header.setUint32(14, 40, true);  // BITMAPINFOHEADER
  header.setInt32(18, cols, true);
  header.setInt32(22, -rows, true);  // negative: the first row is the top one
  header.setUint16(26, 1, true);
  header.setUint16(28, 24, true);  // blue, green, red: a byte each
  for (let r = 0, k = 0; r < rows; ++r) {
    for (let c = 0, at = 54 + r * stride; c < cols; ++c, ++k, at += 3) {
      const p = colourAt(k);
      bytes[at] = (p >>> 16) & 255;
      bytes[at + 1] = (p >>> 8) & 255;
      bytes[at + 2] = p & 255;
    }
  }
  let text = "";
  for (let at = 0; at < size; at += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(at, at + 0x8000));
  return "data:image/bmp;base64," + btoa(text);
}

// A matrix {rows, cols, data} as coloured cells: an image of one pixel per
// cell scaled up by the browser without smoothing (a 400 x 400 map costs a
// pixel per entry), with what must stay sharp (outlines, the focused cell, a marked row, token
// labels) in an SVG laid over it. One listener each for the pointer and the
// keys: the cell under the pointer comes from its position, arrow keys move
// a focused cell, and the tooltip says describe(r, c, v) for either. Options:
//   name            what the map shows, for its accessible label;
//   cell            the side of a cell in pixels;
//   low, high       the range of the colour scale (default: the data's, with 0);
//   colour(v, r, c) a cell's colour (a pixel) instead of the scale's;
//   outlined(r, c)  cells drawn with a black outline;
//   rowLabels, colLabels  tokens written beside the rows and above the columns;
//   mark            the row outlined in red (an attention map's step);
//   legend          an element instead of the min / 0 / max legend;
//   onCell(r, c)    called on a click of a cell, or Enter on the focused one.
// Returns a <figure> of the map and its legend.
function heatmap(matrix, describe, options = {}) {
  const { rows, cols } = matrix;
  const cell = options.cell || Math.max(4, Math.min(16, Math.floor(280 / Math.max(cols, 1))));
  const [dataLow, dataHigh] = extent(matrix.data, [0]);
  const range = scale(options.low ?? dataLow, options.high ?? dataHigh);
  const labelled = options.rowLabels && cell >= 8;
  const left = labelled ? 90 : 0, top = labelled ? 70 : 0, right = labelled ? 60 : 0;
  const colourAt = (k) => (options.colour ? options.colour(matrix.data[k], Math.floor(k / cols), k % cols) : range.colour(matrix.data[k]));
  const attributes = { class: "heatmap", tabindex: 0, "data-rows": rows, "data-cols": cols, "data-cell": cell,
                       style: `left: ${left}px; top: ${top}px; width: ${cols * cell}px; height: ${rows * cell}px`,
                       "aria-label": `${options.name || "heatmap"}, ${rows} by ${cols}: arrow keys move between cells` };
  // The cells: an image of one pixel per cell, scaled up by the browser
  // without smoothing; what the pointer and the keys act on.
  const surface = html("img", { ...attributes, alt: attributes["aria-label"], draggable: "false", src: bitmap(cols, rows, colourAt) });

  const width = left + cols * cell + right, height = top + rows * cell;
  const overlay = svg("svg", { class: "heatmap-overlay", width, height, "aria-hidden": "true" });
  const at = (r, c, attributes) => svg("rect", { x: left + c * cell + 0.5, y: top + r * cell + 0.5, width: cell - 1, height: cell - 1, ...attributes });
  if (options.outlined) {
    for (let r = 0; r < rows; ++r) {
      for (let c = 0; c < cols; ++c) if (options.outlined(r, c)) overlay.append(at(r, c, { class: "outline", "data-row": r, "data-col": c }));
    }
  }
  if (labelled) {
    // Cells narrower than a line of text: every k-th label, so none overprints.
    const every = Math.ceil(12 / cell);
    options.rowLabels.forEach((label, r) => r % every === 0 &&
      overlay.append(svg("text", { x: left - 4, y: top + r * cell + cell * 0.75, "text-anchor": "end", "font-size": 11 }, label)));
    options.colLabels.forEach((label, c) => {
      if (c % every !== 0) return;
      const x = left + c * cell + cell * 0.7, y = top - 4;
      overlay.append(svg("text", { x, y, transform: `rotate(-45 ${x} ${y})`, "font-size": 11 }, label));
    });
  }
  if (options.mark !== undefined) {
    overlay.append(svg("rect", { class: "mark", x: left + 1, y: top + options.mark * cell + 1, width: cols * cell - 2, height: cell - 2 }));
  }
  const focusBox = at(0, 0, { class: "focused", visibility: "hidden" });
  overlay.append(focusBox);

  const say = (r, c) => describe(r, c, matrix.data[r * cols + c]);
  const cellAt = (event) => {
    const box = surface.getBoundingClientRect();
    const c = Math.floor((event.clientX - box.left) / cell), r = Math.floor((event.clientY - box.top) / cell);
    return r >= 0 && r < rows && c >= 0 && c < cols ? [r, c] : null;
  };
  surface.addEventListener("mousemove", (event) => {
    const hit = cellAt(event);
    if (hit) showTooltip(say(...hit), event.clientX, event.clientY);
    else hideTooltip();
  });
  surface.addEventListener("mouseleave", hideTooltip);
  let focused = null;  // [r, c] of the cell the keys move
  const showFocused = () => {
    focusBox.setAttribute("x", left + focused[1] * cell + 0.5);
    focusBox.setAttribute("y", top + focused[0] * cell + 0.5);
    focusBox.setAttribute("visibility", "visible");
    surface.dataset.focused = focused.join(",");
    const box = surface.getBoundingClientRect();
    showTooltip(say(...focused), box.left + (focused[1] + 1) * cell, box.top + (focused[0] + 1) * cell);
  };
  surface.addEventListener("focus", () => {
    focused ||= [0, 0];
    showFocused();
  });
  surface.addEventListener("blur", () => {
    hideTooltip();
    focusBox.setAttribute("visibility", "hidden");
  });
  const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
  if (options.onCell) {
    surface.style.cursor = "pointer";
    surface.addEventListener("click", (event) => {
      const hit = cellAt(event);
      if (hit) options.onCell(...hit);
    });
  }
  surface.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && options.onCell && focused) {
      event.preventDefault();
      options.onCell(...focused);
      return;
    }
    const move = moves[event.key];
    if (!move || !focused) return;
    event.preventDefault();
    focused = [Math.min(Math.max(focused[0] + move[0], 0), rows - 1), Math.min(Math.max(focused[1] + move[1], 0), cols - 1)];
    showFocused();
  });

  const frame = html("div", { class: "heatmap-frame", style: `width: ${width}px; height: ${height}px` }, surface, overlay);
  return html("figure", { class: "heatmap-figure" }, frame, options.legend || legend(range));
}

// The colour bar under a heatmap: its minimum, 0 where the range spans
// zero (a tick on the bar, its label kept clear of the others), its maximum.
function legend(range) {
  const zero = range.spans ? (100 * -range.low) / (range.high - range.low) : null;
  const bar = html("div", { class: "legend-bar", style: `background: ${range.gradient}` });
  if (zero !== null) bar.append(html("span", { class: "zero-tick", style: `left: ${zero}%` }));
  const labels = html("div", { class: "legend-labels" }, html("span", { class: "at-start", "data-mark": "min" }, number(range.low)));
  if (zero !== null) labels.append(html("span", { class: "at-zero", "data-mark": "zero", style: `left: ${Math.min(Math.max(zero, 35), 65)}%` }, "0"));
  labels.append(html("span", { class: "at-end", "data-mark": "max" }, number(range.high)));
  return html("figcaption", { class: "legend", "data-role": "legend" }, bar, labels);
}

// min, max, mean and the heatmap of a value or gradient summary; a tensor
// of three axes or more whose last two match an attention map's rows x cols
// gets its tokens.
function summary(title, s, shape) {
  const part = html("div", { class: "summary" });
  part.append(html("h4", {}, title));
  if (s.empty) {
    part.append("empty");
    return part;
  }
  const count = shape ? shape.reduce((a, b) => a * b, 1) : 0;
  part.append(html("div", {}, count === 1 ? number(s.min) : `min ${number(s.min)}   max ${number(s.max)}   mean ${number(s.mean)}`));
  if (s.heat) {
    const averaged = s.heat.of[0] > s.heat.rows || s.heat.of[1] > s.heat.cols;
    const tokens = averaged ? null : attentionTokens(shape, s.heat.rows);
    const describe = tokens
      ? (r, c, v) => `"${tokens.rows[r]}" (${tokens.row_label}) and "${tokens.cols[c]}" (${tokens.col_label}): ${number(v)}`
      : (r, c, v) => `${averaged ? "block" : "entry"} [${r}, ${c}]: ${number(v)}`;
    // The colour scale spans the tensor's own min and max (block means lie
    // inside them), so that the legend agrees with the line above it.
    const range = typeof s.min === "number" && typeof s.max === "number" ? { low: s.min, high: s.max } : {};
    part.append(heatmap(s.heat, describe, tokens ? { name: title, rowLabels: tokens.rows, colLabels: tokens.cols, cell: 12, ...range }
                                                 : { name: title, cell: 10, ...range }));
    if (averaged) {
      const [down, across] = s.heat.block || [1, 1];
      part.append(html("div", { class: "note" }, `${s.heat.of[0]} x ${s.heat.of[1]} entries drawn as ${s.heat.rows} x ${s.heat.cols} ` +
                                                 `cells, each the mean of ${down} x ${across}`));
    }
  }
  return part;
}

// The tokens of the first attention map whose rows x cols are the last two
// axes of `shape`, repeated down the heatmap's rows (one block per head or
// batch entry); null when none matches.
function attentionTokens(shape, heatRows) {
  // Attention weights come in batches, (B, T, S) or (B, H, T, S): a matrix
  // of two axes is a weight or an input, whatever its size.
  if (!shape || shape.length < 3) return null;
  const [rows, cols] = shape.slice(-2);
  const map = data.attention.find((m) => m.rows.length === rows && m.cols.length === cols);
  if (!map || heatRows % rows !== 0) return null;
  const rowTokens = positioned(map.rows);
  return { rows: Array.from({ length: heatRows }, (_, r) => rowTokens[r % rows]), cols: positioned(map.cols),
           row_label: map.row_label, col_label: map.col_label };
}

// ## The vectors behind a weight

// What the weight of (r, c) in head h of `map` is made of, where the map
// carries its queries and keys: q_r and k_c, their elementwise product,
// its sum times the scale (the score), and row r's scores through the
// softmax, which gives the weight again (beside the one recorded).
function vectorsView(map, h, r, c) {
  const q = map.queries[h], k = map.keys[h], d = q.cols;
  const qr = q.data.slice(r * d, (r + 1) * d), kc = k.data.slice(c * d, (c + 1) * d);
  const dot = (i, j) => {
    let total = 0;
    for (let x = 0; x < d; ++x) total += q.data[i * d + x] * k.data[j * d + x];
    return total;
  };
  const scores = Array.from({ length: k.rows }, (_, j) => map.scale * dot(r, j));
  const top = Math.max(...scores), exps = scores.map((s) => Math.exp(s - top)), total = exps.reduce((a, b) => a + b, 0);
  const weights = exps.map((e) => e / total);
  const row = (name, values) => html("div", { class: "vector" }, html("span", { class: "vector-name" }, name),
    heatmap({ rows: 1, cols: values.length, data: values }, (_, x, v) => `${name}, component ${x}: ${number(v)}`, { cell: 14, name }));
  const product = qr.map((v, x) => v * kc[x]);
  const rows = positioned(map.rows), cols = positioned(map.cols);
  return html("div", { class: "vectors", "data-role": "vectors", "data-cell": `${r},${c}` },
    html("h3", {}, `why "${rows[r]}" gives "${cols[c]}" ${number(map.heads[h].data[r * map.heads[h].cols + c])}` +
      (map.heads.length > 1 ? ` (head ${h})` : "")),
    row(`query q (${map.row_label} "${rows[r]}")`, qr), row(`key k (${map.col_label} "${cols[c]}")`, kc), row("q \u2299 k", product),
    html("p", { "data-role": "score" }, `score = ${number(map.scale)} \u00d7 \u03a3 q \u2299 k = ${number(map.scale)} \u00d7 ` +
      `${number(dot(r, c))} = ${number(scores[c])}`),
    html("table", { class: "stats" },
      html("tr", {}, html("th", {}, map.col_label), ...cols.map((t, j) => html("th", j === c ? { class: "chosen" } : {}, t))),
      html("tr", {}, html("th", {}, "score"), ...scores.map((s, j) => html("td", j === c ? { class: "chosen" } : {}, number(s)))),
      html("tr", {}, html("th", {}, "softmax"), ...weights.map((w, j) => html("td", j === c ? { class: "chosen", "data-role": "recomputed" } : {}, number(w))))),
    html("p", { class: "note" }, `The softmax of the row's scores gives ${number(weights[c])}; the run recorded ` +
      `${number(map.heads[h].data[r * map.heads[h].cols + c])} (rounded to 3 decimals).`));
}

// ## Pictures out

// A map {rows, cols, data} as a standalone SVG document: a rectangle per
// cell in the page's colours (the scale over [low, high]), the tokens
// beside, the title above.
function mapSvg(matrix, title, rowLabels, colLabels, low = 0, high = 1) {
  const cell = 16, left = 100, top = 90, range = scale(low, high);
  const width = left + matrix.cols * cell + 20, height = top + matrix.rows * cell + 20;
  const picture = svg("svg", { xmlns: SVG_NS, width, height, viewBox: `0 0 ${width} ${height}`, "font-family": "sans-serif" },
    svg("rect", { width, height, fill: "#fff" }), svg("text", { x: 8, y: 18, "font-size": 14 }, title));
  for (let r = 0; r < matrix.rows; ++r) {
    picture.append(svg("text", { x: left - 4, y: top + r * cell + 12, "text-anchor": "end", "font-size": 11 }, rowLabels[r]));
    for (let c = 0; c < matrix.cols; ++c) {
      const v = matrix.data[r * matrix.cols + c];
      picture.append(svg("rect", { x: left + c * cell, y: top + r * cell, width: cell, height: cell, fill: cssColour(range.colour(v)),
                                   "data-row": r, "data-col": c, "data-value": v }));
    }
  }
  colLabels.forEach((label, c) => {
    const x = left + c * cell + 11, y = top - 4;
    picture.append(svg("text", { x, y, transform: `rotate(-45 ${x} ${y})`, "font-size": 11 }, label));
  });
  return picture;
}

// Two links that save a picture: as SVG (the document made when clicked)
// and as PNG (that SVG drawn on a canvas). `name` is the file's name
// without its extension; makeSvg() returns an <svg> element.
function exportLinks(name, makeSvg) {
  const text = () => {
    const picture = makeSvg();
    picture.setAttribute("xmlns", SVG_NS);
    return new XMLSerializer().serializeToString(picture);
  };
  const asSvg = html("a", { class: "link export", "data-role": "export-svg", download: `${name}.svg`, href: "#" }, "SVG");
  asSvg.addEventListener("click", () => {
    asSvg.href = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text());
  });
  const asPng = html("a", { class: "link export", "data-role": "export-png", download: `${name}.png`, href: "#" }, "PNG");
  asPng.addEventListener("click", (event) => {
    if (asPng.dataset.ready) return;
    event.preventDefault();
    const source = text(), image = new Image();
    image.onload = () => {
      const canvas = html("canvas", { width: image.width, height: image.height });
      canvas.getContext("2d").drawImage(image, 0, 0);
      asPng.href = canvas.toDataURL("image/png");
      asPng.dataset.ready = "true";
      asPng.click();
      delete asPng.dataset.ready;
    };
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(source);
  });
  return html("span", { class: "exports" }, "save as ", asSvg, " ", asPng);
}
