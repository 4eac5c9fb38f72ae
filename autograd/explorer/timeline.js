// ## The timeline panel
//
// A training run replayed: one step slider (and play) per timeline, and
// every part follows it: the scalars and the update sizes marked at the
// step, the probe's attention maps (every head of every map, a grid of maps
// x heads, a cell opened larger on a click), the layers' stuck units, the
// parameters' norms, and the graph panel, which shows the probe's graph
// recorded at or before the step, its selected node kept; where a map
// carries its queries and keys, a clicked weight's vectors, at each step.
// The address keeps the first timeline's step, its opened map and head and
// the clicked weight (page.html#show=timeline&step=40&map=0,1&cell=2,5), so a link
// opens the same view. Each chart and the opened map save as SVG or PNG.

// A line chart of ys[series][snapshot] against the snapshots' steps, with
// a marker line that follow(k) moves to snapshot k.
function timelineChart(title, steps, series, yLabel) {
  const width = 560, height = 190, left = 56, right = 370, top = 14, bottom = 150;
  const numbers = series.flatMap((s) => s.y).filter((v) => typeof v === "number" && isFinite(v));
  let [low, high] = extent(numbers);
  if (high === low) {
    low -= 1;
    high += 1;
  }
  const tick = niceStep(low, high, 4);
  low = Math.floor(low / tick) * tick;
  high = Math.ceil(high / tick) * tick;
  const first = steps[0], last = steps[steps.length - 1];
  const x = (step) => left + (last > first ? ((step - first) / (last - first)) * (right - left) : 0);
  const y = (v) => bottom - ((v - low) / (high - low)) * (bottom - top);
  const chart = svg("svg", { width, height, class: "curve-chart timeline-chart", role: "img", "aria-label": `${title}: ${yLabel} per step` },
    svg("line", { class: "axis", x1: left, y1: bottom, x2: right, y2: bottom }),
    svg("line", { class: "axis", x1: left, y1: top, x2: left, y2: bottom }),
    svg("text", { x: (left + right) / 2, y: height - 6, "text-anchor": "middle", "font-size": 12 }, "step"),
    svg("text", { x: 12, y: (top + bottom) / 2, transform: `rotate(-90 12 ${(top + bottom) / 2})`, "text-anchor": "middle", "font-size": 12 }, yLabel));
  for (let v = low; v <= high + tick * 1e-9; v += tick) {
    chart.append(svg("line", { class: "grid", x1: left, y1: y(v), x2: right, y2: y(v) }),
                 svg("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end", "font-size": 11 }, number(Number(v.toPrecision(12)))));
  }
  for (const step of [first, last]) {
    chart.append(svg("text", { x: x(step), y: bottom + 16, "text-anchor": "middle", "font-size": 11 }, String(step)));
  }
  series.forEach((s, k) => {
    const stroke = seriesColour(s.name);
    const points = s.y.map((v, i) => (typeof v === "number" && isFinite(v) ? `${x(steps[i])},${y(v)}` : "")).filter(Boolean);
    chart.append(svg("polyline", { class: "curve", stroke, "data-series": s.name, points: points.join(" ") }));
    if (k < 8) {
      chart.append(svg("line", { x1: right + 12, y1: 16 + 16 * k, x2: right + 30, y2: 16 + 16 * k, stroke, "stroke-width": 3 }),
                   svg("text", { x: right + 34, y: 20 + 16 * k, "font-size": 11 }, s.name.length > 27 ? "\u2026" + s.name.slice(-26) : s.name));
    }
  });
  const marker = svg("line", { class: "marker", "data-role": "marker", x1: left, y1: top, x2: left, y2: bottom });
  chart.append(marker);
  const follow = (k) => {
    marker.setAttribute("x1", x(steps[k]));
    marker.setAttribute("x2", x(steps[k]));
  };
  const name = title.replace(/[^a-z0-9]+/gi, "_");
  return { element: html("figure", { class: "timeline-figure", "data-part": "chart" },
                         html("figcaption", {}, title, " ", exportLinks(name, () => chart.cloneNode(true))), chart), follow };
}

