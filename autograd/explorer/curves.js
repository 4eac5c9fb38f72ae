// ## The curves panel

// The step between round ticks (1, 2 or 5 times a power of ten) that cuts
// [low, high] into at most about `count` parts.
function niceStep(low, high, count) {
  const raw = (high - low) / count, power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw * (1 - 1e-9));
}

// The training step a timeline's slider is at, for the curves that belong
// to the run it replays (curve.steps_per_point): the address's step until a
// timeline is drawn, null without one. The timeline panel announces each
// move with a "timeline-step" event.
const addressedStep = new URLSearchParams(location.hash.slice(1)).get("step");
const timelineAt = { step: addressedStep !== null && isFinite(+addressedStep) ? +addressedStep : null };

// One chart: each series a line with its points (hover or focus one for its
// value), axes with ticks, the x axis in whole epochs (or steps), the y
// axis linear or logarithmic. A curve with steps_per_point gets a marker
// line at the timeline's step, which chart.follow(step) moves.
function drawCurve(curve, logarithmic) {
  // Wide enough for the longest series name beside the chart (about 7 px a
  // character at size 12).
  const longest = Math.max(0, ...curve.series.map((s) => s.name.length));
  const width = Math.max(730, 560 + 56 + 7 * longest), height = 300, left = 64, right = 560, top = 16, bottom = 250;
  const most = Math.max(1, ...curve.series.map((s) => s.y.length));
  const ys = logarithmic ? curve.series.flatMap((s) => s.y.map(Math.log10)) : curve.series.flatMap((s) => s.y);
  let [low, high] = extent(ys);
  if (high === low) {
    low -= 1;
    high += 1;
  }
  // The axis runs from tick to tick: whole powers of ten on a log scale,
  // round steps otherwise.
  const step = logarithmic ? Math.max(1, Math.ceil((Math.ceil(high) - Math.floor(low)) / 8)) : niceStep(low, high, 5);
  low = Math.floor(low / step + 1e-9) * step;
  high = Math.ceil(high / step - 1e-9) * step;
  const yTicks = [];
  for (let k = 0; low + k * step <= high + step * 1e-9; ++k) {
    const v = low + k * step;
    yTicks.push(logarithmic ? 10 ** v : Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  }
  const x = (i) => left + (most > 1 ? (i / (most - 1)) * (right - left) : (right - left) / 2);
  const y = (v) => bottom - ((logarithmic ? Math.log10(v) : v) - low) / (high - low) * (bottom - top);
  const chart = svg("svg", { width, height, class: "curve-chart", role: "group", "aria-label": `${curve.title}: ${curve.y_label} per ${curve.x_label}` },
    svg("line", { class: "axis", x1: left, y1: bottom, x2: right, y2: bottom }),
    svg("line", { class: "axis", x1: left, y1: top, x2: left, y2: bottom }),
    svg("text", { x: (left + right) / 2, y: height - 8, "text-anchor": "middle", "font-size": 12 }, curve.x_label),
    svg("text", { x: 14, y: (top + bottom) / 2, transform: `rotate(-90 14 ${(top + bottom) / 2})`, "text-anchor": "middle", "font-size": 12 },
        curve.y_label + (logarithmic ? " (log scale)" : "")));
  // x: whole epochs, numbered from 1, at most about ten ticks.
  const every = Math.max(1, Math.round(niceStep(0, most, 10)));
  for (let i = 0; i < most; ++i) {
    if ((i + 1) % every !== 0 && i !== 0) continue;
    chart.append(svg("line", { class: "tick", x1: x(i), y1: bottom, x2: x(i), y2: bottom + 5 }),
                 svg("text", { x: x(i), y: bottom + 18, "text-anchor": "middle", "font-size": 11, "data-role": "tick", "data-axis": "x" }, String(i + 1)));
  }
  for (const v of yTicks) {
    chart.append(svg("line", { class: "grid", x1: left, y1: y(v), x2: right, y2: y(v) }),
                 svg("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end", "font-size": 11, "data-role": "tick", "data-axis": "y" }, number(v)));
  }
  curve.series.forEach((series, k) => {
    const stroke = seriesColour(series.name);
    const line = svg("polyline", { class: "curve", stroke, "data-series": series.name, points: series.y.map((v, i) => `${x(i)},${y(v)}`).join(" ") });
    chart.append(line);
    // A dot per point, each a tab stop, where there are few; a long run (a
    // loss per step) is one stop, its line, which tells its first, last,
    // lowest and highest values.
    if (series.y.length > 60) {
      const [lowest, highest] = extent(series.y);
      const text = `${series.name}: ${series.y.length} ${curve.x_label}s, first ${number(series.y[0])}, last ` +
        `${number(series.y[series.y.length - 1])}, lowest ${number(lowest)}, highest ${number(highest)}`;
      line.setAttribute("tabindex", 0);
      line.setAttribute("role", "img");
      line.setAttribute("aria-label", text);
      hover(line, () => text);
    } else {
      series.y.forEach((v, i) => {
        const text = `${series.name}, ${curve.x_label} ${i + 1}: ${number(v)}`;
        const dot = svg("circle", { cx: x(i), cy: y(v), r: 4, fill: stroke, tabindex: 0, role: "img", "aria-label": text });
        hover(dot, () => text);
        chart.append(dot);
      });
    }
    chart.append(svg("line", { x1: right + 20, y1: 20 + 18 * k, x2: right + 44, y2: 20 + 18 * k, stroke, "stroke-width": 3 }),
                 svg("text", { x: right + 50, y: 24 + 18 * k, "font-size": 12, "data-role": "series-name" }, series.name));
  });
  if (curve.steps_per_point > 0) {
    const marker = svg("line", { class: "marker", "data-role": "step-marker", x1: left, y1: top, x2: left, y2: bottom, visibility: "hidden" });
    const label = svg("text", { x: left, y: top - 4, "text-anchor": "middle", "font-size": 11, "data-role": "step-marker-label", visibility: "hidden" });
    chart.append(marker, label);
    chart.follow = (step) => {
      if (step === null) return;
      // Point i ends at step (i + 1) * steps_per_point - 1: between points the
      // marker stands where the step falls, before the first at the first.
      const at = Math.min(Math.max((step + 1) / curve.steps_per_point - 1, 0), most - 1);
      for (const part of [marker, label]) part.setAttribute("visibility", "visible");
      marker.setAttribute("x1", x(at));
      marker.setAttribute("x2", x(at));
      label.setAttribute("x", x(at));
      label.textContent = `timeline: step ${step}`;
    };
    chart.follow(timelineAt.step);
  }
  return chart;
}

function curvesPanel(section) {
  data.curves.forEach((curve, m) => {
    const box = html("div", { class: "map", "data-curve": m }, html("h2", {}, curve.title));
    const positive = curve.series.every((s) => s.y.every((v) => typeof v === "number" && v > 0));
    const picture = html("div");
    const toggle = html("input", { type: "checkbox", "data-role": "log-scale", onchange: (e) => picture.replaceChildren(drawCurve(curve, e.target.checked)) });
    toggle.disabled = !positive;
    box.append(html("label", { class: "note" }, toggle, positive ? " log scale" : " log scale (not for values at or below zero)"), " ",
               exportLinks(curve.title.replace(/[^a-z0-9]+/gi, "_"), () => picture.querySelector("svg").cloneNode(true)), picture);
    picture.append(drawCurve(curve, false));
    if (curve.steps_per_point > 0) {
      document.addEventListener("timeline-step", () => picture.querySelector("svg").follow(timelineAt.step));
    }
    section.append(box);
  });
}
