// ## The gradient-check panel
//
// A check's Jacobians are drawn when it is first opened: a page with forty
// checks of 64 x 64 entries would otherwise take long to appear.

const fillCheck = new Map();  // <details> of a check -> draws its contents once

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
  section.append(html("div", { class: "toolbar" }, html("button", { "data-role": "open-all", onclick: () => openAll(true) }, "open all"), " ",
                      html("button", { "data-role": "close-all", onclick: () => openAll(false) }, "close all")));
  checks.forEach((check, index) => {
    const box = html("details", { class: "check", "data-check": data.checks.indexOf(check), "data-passed": check.passed });
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

// Where the checks of what a page uses are, when the page holds none (a
// float program points to a double one's page).
function checksElsewhere(section) {
  const elsewhere = data.checks_elsewhere;
  if (!elsewhere) return;
  section.append(html("p", { class: "elsewhere", "data-role": "checks-elsewhere" }, elsewhere.note + " ",
                      html("a", { href: elsewhere.address }, elsewhere.address)));
}

// analytic − numeric of one input's shown block: the data's, computed in
// double where the check ran; pages written before it was there get it here.
function differences(input) {
  if (input.difference) return input.difference;
  return input.analytic.map((a, k) => (typeof a === "number" && typeof input.numeric[k] === "number" ? a - input.numeric[k] : "?"));
}

function drawJacobians(box, check) {
  // Defaults of GradcheckOptions, for pages that do not carry them.
  const atol = check.atol ?? 1e-5, rtol = check.rtol ?? 1e-3;
  check.inputs.forEach((input, i) => {
    const cut = input.shown_rows < input.rows || input.shown_cols < input.cols;
    box.append(html("h4", {}, `input ${i} ${shapeText(input.shape)} -> output ${shapeText(check.output_shape)}` +
                              (cut ? `: the first ${input.shown_rows} x ${input.shown_cols} of ${input.rows} x ${input.cols}` : "")));
    const [low, high] = extent(input.analytic.concat(input.numeric), [0]);
    const cols = input.shown_cols;
    const matrix = (entries) => ({ rows: input.shown_rows, cols, data: entries });
    const difference = differences(input);
    // Each entry's tolerance, as gradcheck judges it: atol + rtol * |numeric|.
    const tolerance = (k) => atol + rtol * Math.abs(typeof input.numeric[k] === "number" ? input.numeric[k] : 0);
    const beyond = (k) => typeof difference[k] !== "number" || Math.abs(difference[k]) > tolerance(k);
    const describe = (r, c) => {
      const k = r * cols + c, a = input.analytic[k], n = input.numeric[k], d = difference[k];
      const exact = (x) => (typeof x === "number" ? x.toExponential(3) : x);
      return `d out[${r}] / d in${i}[${c}]\nanalytic   ${number(a)}\nnumeric    ${number(n)}\n` +
             `difference ${exact(d)}\ntolerance  ${tolerance(k).toExponential(3)}${beyond(k) ? "  (beyond it)" : ""}`;
    };
    let largest = 0;
    for (const d of difference) if (typeof d === "number") largest = Math.max(largest, Math.abs(d));
    const outlinedCount = difference.reduce((count, _, k) => count + beyond(k), 0);
    const key = html("figcaption", { class: "legend", "data-role": "legend" },
      html("div", { class: "legend-bar", style: `background: linear-gradient(to right, ${cssColour(diverging(-1))}, #fff, ${cssColour(diverging(1))})` }),
      html("div", { class: "legend-labels" }, html("span", { class: "at-start" }, "\u2212tol"),
           html("span", { class: "at-zero", style: "left: 50%" }, "0"), html("span", { class: "at-end" }, "+tol")),
      html("div", { class: "note" }, "white = 0, full colour = at the tolerance (atol + rtol \u00b7 |numeric|), outlined = beyond it"));
    const differencePanel = heatmap(matrix(difference), describe, {
      name: `analytic minus numeric, input ${i}`, legend: key,
      colour: (d, r, c) => (typeof d === "number" ? diverging(d / tolerance(r * cols + c)) : MAGENTA),
      outlined: (r, c) => beyond(r * cols + c),
    });
    box.append(html("div", { class: "row" },
      html("div", {}, html("div", {}, "analytic"), heatmap(matrix(input.analytic), describe, { low, high, name: `analytic Jacobian, input ${i}` })),
      html("div", {}, html("div", {}, "numeric"), heatmap(matrix(input.numeric), describe, { low, high, name: `numeric Jacobian, input ${i}` })),
      html("div", { "data-role": "difference", "data-input": i, "data-outlined": outlinedCount },
           html("div", {}, "analytic \u2212 numeric, on the tolerance's scale"), differencePanel,
           html("div", { class: "note" }, "largest |difference| shown: ",
                html("span", { "data-role": "largest-difference" }, largest.toExponential(3)),
                `; ${outlinedCount} beyond the tolerance` +
                (input.beyond !== undefined && input.beyond > outlinedCount ? ` here, ${input.beyond} in the whole block` : "")))));
  });
}