// Every head of every map of one snapshot: a grid, a row per map (a layer,
// its self- and cross-attention apart) and a column per head; a click opens
// a cell larger below the grid, and the opened cell follows the slider.
function mapGrid(maps, opened, open) {
  const grid = html("table", { class: "head-grid", "data-role": "head-grid" });
  const most = Math.max(...maps.map((m) => m.heads.length));
  grid.append(html("tr", {}, html("th", {}, ""), ...Array.from({ length: most }, (_, h) => html("th", { scope: "col" }, `head ${h}`))));
  maps.forEach((map, m) => {
    const row = html("tr", {}, html("th", { scope: "row", class: "map-title" }, map.title));
    map.heads.forEach((head, h) => {
      const cell = Math.max(2, Math.min(10, Math.floor(110 / Math.max(head.cols, head.rows, 1))));
      const picture = heatmap(head, (r, c, v) => `${map.title}, head ${h}: "${map.rows[r]}" looks at "${map.cols[c]}": ${number(v)}`,
                              { cell, low: 0, high: 1, name: `${map.title}, head ${h}`, legend: html("span", { "data-role": "legend" }) });
      picture.querySelector("img").removeAttribute("tabindex");  // the button around it takes the focus
      const button = html("button", { class: "grid-cell", "data-map": m, "data-head": h, "aria-pressed": String(opened[0] === m && opened[1] === h),
                                      "aria-label": `open ${map.title}, head ${h}`, onclick: () => open(m, h) }, picture);
      row.append(html("td", {}, button));
    });
    grid.append(row);
  });
  return grid;
}

