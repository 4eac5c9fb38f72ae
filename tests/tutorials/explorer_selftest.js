// The browser test's half of tests/tutorials/check_explorer.py: injected
// into a copy of an explorer page (never into a user's page), after the
// page's own script, it clicks, types, hovers and presses keys as a learner
// would, times what must be fast with performance.now(), runs axe-core when
// the copy loads it, and writes what it saw as JSON into
// <pre id="selftest-result">, which `chromium --dump-dom` hands back.
// The address says what to do: NAME.selftest.html#op=softmax&pair=bonjour,hello
// (&synthetic: the generated 2,000-node page, timed). Elements are found by
// their data attributes, never by their visible text.
"use strict";

(async () => {
  const params = new URLSearchParams(location.hash.slice(1));
  const result = { load_ms: performance.now(), errors: window.selftestErrors || [], width: innerWidth };
  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];
  const click = (target) => target.dispatchEvent(new MouseEvent("click", { bubbles: true }));
  const key = (target, name) => target.dispatchEvent(new KeyboardEvent("keydown", { key: name, bubbles: true }));
  const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
  const timed = (action) => {
    const start = performance.now();
    action();
    return performance.now() - start;
  };
  const tooltipShown = () => getComputedStyle($("#tooltip")).display !== "none";
  const selectedText = () => $('[data-role="selected"]')?.textContent ?? null;
  // Runs one part; an exception is a finding, not the end of the test.
  const part = async (name, body) => {
    try {
      result[name] = await body();
    } catch (error) {
      result.errors.push(`${name}: ${error && error.stack || error}`);
    }
  };
  const showPanel = (id) => click($(`nav [data-panel="${id}"]`));

  // Timings first, before anything waits: once the page has waited, headless
  // Chromium's virtual time stands still while a script runs.
  const testing = !params.has("synthetic") && !params.has("shot") && !params.has("reopen");
  if (data.checks.length && testing) showPanel("checks");
  const firstCheck = $("#checks details.check");
  const failedOpenFirst = !firstCheck || firstCheck.dataset.passed === "true" || firstCheck.open;
  const openAll = $('#checks [data-role="open-all"]');
  const openAllMs = openAll && testing ? timed(() => click(openAll)) : 0;
  // The timeline's slider, moved to the last step and back: each redraw timed.
  let timelineRedrawMs = null;
  if (data.timelines.length && testing) {
    showPanel("timeline");
    const slider = $('#timeline [data-timeline="0"] [data-role="timeline-step"]');
    const move = (k) => timed(() => {
      slider.value = k;
      slider.dispatchEvent(new Event("input"));
    });
    timelineRedrawMs = Math.max(move(data.timelines[0].steps.length - 1), move(0));
    // The slider took the graph panel to the probe's graph; the graph test
    // below starts from the page's first graph, chosen as a reader would.
    const chooser = $('[data-role="graph-choice"]');
    if (chooser) {
      chooser.value = 0;
      chooser.dispatchEvent(new Event("change"));
    }
  }

  // The centre of a heatmap's cell (r, c) in the window (its cells are
  // data-cell pixels wide).
  const cellCentre = (map, r, c) => {
    const at = map.getBoundingClientRect(), cell = +map.dataset.cell;
    return [at.left + (c + 0.5) * cell, at.top + (r + 0.5) * cell];
  };
  // Each cell's colour, [r, g, b], row by row, read from the bitmap the
  // map's image shows (a pixel per cell, rows top down, blue green red).
  const cellColours = (map) => {
    const bytes = Uint8Array.from(atob(map.src.slice(map.src.indexOf(",") + 1)), (ch) => ch.charCodeAt(0));
    const header = new DataView(bytes.buffer);
    const cols = header.getInt32(18, true), rows = -header.getInt32(22, true), stride = Math.ceil((3 * cols) / 4) * 4;
    const colours = [];
    for (let r = 0; r < rows; ++r) {
      for (let c = 0, at = header.getUint32(10, true) + r * stride; c < cols; ++c, at += 3) colours.push([bytes[at + 2], bytes[at + 1], bytes[at]]);
    }
    return colours;
  };
  const hoverCell = (map, r, c) => {
    const [x, y] = cellCentre(map, r, c);
    map.dispatchEvent(new MouseEvent("mousemove", { bubbles: true, clientX: x, clientY: y }));
    return tooltipShown() ? $("#tooltip").textContent : null;
  };

  // Hovers the attention cell where &pair=ROW,COL's row looks at its column
  // (in map &map=N alone, the others hidden); the tooltip's text.
  const hoverPair = () => {
    const [row, col] = params.get("pair").split(",");
    for (const [m, map] of data.attention.entries()) {
      const r = map.rows.indexOf(row), c = map.cols.indexOf(col);
      if (r < 0 || c < 0 || (params.has("map") && m !== +params.get("map"))) continue;
      const box = $(`#attention [data-map="${m}"]`);
      if (params.has("map")) $$("#attention .map").forEach((other) => (other.style.display = other === box ? "" : "none"));
      return hoverCell($(".heatmap", box), r, c);
    }
    return null;
  };

  // Edge segments (the paths are M, V and H only) that cross the inside of
  // a box: none may.
  const edgesThroughBoxes = () => {
    const boxes = $$("#graph .node").map((box) => {
      const [x, y] = box.getAttribute("transform").match(/[-\d.]+/g).map(Number);
      const rect = $("rect", box);
      return [x, y, x + +rect.getAttribute("width"), y + +rect.getAttribute("height")];
    });
    let crossings = 0, segments = 0;
    for (const path of $$("#graph path.edge")) {
      let x = 0, y = 0;
      for (const [, command, value] of path.getAttribute("d").matchAll(/([MVH])([-\d.e]+(?:,[-\d.e]+)?)/g)) {
        if (command === "M") {
          [x, y] = value.split(",").map(Number);
          continue;
        }
        const [x2, y2] = command === "V" ? [x, +value] : [+value, y];
        ++segments;
        const [lowX, highX, lowY, highY] = [Math.min(x, x2), Math.max(x, x2), Math.min(y, y2), Math.max(y, y2)];
        for (const [left, top, right, bottom] of boxes) {
          if (lowX < right - 0.5 && highX > left + 0.5 && lowY < bottom - 0.5 && highY > top + 0.5) ++crossings;
        }
        [x, y] = [x2, y2];
      }
    }
    return { crossings, segments };
  };

  if (params.has("reopen")) {
    // A link to a view (&reopen&show=timeline&step=S&map=M,H&cell=R,C):
    // what the timeline shows as the page opens, nothing clicked.
    const box = $('#timeline [data-timeline="0"]');
    result.reopened = { shown: !$("#timeline").classList.contains("hidden"), step: box?.dataset.step ?? null,
                        map: $('[data-part="maps"]', box)?.dataset.map ?? null,
                        cell: $('[data-part="vectors"] [data-role="vectors"]', box)?.dataset.cell ?? null };
  } else if (params.has("shot")) {
    // A screenshot's state only (&shot&show=graph): the op searched for and
    // its first node selected, or the pair hovered.
    showPanel(params.get("show"));
    if (params.get("show") === "graph" && params.get("op")) {
      const search = $('[data-role="search"]');
      search.value = params.get("op");
      key(search, "Enter");
    }
    if (params.get("show") === "attention" && params.get("pair")) hoverPair();
  } else if (params.has("synthetic")) {
    // The generated page, timed first: a 2,000-node graph and a 400 x 400
    // map; then it is tested as any page is.
    await part("synthetic", async () => {
      showPanel("graph");
      const view = explorer.graph;
      view.layouts.clear();
      const layout_ms = timed(() => view.layout());
      const draw_ms = timed(() => {
        view.drawnState = null;
        view.render();
      });
      const relayouts = view.layoutCount;
      view.render();
      showPanel("attention");
      const slider = $('#attention [data-role="step"]');
      slider.value = 7;
      const map_ms = timed(() => slider.dispatchEvent(new Event("input")));
      const surface = $("#attention .heatmap");
      const map = data.attention[0];
      const twice = map.rows.findIndex((t, r) => map.rows.indexOf(t) !== r);
      return { nodes: data.graphs[0].graph.nodes.length, boxes: $$("#graph .node").length, layout_ms, draw_ms,
               layouts_counted: view.layoutCount, relayouts_on_same_state: view.layoutCount - relayouts,
               edges: edgesThroughBoxes(), map_ms, map_cells: +surface.dataset.rows * +surface.dataset.cols,
               repeated_token: map.rows[twice], repeated_hover: hoverCell(surface, twice, 0) };
    });
  }
  if (!params.has("shot") && !params.has("reopen")) {
    if (data.graphs.length) {
      await part("graph", async () => {
        showPanel("graph");
        const view = explorer.graph, found = { folded_boxes: $$("#graph .node").length };
        const root = $(`#graph [data-node="n${data.graphs[0].graph.root}"]`);
        click(root);
        found.root = selectedText();
        const boxes = $$("#graph .node");
        found.keyboard = boxes.every((b) => b.getAttribute("tabindex") === "0" && b.getAttribute("role") === "button" && b.getAttribute("aria-label"));
        const other = boxes.find((b) => b.dataset.node[0] === "n" && b !== root);
        // Enter and Space on a box select it.
        if (other) {
          key(other, "Enter");
          const byEnter = view.selected === +other.dataset.node.slice(1);
          key($(`#graph [data-node="n${data.graphs[0].graph.root}"]`), " ");
          found.enter_selects = byEnter && view.selected === data.graphs[0].graph.root;
        }
        // Hover text on pointer and on focus, cleared on leaving, kept on screen.
        root.dispatchEvent(new MouseEvent("mousemove", { bubbles: true, clientX: 30, clientY: 30 }));
        const shownOnHover = tooltipShown();
        root.dispatchEvent(new MouseEvent("mouseleave"));
        const clearedOnLeave = !tooltipShown();
        root.dispatchEvent(new MouseEvent("mousemove", { bubbles: true, clientX: innerWidth - 2, clientY: innerHeight - 2 }));
        const at = $("#tooltip").getBoundingClientRect();
        const onScreen = at.left >= 0 && at.top >= 0 && at.right <= innerWidth && at.bottom <= innerHeight;
        root.dispatchEvent(new MouseEvent("mouseleave"));
        root.dispatchEvent(new FocusEvent("focus"));
        const shownOnFocus = tooltipShown();
        root.dispatchEvent(new FocusEvent("blur"));
        found.tooltip = { shownOnHover, clearedOnLeave, onScreen, shownOnFocus };
        // The details beside the graph.
        const v = $("#graph .graph-view").getBoundingClientRect(), d = $("#graph .details").getBoundingClientRect();
        found.details_beside = d.left >= v.right - 1 && Math.abs(d.top - v.top) < 5;

        // Search: waits for a pause in the typing, lays nothing out again,
        // Enter selects the first result and scrolls it into view.
        if (params.get("op")) {
          const search = $('[data-role="search"]');
          const layouts = view.layoutCount;
          search.value = params.get("op");
          search.dispatchEvent(new Event("input"));
          const resultsAtOnce = $$('#graph [data-role="result"]').length;
          await sleep(300);
          const resultsLater = $$('#graph [data-role="result"]').length;
          const relayouts = view.layoutCount - layouts;
          key(search, "Enter");
          const first = view.found[0] ? view.found[0][0] : null;
          const selected = $("#graph .node.selected");
          const box = selected ? selected.getBoundingClientRect() : null, frame = $("#graph .graph-view").getBoundingClientRect();
          found.search = { resultsAtOnce, resultsLater, relayouts_while_typing: relayouts,
                           enter_selected: first !== null && view.selected === first,
                           in_view: !!box && box.top >= frame.top && box.bottom <= frame.bottom && box.left >= frame.left && box.right <= frame.right };
          const link = $$('#graph [data-role="result"] .link').find((l) => view.nodes[+l.dataset.nodeId].op === params.get("op"));
          if (link) click(link);
          const gradient = $("#graph .details .gradient");
          const inside = $('#graph [data-role="inside"]');
          found.clicked = { op: view.nodes[view.selected].op, gradient: gradient ? gradient.textContent : null,
                            gradient_map: !!(gradient && $(".heatmap", gradient)), inside: inside ? inside.textContent : "" };
          found.edges_after_search = edgesThroughBoxes();
        }

        // A named node (a gate slice) shows its name, in its box and its details.
        const named = view.nodes.find((n) => n.op && n.name);
        if (named) {
          view.select(named.id);
          const box = $(`#graph [data-node="n${named.id}"]`);
          found.named = { name: named.name, heading: selectedText(), box: box ? box.textContent : null };
        }
        // A module path shows in the details of a node inside that module.
        const scoped = view.nodes.find((n) => view.modulePath(n.id));
        if (scoped) {
          view.select(scoped.id);
          const row = $$("#graph .details th").find((th) => th.nextSibling && th.nextSibling.textContent === view.modulePath(scoped.id));
          found.path = { path: view.modulePath(scoped.id), shown: !!row };
        }
        // Two modules of one type called one after the other (a query and a
        // key Dense) are two runs, not one run of two steps.
        const twins = [...view.scopes.values()].filter((s, i, all) => i > 0 && all[i - 1].name === s.name &&
          all[i - 1].parent === s.parent && all[i - 1].path && s.path && all[i - 1].path !== s.path);
        if (twins.length && found.path) found.path.apart = twins.every((s) => view.runOf.get(s.id).ids.length === 1);
        // Internals of a fused op: one search away.
        const fused = view.nodes.find((n) => n.internals && n.internals.length);
        if (fused) {
          const search = $('[data-role="search"]');
          search.value = fused.internals[0].name;
          key(search, "Enter");
          const entry = $(`#graph .details [data-internal="${CSS.escape(fused.internals[0].name)}"]`);
          found.internals = { name: fused.internals[0].name, selected_has_it: !!view.nodes[view.selected].internals,
                              entry_open: !!(entry && entry.open), heatmap: !!(entry && $(".heatmap", entry)) };
        }
        // A tensor shaped like an attention map gets its tokens.
        const shaped = view.nodes.find((n) => n.shape.length >= 3 && n.value.heat && n.value.heat.of[0] === n.value.heat.rows &&
          n.value.heat.of[1] === n.value.heat.cols && data.attention.some((m) => m.rows.length === n.shape[n.shape.length - 2] &&
            m.cols.length === n.shape[n.shape.length - 1]));
        if (shaped) {
          view.select(shaped.id);
          const surface = $("#graph .details .heatmap");
          surface.dispatchEvent(new FocusEvent("focus"));
          found.tokens = { node: shaped.id, shape: shaped.shape, focus_text: tooltipShown() ? $("#tooltip").textContent : null };
          surface.dispatchEvent(new FocusEvent("blur"));
        }

        // Folded runs: one step at a time, numbered, with prev and next.
        $('[data-role="fold-all"]').click();
        for (let round = 0; round < 3 && !$('#graph [data-node^="r"]'); ++round) {
          const group = $('#graph [data-node^="s"]');
          if (!group) break;
          click(group);
        }
        const run = $('#graph [data-node^="r"]');
        if (run) {
          const folded = run.textContent, boxesFolded = $$("#graph .node").length;
          key(run, "Enter");
          const stepper = $('#graph [data-role="stepper"]');
          const first = $('[data-role="step"]', stepper).textContent;
          click($('[data-role="next"]', stepper));
          const second = $('#graph [data-role="stepper"] [data-role="step"]').textContent;
          const boxes = $$("#graph .node");
          const ids = boxes.map((b) => b.dataset.node);
          found.run = { folded, first, second, boxes_folded: boxesFolded, boxes: boxes.length, unique: new Set(ids).size === ids.length,
                        edge_paths: $$("#graph path.edge").length, edges: edgesThroughBoxes(),
                        before: $$('#graph [data-node^="p"]').map((b) => b.textContent),
                        after: $$('#graph [data-node^="f"]').map((b) => b.textContent) };
          // The focus stays on next, for a keyboard user walking the steps.
          const next = $('#graph [data-role="stepper"] [data-role="next"]');
          next.focus();
          click(next);
          found.run.focus_kept = document.activeElement?.dataset.role === "next";
        }
        found.boxes = $$("#graph .node").length;
        found.edge_paths = $$("#graph path.edge").length;
        found.edges = edgesThroughBoxes();
        found.layouts = view.layoutCount;
        return found;
      });
    }

    if (data.checks.length || data.checks_elsewhere) {
      await part("checks", async () => {
        showPanel("checks");
        const found = {};
        const elsewhere = $('#checks [data-role="checks-elsewhere"] a');
        found.elsewhere = elsewhere ? elsewhere.getAttribute("href") : null;
        found.failed_open_first = failedOpenFirst;
        found.open_all_ms = openAllMs;
        found.cells = $$("#checks .heatmap").reduce((n, c) => n + +c.dataset.rows * +c.dataset.cols, 0);
        // Every difference panel: cells coloured, read from its pixels (any
        // channel below 254: 1/255 of full colour or more), and cells outlined.
        found.differences = [];
        for (const panel of $$("#checks [data-role=difference]")) {
          const map = $(".heatmap", panel);
          const coloured = cellColours(map).filter((rgb) => rgb.some((v) => v < 254)).length;
          const outlined = $$(".heatmap-overlay .outline", panel).length;
          const check = +panel.closest("details.check").dataset.check;
          const hover = hoverCell(map, 0, 0);
          map.dispatchEvent(new MouseEvent("mouseleave"));
          found.differences.push({ check, input: +panel.dataset.input, coloured, outlined, legend: !!$('[data-role="legend"]', panel),
                                   largest: +$('[data-role="largest-difference"]', panel).textContent, hover });
        }
        return found;
      });
    }

    if (data.attention.length) {
      await part("attention", async () => {
        showPanel("attention");
        const found = {};
        // Arrow keys move the focused cell, and the tooltip follows.
        const surface = $("#attention .heatmap");
        surface.dispatchEvent(new FocusEvent("focus"));
        const first = $("#tooltip").textContent;
        key(surface, "ArrowRight");
        key(surface, "ArrowDown");
        found.keys = { focusable: surface.getAttribute("tabindex") === "0" && !!surface.getAttribute("aria-label"),
                       first, moved: $("#tooltip").textContent, focused: surface.dataset.focused ?? null };
        surface.dispatchEvent(new FocusEvent("blur"));
        if (params.get("pair")) found.hover = hoverPair();
        return found;
      });
    }

    if (data.curves.length) {
      await part("curves", async () => {
        showPanel("curves");
        const chart = $("#curves .curve-chart");
        const ticks = (axis) => $$(`[data-role="tick"][data-axis="${axis}"]`, $("#curves .curve-chart")).map((t) => t.textContent);
        const found = { x_ticks: ticks("x"), y_ticks: ticks("y") };
        found.colours = $$("#curves polyline.curve").map((line) => [line.dataset.series, line.getAttribute("stroke")]);
        const log = $('#curves [data-role="log-scale"]');
        found.log_enabled = !log.disabled;
        if (!log.disabled) {
          log.checked = true;
          log.dispatchEvent(new Event("change"));
          found.log_y_ticks = ticks("y");
        }
        found.points_focusable = $$("circle", chart).every((dot) => dot.getAttribute("tabindex") === "0");
        return found;
      });
    }

    if (data.timelines.length) {
      await part("timeline", async () => {
        showPanel("timeline");
        const timeline = data.timelines[0], box = $('#timeline [data-timeline="0"]'), last = timeline.steps.length - 1;
        const slider = $('[data-role="timeline-step"]', box);
        const move = (k) => {
          slider.value = k;
          slider.dispatchEvent(new Event("input"));
        };
        // What each part shows, to tell whether it followed the slider.
        const state = () => ({
          label: $('[data-role="timeline-step-label"]', box).textContent,
          markers: $$('[data-role="marker"]', box).map((m) => m.getAttribute("x1")).join(),
          map: $('[data-part="maps"] .heatmap', box)?.src ?? null,
          grid: $$('[data-part="grid"] .heatmap', box).map((m) => m.src).join(),
          activations: $('[data-part="activations"]', box).textContent,
          parameters: $('[data-part="parameters"]', box).textContent,
          graph: $('[data-role="graph-choice"]')?.value ?? null,
        });
        move(0);
        // A node of the probe's graph selected at the first step stays selected at the last.
        const graphOf = (k) => timeline.steps.slice(0, k + 1).reverse().find((s) => s.graph !== undefined)?.graph;
        const probeNode = graphOf(0) !== undefined ? explorer.graph.nodes.find((n) => n.op === "softmax" || n.op === "tanh") : null;
        if (probeNode) explorer.graph.select(probeNode.id);
        const first = state();
        move(last);
        const after = state();
        // A training curve of the run the timeline replays is marked at its step.
        const tied = data.curves.findIndex((c) => c.steps_per_point > 0);
        let curveMarker = null;
        if (tied >= 0) {
          showPanel("curves");
          const label = $(`#curves [data-curve="${tied}"] [data-role="step-marker-label"]`);
          curveMarker = label?.getAttribute("visibility") === "visible" ? label.textContent : null;
          showPanel("timeline");
        }
        const changed = Object.keys(first).filter((k) => first[k] !== after[k]);
        const unchanged = Object.keys(first).filter((k) => first[k] === after[k]);
        // The map drawn at the last step is the one recorded there: each
        // cell's colour is the colour of the recorded weight.
        const recorded = timeline.steps[last].maps[0]?.heads[0];
        const drawn = $('[data-part="maps"] .heatmap', box);
        const colours = scale(0, 1);
        const map_matches = !!recorded && cellColours(drawn).every((rgb, k) => {
          const p = colours.colour(recorded.data[k]);
          return rgb[0] === (p & 255) && rgb[1] === ((p >>> 8) & 255) && rgb[2] === ((p >>> 16) & 255);
        });
        const found = { steps: timeline.steps.length, changed, unchanged, map_matches, redraw_ms: timelineRedrawMs,
                        curve_marker: curveMarker,
                        has_grid: !!$('[data-part="grid"] [data-role="head-grid"]', box),
                        grid_cells: $$('[data-part="grid"] .grid-cell', box).length,
                        recorded_heads: timeline.steps[last].maps.reduce((n, m) => n + m.heads.length, 0),
                        address_step: new URLSearchParams(location.hash.slice(1)).get("step"), last_step: String(timeline.steps[last].step),
                        graph_expected: graphOf(last) ?? null, graph_shown: after.graph,
                        node_kept: probeNode ? explorer.graph.selected === probeNode.id && selectedText() !== null : null };
        // A weight clicked in a map that holds its queries and keys shows
        // the vectors behind it, whose softmax gives the recorded weight
        // again, and they follow the slider.
        const withVectors = timeline.steps[last].maps.findIndex((m) => m.queries);
        if (withVectors >= 0) {
          const openMap = (m) => { const cell = $(`[data-part="grid"] .grid-cell[data-map="${m}"][data-head="0"]`, box); if (cell) click(cell); };
          openMap(withVectors);
          const map = timeline.steps[last].maps[withVectors], [r, c] = [1, map.cols.length - 2];
          const surface = $('[data-part="maps"] .heatmap', box);
          const [x, y] = cellCentre(surface, r, c);
          surface.dispatchEvent(new MouseEvent("click", { bubbles: true, clientX: x, clientY: y }));
          const view = () => $('[data-part="vectors"] [data-role="vectors"]', box);
          const shown = view();
          const recomputed = shown ? +$('[data-role="recomputed"]', shown).textContent : null;
          const text = shown ? shown.textContent : null;
          move(0);
          found.vectors = { shown: !!shown, cell: shown?.dataset.cell ?? null, recomputed, recorded: map.heads[0].data[r * map.cols.length + c],
                            score_line: shown ? $('[data-role="score"]', shown).textContent : null,
                            follows: !!view() && view().textContent !== text };
          move(last);
          openMap(0);
        }
        // The opened map saved as SVG: a document that parses, a cell per
        // weight, each in the colour of the weight recorded at the step.
        const exported = $('[data-part="maps"] [data-role="export-svg"]', box);
        if (exported) {
          click(exported);
          const text = decodeURIComponent(exported.getAttribute("href").slice(exported.getAttribute("href").indexOf(",") + 1));
          const parsed = new DOMParser().parseFromString(text, "image/svg+xml");
          const cells = $$("rect[data-row]", parsed);
          const wanted = timeline.steps[last].maps[0].heads[0];
          found.svg = { parses: !parsed.querySelector("parsererror") && parsed.documentElement.tagName === "svg", cells: cells.length,
                        wanted: wanted.rows * wanted.cols, png_link: !!$('[data-part="maps"] [data-role="export-png"]', box),
                        colours_match: cells.every((rect) => rect.getAttribute("fill") ===
                          cssColour(colours.colour(wanted.data[+rect.dataset.row * wanted.cols + +rect.dataset.col]))) };
        }
        found.address = location.hash;
        const png = $('[data-part="maps"] [data-role="export-png"]', box);
        if (png) {
          click(png);
          await sleep(300);
          found.png = png.getAttribute("href").slice(0, 22);
        }
        // A grid cell opens that map and head larger.
        const cells = $$('[data-part="grid"] .grid-cell', box);
        if (cells.length > 1) {
          const cell = cells[cells.length - 1];
          click(cell);
          found.grid_opened = $('[data-part="maps"]', box).dataset.map === `${cell.dataset.map},${cell.dataset.head}`;
        }
        // Play walks the steps by itself.
        move(0);
        click($('[data-role="play"]', box));
        await sleep(500);
        found.played_to = +slider.value;
        click($('[data-role="play"]', box));
        return found;
      });
    }

    // Each panel drawn (every one has been shown above).
    result.panels = {
      graph_boxes: result.graph ? result.graph.folded_boxes : 0,
      checks: $$("#checks details.check").length,
      attention: $$("#attention .map").length,
      curves: $$("#curves .curve-chart").length,
      timelines: $$("#timeline .timeline").length,
    };
    // Every heatmap on the page (after the clicks above) has its legend.
    const figures = $$("figure.heatmap-figure");
    result.legends = { figures: figures.length, with_legend: figures.filter((f) => $('[data-role="legend"]', f)).length };
    result.controls_labelled = $$("input, select, button").every((c) => c.labels?.length || c.getAttribute("aria-label") || c.textContent.trim());
  }

  // The accessibility audit, when the copy loaded axe-core: each panel shown.
  if (window.axe && testing) {
    await part("axe", async () => {
      const found = [];
      for (const id of ["graph", "checks", "attention", "curves", "timeline"]) {
        showPanel(id);
        const audit = await axe.run(document, { resultTypes: ["violations"] });
        for (const v of audit.violations) {
          if (v.impact === "serious" || v.impact === "critical") {
            found.push({ panel: id, id: v.id, impact: v.impact, nodes: v.nodes.length, first: v.nodes[0]?.target?.join(" ") });
          }
        }
      }
      return { ran: true, serious: found };
    });
  }

  const pre = document.createElement("pre");
  pre.id = "selftest-result";
  pre.style.display = "none";
  pre.textContent = JSON.stringify(result);
  document.body.append(pre);
})();
