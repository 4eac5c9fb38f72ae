// ## The attention panel

function attentionPanel(section) {
  section.append(html("p", { class: "note" }, "Rows look, columns are looked at; each row sums to 1. Hover a cell (or " +
    "focus the map and use the arrow keys) for its weight and the pair it joins; the slider walks the output steps, " +
    "the selector the heads. A token that appears more than once is numbered by its occurrence (\"a\u00b72\"). " +
    "Where a map holds its queries and keys, click a weight (or press Enter on it) for the vectors behind it."));
  data.attention.forEach((map, m) => {
    const box = html("div", { class: "map", "data-map": m }, html("h2", {}, map.title));
    const picture = html("div"), bars = html("div"), vectors = html("div", { "data-part": "vectors" });
    let picked = null;
    const rows = positioned(map.rows), cols = positioned(map.cols);
    let head = 0, step = 0;
    const draw = () => {
      const matrix = map.heads[head];
      const cell = Math.max(2, Math.min(26, Math.floor(520 / Math.max(matrix.cols, 1))));
      picture.replaceChildren(heatmap(matrix,
        (r, c, v) => `${map.row_label} "${rows[r]}" looks at ${map.col_label} "${cols[c]}": ${number(v)}`,
        { cell, rowLabels: rows, colLabels: cols, low: 0, high: 1, mark: step,
          name: `${map.title}${map.heads.length > 1 ? ", head " + head : ""}`,
          onCell: map.queries ? (r, c) => {
            picked = [r, c];
            draw();
          } : undefined }));
      vectors.replaceChildren(...(map.queries && picked ? [vectorsView(map, head, ...picked)] : []));
      const row = matrix.data.slice(step * matrix.cols, (step + 1) * matrix.cols);
      bars.replaceChildren(html("div", { class: "note" }, `step ${step}: "${rows[step]}" looks at ` +
        row.map((w, c) => [w, c]).sort((a, b) => b[0] - a[0]).slice(0, 3).map(([w, c]) => `"${cols[c]}" ${number(w)}`).join(", ")));
    };
    const controls = html("div");
    if (map.heads.length > 1) {
      controls.append(html("label", {}, "head ", html("select", { "data-role": "head", onchange: (e) => { head = +e.target.value; draw(); } },
        ...map.heads.map((_, h) => html("option", { value: h }, String(h))))));
    }
    controls.append(html("label", {}, "step ", html("input", { type: "range", "data-role": "step", min: 0, max: map.rows.length - 1, value: 0,
                                                             oninput: (e) => { step = +e.target.value; draw(); } })));
    controls.append(" ", exportLinks(map.title.replace(/[^a-z0-9]+/gi, "_").slice(0, 60), () =>
      mapSvg(map.heads[head], `${map.title}${map.heads.length > 1 ? ", head " + head : ""}`, rows, cols)));
    box.append(controls, picture, bars, vectors);
    section.append(box);
    draw();
  });
}