function timelinePanel(section) {
  section.append(html("p", { class: "note" }, "The training run, replayed: move the slider (or press play) and every part " +
    "follows it: the curves are marked at the step, the probe's attention maps, its layers' stuck units and the parameters " +
    "are those of that step, and the graph panel shows the probe's graph recorded at or before it."));
  const asked = new URLSearchParams(location.hash.slice(1));
  data.timelines.forEach((timeline, t) => {
    const steps = timeline.steps.map((s) => s.step);
    const box = html("div", { class: "map timeline", "data-timeline": t }, html("h2", {}, timeline.title));
    if (timeline.note) box.append(html("p", { class: "timeline-note", "data-role": "timeline-note" }, timeline.note));
    const label = html("span", { class: "timeline-label", "data-role": "timeline-step-label" });
    const slider = html("input", { type: "range", min: 0, max: steps.length - 1, value: 0, "data-role": "timeline-step", "aria-label": "training step" });
    const play = html("button", { "data-role": "play" }, "play");
    box.append(html("div", { class: "timeline-controls" }, play, " ", html("label", {}, "step ", slider), " ", label));

    const names = [...new Set(timeline.steps.flatMap((s) => Object.keys(s.scalars)))];
    const charts = names.map((name) => timelineChart(name, steps, [{ name, y: timeline.steps.map((s) => s.scalars[name]) }], "value"));
    const tensors = timeline.steps.length ? timeline.steps[0].parameters.map((p) => p.name) : [];
    if (tensors.length) {
      charts.push(timelineChart("update / parameter, per tensor", steps,
        tensors.map((name, i) => ({ name, y: timeline.steps.map((s) => s.parameters[i]?.log10_update) })), "log10 ratio"));
    }
    const maps = html("div", { "data-part": "maps" }), grid = html("div", { "data-part": "grid" });
    const stuck = html("div", { "data-part": "activations" }), parameters = html("div", { "data-part": "parameters" });
    const vectors = html("div", { "data-part": "vectors" });
    const graphLink = html("div", { "data-part": "graph" });
    box.append(grid, maps, vectors, graphLink, html("div", { class: "row" }, ...charts.map((c) => c.element)), html("div", { class: "row" }, stuck, parameters));
    section.append(box);

    let opened = [0, 0], picked = null, timer = null;
    const draw = (k, following = true) => {
      const snapshot = timeline.steps[k];
      slider.value = k;
      box.dataset.step = snapshot.step;
      label.textContent = `step ${snapshot.step} (${k + 1} of ${steps.length})`;
      for (const chart of charts) chart.follow(k);
      if (t === 0) {  // curves belong to the first timeline's run, as the address does
        timelineAt.step = snapshot.step;
        document.dispatchEvent(new CustomEvent("timeline-step"));
      }
      const several = snapshot.maps.some((m) => m.heads.length > 1) || snapshot.maps.length > 1;
      const exists = opened[0] >= 0 && opened[0] < snapshot.maps.length && opened[1] >= 0 && opened[1] < snapshot.maps[opened[0]].heads.length;
      if (!exists) opened = [0, 0];
      const shown = snapshot.maps[opened[0]];
      const caption = shown ? `${shown.title}${shown.heads.length > 1 ? ", head " + opened[1] : ""} at step ${snapshot.step}` : "";
      maps.replaceChildren(...(shown ? [html("h3", {}, caption, " ", exportLinks(caption.replace(/[^a-z0-9]+/gi, "_"),
        () => mapSvg(shown.heads[opened[1]], caption, positioned(shown.rows), positioned(shown.cols)))),
        heatmap(shown.heads[opened[1]], (r, c, v) => `${shown.row_label} "${shown.rows[r]}" looks at ${shown.col_label} "${shown.cols[c]}": ${number(v)}`,
                { cell: Math.max(4, Math.min(22, Math.floor(520 / Math.max(shown.heads[opened[1]].cols, 1)))), rowLabels: positioned(shown.rows),
                  colLabels: positioned(shown.cols), low: 0, high: 1, name: `${shown.title} at step ${snapshot.step}`,
                  onCell: shown.queries ? (r, c) => {
                    picked = [r, c];
                    draw(+slider.value);
                  } : undefined })] : []));
      // The vectors behind the clicked weight, at this step.
      const pickable = shown && shown.queries && picked && picked[0] < shown.rows.length && picked[1] < shown.cols.length;
      vectors.replaceChildren(...(pickable ? [vectorsView(shown, opened[1], ...picked)] : shown && shown.queries
        ? [html("p", { class: "note" }, "Click a weight (or focus the map and press Enter) for the query and key vectors behind it.")] : []));
      maps.dataset.map = opened.join(",");
      grid.replaceChildren(...(several ? [html("h3", {}, "every map and head (click one to open it)"), mapGrid(snapshot.maps, opened, (m, h) => {
        opened = [m, h];
        draw(+slider.value);
        grid.querySelector(`[data-map="${m}"][data-head="${h}"]`).focus();
      })] : []));
      stuck.replaceChildren(html("h3", {}, "stuck units per layer"), html("table", { class: "stats" },
        html("tr", {}, html("th", {}, "layer"), html("th", {}, "what"), html("th", {}, "share")),
        ...snapshot.activations.map((a) => html("tr", {}, html("td", {}, a.layer || "(model)"), html("td", {}, a.kind),
          html("td", { "data-role": "share" }, html("span", { class: "bar", style: `width: ${Math.round(80 * a.share)}px` }), ` ${number(a.share)} of ${a.count}`)))));
      parameters.replaceChildren(html("h3", {}, "parameters"), html("table", { class: "stats" },
        html("tr", {}, html("th", {}, "tensor"), html("th", {}, "norm"), html("th", {}, "gradient norm"), html("th", {}, "log10 update/parameter")),
        ...snapshot.parameters.map((p) => html("tr", {}, html("td", {}, p.name), html("td", {}, number(p.norm)), html("td", {}, number(p.grad_norm)),
          html("td", { "data-role": "update" }, number(p.log10_update))))));
      // The probe's graph recorded at or before this step, in the graph panel.
      const recorded = timeline.steps.slice(0, k + 1).reverse().find((s) => s.graph !== undefined) || timeline.steps.find((s) => s.graph !== undefined);
      graphLink.replaceChildren();
      if (recorded) {
        if (following) followGraph(recorded.graph);
        graphLink.append(html("button", { class: "link", "data-role": "open-graph", onclick: () => show("graph") },
          `open the probe's graph at step ${recorded.step} in the graph panel`));
      }
      const address = new URLSearchParams(location.hash.slice(1));
      address.set("step", snapshot.step);
      address.set("map", opened.join(","));
      if (picked) address.set("cell", picked.join(","));
      else address.delete("cell");
      if (following && t === 0) history.replaceState(null, "", "#" + address.toString());
    };
    slider.addEventListener("input", () => draw(+slider.value));
    play.addEventListener("click", () => {
      if (timer) {
        clearInterval(timer);
        timer = null;
        play.textContent = "play";
        return;
      }
      if (+slider.value === steps.length - 1) draw(0);
      play.textContent = "pause";
      timer = setInterval(() => {
        if (+slider.value >= steps.length - 1) play.click();
        else draw(+slider.value + 1);
      }, 150);
    });
    const start = steps.indexOf(+asked.get("step"));
    // The map, head and weight the address names, as the link was made.
    if (t === 0 && asked.get("map")) opened = asked.get("map").split(",").map(Number);
    if (t === 0 && asked.get("cell")) picked = asked.get("cell").split(",").map(Number);
    // The step the address names is followed everywhere; otherwise the
    // first step, leaving the graph panel on the page's first graph.
    if (t === 0 && start >= 0) draw(start);
    else draw(0, false);
  });
}
