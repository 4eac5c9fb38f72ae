// ## The page
//
// The page data, the JSON in <script id="explorer-data"> (written by
// autograd/explorer.cpp, a graph by graph_json and a check by gradcheck_json in
// autograd/graph_json.cpp). This list is the schema's one description;
// docs/explorer.md points here. Keys marked (optional) may be absent, and
// the page works without them.
//
//   title, precision ("double" | "float")
//   graphs[]: {caption, graph}
//     graph: {root, nodes[], scopes[], formulas (optional, "file:line" -> text)}
//     node: {id, op ("" for a leaf), name, shape[], version, requires_grad,
//            inputs[] (node ids), scope (optional), where (optional, "file:line"),
//            formula (optional), kept[] (optional), value, grad (optional),
//            internals[] (optional): {name, shape[], value} for a fused op}
//     value, grad: {empty: true} or {min, max, mean, heat (optional):
//                  {rows, cols, of: [rows, cols], block (optional): [down,
//                  across] entries a cell is the mean of, data[]}}
//     scope: {id, name, parent (optional), path (optional, "encoder.norm1")}
//   checks[]: {op, passed, failure, report, diagnosis, max_abs_error,
//              max_rel_error, entries_beyond (optional), atol, rtol,
//              output_shape[], inputs[]}
//     input: {shape[], rows, cols, shown_rows, shown_cols, analytic[], numeric[],
//             difference[] (optional), beyond (optional), beyond_shown (optional)}
//       (the shown block, row-major; difference = analytic - numeric in double)
//   attention[]: {title, row_label, col_label, rows[], cols[], heads[]: {rows, cols, data[]},
//                 scale, queries[], keys[] (optional, together): per head {rows, cols, data[]},
//                 the weight of (i, j) the softmax over j of scale * q_i . k_j}
//   curves[]: {title, x_label, y_label, series[]: {name, y[]}, steps_per_point (optional:
//             training steps per point, for curves a timeline's step is marked on)}
//   timelines[] (optional): {title, note, steps[]} (autograd/timeline.h)
//     step: {step, scalars: {name: value}, parameters[]: {name, norm, grad_norm,
//            log10_update}, activations[]: {layer, kind, share, count},
//            maps[] (as attention[]'s, to 3 decimals), graph (optional: an index into graphs[])}
//   checks_elsewhere (optional): {note, address}
// Numbers are JSON numbers; NaN and the infinities are strings.

// What the page holds, for the browser's console: the graph view shown.
const explorer = { graph: null };
data.timelines ??= [];

const panels = [
  ["graph", "graph", data.graphs.length, graphPanel],
  ["checks", "gradient checks", data.checks.length, checksPanel],
  ["attention", "attention", data.attention.length, attentionPanel],
  ["curves", "training curves", data.curves.length, curvesPanel],
  ["timeline", "training timeline", data.timelines.length, timelinePanel],
];
document.title = data.title;
const nav = html("nav", { "aria-label": "panels" });
const app = document.getElementById("app");
app.append(html("header", {}, html("h1", {}, data.title), nav), html("main", { id: "panels" }), tooltip);
// Each panel is drawn when first shown, so that the page appears at once.
const sections = {}, drawers = {};
for (const [id, title, count, draw] of panels) {
  const section = html("section", { id, class: "hidden", "aria-label": title }, html("h2", {}, title));
  if (id === "checks") checksElsewhere(section);
  if (count === 0 && !(id === "checks" && data.checks_elsewhere)) {
    const why = id === "checks" && data.precision === "float" && !data.checks_elsewhere
      ? " It is built in single precision, where gradcheck refuses to run (finite differences would drown in " +
        "rounding); tutorials 02, 04, 07 and 12, built in double, run them, and their pages show each one."
      : "";
    section.append(html("p", { class: "note" }, `This run has no ${title}.${why}`));
  } else {
    drawers[id] = () => {
      try {  // one panel's failure leaves the others usable, and is reported
        draw(section);
      } catch (error) {
        console.error(error);
        section.append(html("p", { class: "fail" }, `This panel could not be drawn: ${error}`));
      }
    };
  }
  sections[id] = section;
  document.getElementById("panels").append(section);
  nav.append(html("button", { "data-panel": id, onclick: () => show(id) }, `${title} (${count})`));
}
function show(id) {
  hideTooltip();
  if (drawers[id]) {
    drawers[id]();
    delete drawers[id];
  }
  for (const [other, section] of Object.entries(sections)) section.classList.toggle("hidden", other !== id);
  for (const button of nav.children) {
    button.classList.toggle("active", button.dataset.panel === id);
    button.setAttribute("aria-pressed", String(button.dataset.panel === id));
  }
}
// The first panel with something in it, the checks when one failed, or the
// one the address names (page.html#show=attention).
const firstFailed = data.checks.some((c) => !c.passed);
const asked = new URLSearchParams(location.hash.slice(1)).get("show");
show(sections[asked] ? asked : firstFailed ? "checks" : (panels.find(([, , count]) => count > 0) || panels[0])[0]);
