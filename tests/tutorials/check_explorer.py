#!/usr/bin/env python3
"""The explorer page in a real browser.

    check_explorer.py TUTORIAL OUT_DIR NAME [--op OP] [--pair ROW,COL] [--budget-mb MB]
                      [--most-boxes N] [--steps N] [--open-all-ms MS] [--synthetic] [--existing] [--html-page]

Runs TUTORIAL --quick --html --out OUT_DIR (--html-page: PROGRAM --html
OUT_DIR/NAME.html, as the gradcheck tool takes it; --existing: uses the page
already there), then writes NAME.selftest.html beside the page: a copy with
tests/tutorials/explorer_selftest.js (and axe-core, when found) injected
before </body>, so that the page users get carries no test code. Headless
Chromium opens the copy in an 800 x 900 window; the self-test clicks,
types, hovers and presses keys, times what must be fast, audits
accessibility, and writes what it saw into the DOM, which --dump-dom hands
back. This script judges it against the page's data (see check_page).
--synthetic also builds NAME.synthetic.html from the page, its data replaced
by a generated 2,000-node graph and a 400 x 400 attention map, and checks
that the graph lays out in under 200 ms and the map draws in under 300 ms.
Then writes a screenshot of each panel beside the page (NAME_graph.png, ...).

Without Chromium, or with one that cannot open even a one-line page headless
here, it says so and exits 77, which meson counts as skipped. Without
axe-core (looked for in $AXE_CORE, BUILD/node_modules, /usr/local/lib and
/usr/lib/node_modules) the accessibility audit is skipped, saying why.
"""
import argparse
import html
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

BROWSERS = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
HERE = os.path.dirname(os.path.abspath(__file__))
DATA_START = '<script type="application/json" id="explorer-data">'
# Every error on the page from its first line of script on, for the self-test.
ERROR_RECORDER = ('<script>window.selftestErrors = []; addEventListener("error", (e) => selftestErrors.push(String(e.message))); '
                  '{ const original = console.error; console.error = (...a) => { selftestErrors.push(a.map(String).join(" ")); '
                  'original(...a); }; }</script>')


def browser_run(browser, profile, *arguments, timeout=240):
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               f"--user-data-dir={profile}", "--virtual-time-budget=30000", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def between(text, start, end, last=False):
    begin = text.rfind(start) if last else text.find(start)
    if begin < 0:
        return None
    begin += len(start)
    return text[begin:text.find(end, begin)]


def find_axe(tutorial):
    build = os.path.dirname(os.path.dirname(os.path.abspath(tutorial)))
    candidates = [os.environ.get("AXE_CORE", ""), os.path.join(build, "node_modules"),
                  os.path.join(HERE, "..", "..", "build", "node_modules"), "/usr/local/lib/node_modules", "/usr/lib/node_modules"]
    for place in filter(None, candidates):
        for path in [place, os.path.join(place, "axe.min.js"), os.path.join(place, "axe-core", "axe.min.js")]:
            if os.path.isfile(path) and path.endswith(".js"):
                return os.path.abspath(path)
    return None


def with_selftest(text, axe):
    """The page with the error recorder first in <head>, and axe-core and the
    self-test last in <body>."""
    script = open(os.path.join(HERE, "explorer_selftest.js"), encoding="utf-8").read()
    tail = (f'<script src="file://{axe}"></script>\n' if axe else "") + f"<script>\n{script}</script>\n</body>"
    head = text.index("<head>") + len("<head>")
    body = text.rindex("</body>")
    return text[:head] + ERROR_RECORDER + text[head:body] + tail + text[body + len("</body>"):]


def self_test(browser, profile, path, hash_text):
    dom = browser_run(browser, profile, "--window-size=800,900", "--dump-dom",
                      "file://" + os.path.abspath(path) + "#" + hash_text).stdout
    seen = between(dom, '<pre id="selftest-result" style=', "</pre>", last=True)
    if seen is None:
        print(dom[-2000:])
        return None
    return json.loads(html.unescape(seen[seen.find(">") + 1:]))


def synthetic_data(title):
    """A 2,000-node graph: 500 parameters and a chain of 1,500 ops, each op
    using a parameter shared with its neighbours, every seventh reaching 5
    back; 300 of the ops in a run of 60 steps inside a module
    ("encoder.lstm"), one op named like a gate slice, one fused op with
    internals, one tensor shaped like the second attention map. A 400 x 400
    attention map and a 4 x 6 one whose tokens repeat, a curve, and a note
    pointing to the checks elsewhere: every key of the page's data."""
    def summary(rows, cols):
        return {"min": -1, "max": 1, "mean": 0,
                "heat": {"rows": rows, "cols": cols, "of": [rows, cols], "data": [(k % 7 - 3) / 3 for k in range(rows * cols)]}}
    flat = {"min": -1, "max": 1, "mean": 0}
    nodes = [{"id": i, "op": "", "name": f"w{i}", "shape": [4], "version": 0, "requires_grad": True, "inputs": [],
              "value": flat, "grad": flat} for i in range(500)]
    for i in range(500, 2000):
        inputs = ([i - 1] if i > 500 else []) + [(i - 500) // 3]
        if i % 7 == 0 and i - 5 >= 500:
            inputs.append(i - 5)
        node = {"id": i, "op": ["matmul", "add", "tanh", "mul"][i % 4], "name": "", "shape": [4], "version": 0,
                "requires_grad": True, "inputs": inputs, "value": flat, "grad": flat, "formula": "dx = g"}
        if 1600 <= i < 1900:
            node["scope"] = 1 + (i - 1600) // 5
        nodes.append(node)
    nodes[1601].update(op="slice", name="input gate i")
    nodes[1950].update(op="scaled_dot_product_attention", shape=[4, 8], internals=[
        {"name": "attention weights", "shape": [4, 6], "value": summary(4, 6)}])
    nodes[1951].update(shape=[2, 4, 6], value=summary(8, 6))
    scopes = [{"id": 0, "name": "LSTM", "path": "encoder.lstm"}]
    scopes += [{"id": s, "name": "LSTM step", "parent": 0} for s in range(1, 61)]
    # Two modules of one type, one after the other: two boxes, not a run.
    scopes += [{"id": 61, "name": "Dense", "path": "attention.query"}, {"id": 62, "name": "Dense", "path": "attention.key"}]
    nodes[1960]["scope"], nodes[1961]["scope"] = 61, 62
    size = 400
    tokens = [f"t{i % 150}" for i in range(size)]
    return {"title": title, "precision": "double",
            "graphs": [{"caption": "a generated chain of 2,000 nodes", "graph": {"root": 1999, "nodes": nodes, "scopes": scopes}}],
            "checks": [], "checks_elsewhere": {"note": "The checks of these ops are on another page:", "address": "gradcheck.html"},
            "curves": [{"title": "generated loss", "x_label": "epoch", "y_label": "loss",
                        "series": [{"name": "train", "y": [2.0, 1.1, 0.6, 0.35, 0.2]}, {"name": "validation", "y": [2.1, 1.3, 0.9, 0.8, 0.79]}]}],
            "attention": [{"title": "a generated 400 x 400 map", "row_label": "output", "col_label": "input",
                           "rows": tokens, "cols": tokens, "heads": [{"rows": size, "cols": size, "data": [1 / size] * (size * size)}]},
                          {"title": "a small map whose tokens repeat", "row_label": "output", "col_label": "input",
                           "rows": ["the", "cat", "the", "end"], "cols": ["a", "b", "a", "c", "a", "d"],
                           "heads": [{"rows": 4, "cols": 6, "data": [1 / 6] * 24}]}]}


def palette_colour(name, script):
    """The colour the page gives a series: FNV-1a of the name into PALETTE."""
    palette = re.findall(r'"(#[0-9a-f]{6})"', re.search(r"const PALETTE = \[(.*?)\]", script).group(1))
    value = 0x811c9dc5
    for byte in name.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return palette[value % len(palette)]


def beyond_count(check, input_):
    """Entries of the shown block beyond the tolerance, from the data."""
    if "beyond_shown" in input_:
        return input_["beyond_shown"]
    count = 0
    for a, n in zip(input_["analytic"], input_["numeric"]):
        if not isinstance(a, (int, float)) or not isinstance(n, (int, float)):
            count += 1
        elif abs(a - n) > check["atol"] + check["rtol"] * abs(n):
            count += 1
    return count


def check_page(args, data, text, result, problems):
    def expect(condition, message):
        if not condition:
            problems.append(message)

    expect(not result["errors"], f"errors on the page: {result['errors']}")
    if args.load_ms:
        expect(result["load_ms"] < args.load_ms, f"the page took {result['load_ms']:.0f} ms to render, over {args.load_ms:.0f} ms")
    panels = result["panels"]
    for key in ["checks", "attention", "curves"]:
        expect(panels[key] == len(data[key]), f"{len(data[key])} {key} in the data, {panels[key]} on the page")

    if data["graphs"]:
        graph, nodes = result.get("graph", {}), data["graphs"][0]["graph"]["nodes"]
        expect(panels["graph_boxes"] > 0 and graph.get("root"), "the graph panel drew no boxes, or its root could not be clicked")
        if args.most_boxes:
            expect(panels["graph_boxes"] <= args.most_boxes,
                   f"{len(nodes)} nodes folded into {panels['graph_boxes']} boxes, over {args.most_boxes}")
        expect(graph.get("keyboard"), "a graph box without tabindex, role or aria-label")
        expect(graph.get("enter_selects"), "Enter or Space on a node's box did not select it")
        expect(graph.get("tooltip") == {"shownOnHover": True, "clearedOnLeave": True, "onScreen": True, "shownOnFocus": True},
               f"the tooltip misbehaved: {graph.get('tooltip')}")
        expect(graph.get("details_beside"), "at 800 px the details are not beside the graph")
        for where in ["edges", "edges_after_search"]:
            if where in graph:
                expect(graph[where]["crossings"] == 0, f"{graph[where]['crossings']} edge segments cross a box ({where})")
        if args.op:
            search, clicked = graph.get("search", {}), graph.get("clicked", {})
            expect(search.get("resultsAtOnce") == 0 and search.get("resultsLater", 0) > 0,
                   f"search did not wait for a pause in the typing: {search}")
            expect(search.get("relayouts_while_typing") == 0, f"typing in the search laid the graph out again: {search}")
            expect(search.get("enter_selected") and search.get("in_view"),
                   f"Enter in the search did not select the first result, in view: {search}")
            # the heading and a number (a scalar's) or min, max and mean
            shown = (clicked.get("gradient") or "").replace("gradient d(root)/d(this)", "", 1)
            expect(clicked.get("op") == args.op and any(ch.isdigit() for ch in shown),
                   f"clicking a {args.op} node did not show its gradient: {clicked}")
        if "named" in graph:
            named = graph["named"]
            expect(named["name"] in (named["heading"] or "") and named["name"] in (named["box"] or ""),
                   f"a named node does not show its name: {named}")
        if "path" in graph:
            expect(graph["path"]["shown"], f"a node's module path is not in its details: {graph['path']}")
            expect(graph["path"].get("apart", True), f"two modules of one type fold into one run: {graph['path']}")
        if any(n.get("internals") for n in nodes):
            inner = graph.get("internals", {})
            expect(inner.get("selected_has_it") and inner.get("entry_open") and inner.get("heatmap"),
                   f"searching a fused op's internals did not show them: {inner}")
        if "tokens" in graph:
            shape = graph["tokens"]["shape"]
            map_ = next(m for m in data["attention"] if len(m["rows"]) == shape[-2] and len(m["cols"]) == shape[-1])
            focus = graph["tokens"]["focus_text"] or ""
            expect(any(f'"{t}' in focus for t in map_["rows"]), f"an attention-shaped tensor's cell does not name its tokens: {focus!r}")
        if args.steps:
            run = graph.get("run", {})
            expect(run.get("first") == f"1 of {args.steps}" and run.get("second") == f"2 of {args.steps}",
                   f"the folded run is not stepped one of {args.steps} at a time: {run}")
            expect(run.get("boxes", 1e9) - run.get("boxes_folded", 0) < args.steps and run.get("unique"),
                   f"opening a run of {args.steps} steps added a box per step or more: {run}")
            expect(run.get("edge_paths", 1e9) <= run.get("boxes", 0), f"edges are not bundled per source box: {run}")
            expect(run.get("edges", {}).get("crossings") == 0, f"edges cross boxes in an opened run: {run.get('edges')}")
            expect(run.get("focus_kept"), "pressing next lost the keyboard focus")

    if data["checks"] or data.get("checks_elsewhere"):
        checks = result.get("checks", {})
        if data.get("checks_elsewhere"):
            expect(checks.get("elsewhere") == data["checks_elsewhere"]["address"], "the checks panel does not link to the checks elsewhere")
    if data["checks"]:
        expect(checks.get("cells", 0) > 0, "no Jacobian entries drawn in the gradient checks")
        expect(checks.get("failed_open_first"), "a failed gradient check is not the first one shown")
        expect(checks.get("open_all_ms", 1e9) < args.open_all_ms,
               f"opening all checks took {checks.get('open_all_ms', 0):.0f} ms, over {args.open_all_ms}")
        panels_of = {}
        for panel in checks.get("differences", []):
            panels_of.setdefault(panel["check"], []).append(panel)
            expect(panel["legend"] and "tolerance" in (panel["hover"] or ""), f"a difference panel lacks its legend or tolerance: {panel}")
        expect(len(panels_of) == len(data["checks"]), f"{len(data['checks'])} checks, {len(panels_of)} with difference panels")
        for index, check in enumerate(data["checks"]):
            shown = panels_of.get(index, [])
            outlined = sum(p["outlined"] for p in shown)
            if check["passed"]:
                expect(all(p["coloured"] == 0 and p["outlined"] == 0 for p in shown),
                       f"passing check {index} ({check['op']}) has coloured or outlined differences: {shown}")
            else:
                wanted = sum(beyond_count(check, i) for i in check["inputs"])
                expect(outlined == wanted, f"failing check {index} ({check['op']}) outlines {outlined} entries, the data {wanted}")
            # The largest difference matches max_abs_error when the data carries
            # differences computed in double; analytic - numeric of the
            # printed values is only as exact as their printing.
            whole = all(i["shown_rows"] == i["rows"] and i["shown_cols"] == i["cols"] for i in check["inputs"])
            exact = all("difference" in i for i in check["inputs"])
            if whole and exact and shown and isinstance(check["max_abs_error"], (int, float)):
                largest = max(p["largest"] for p in shown)
                expect(abs(largest - check["max_abs_error"]) <= 1e-3 * abs(check["max_abs_error"]),
                       f"check {index} ({check['op']}): largest |difference| {largest} is not max_abs_error {check['max_abs_error']}")

    if data["attention"]:
        attention = result.get("attention", {})
        keys = attention.get("keys", {})
        expect(keys.get("focusable") and keys.get("focused") == "1,1" and keys.get("moved") != keys.get("first"),
               f"arrow keys do not move through an attention map: {keys}")
        if args.pair_used:
            shown = attention.get("hover") or ""
            expect(f'"{args.pair_used[0]}"' in shown and f'"{args.pair_used[1]}"' in shown,
                   f"hovering {args.pair_used} showed {shown!r}")

    if data["curves"]:
        curves = result.get("curves", {})
        x_ticks, y_ticks = curves.get("x_ticks", []), curves.get("y_ticks", [])
        expect(len(x_ticks) >= 2 and all(t.isdigit() and int(t) >= 1 for t in x_ticks), f"the x axis lacks whole-epoch ticks: {x_ticks}")
        expect(len(y_ticks) >= 3, f"the y axis has too few ticks: {y_ticks}")
        if curves.get("log_enabled"):
            logs = [math.log10(float(t)) for t in curves.get("log_y_ticks", [])]
            expect(logs and all(abs(v - round(v)) < 1e-9 for v in logs), f"log-scale ticks are not powers of ten: {curves.get('log_y_ticks')}")
        for name, colour in curves.get("colours", []):
            expect(colour == palette_colour(name, text), f"series {name!r} is {colour}, not its name's colour {palette_colour(name, text)}")
        expect(curves.get("points_focusable"), "a curve's points cannot be reached by keyboard")

    timelines = data.get("timelines", [])
    expect(panels.get("timelines", 0) == len(timelines), f"{len(timelines)} timelines in the data, {panels.get('timelines')} on the page")
    if timelines:
        check_timeline(args, timelines[0], data, result.get("timeline", {}), expect)

    legends = result.get("legends", {})
    expect(legends.get("figures", 0) == legends.get("with_legend", -1), f"a heatmap without its legend: {legends}")
    expect(result.get("controls_labelled"), "a control without a label")
    audit(result, problems)


def check_timeline(args, timeline, data, found, expect):
    """The timeline's slider: every part follows it, fast; the map drawn
    at a step is the one recorded there; the graph panel shows the probe's
    graph of the step, its selected node kept; the grid has a cell per map
    and head; play walks the steps; the address keeps the step."""
    parts = ["label", "markers", "map", "activations", "parameters"]
    if any("graph" in s for s in timeline["steps"][1:]):
        parts.append("graph")
    if any(len(m["heads"]) > 1 for m in timeline["steps"][-1]["maps"]) or len(timeline["steps"][-1]["maps"]) > 1:
        parts.append("grid")
        expect(found.get("has_grid") and found.get("grid_cells") == found.get("recorded_heads"),
               f"the grid has {found.get('grid_cells')} cells for {found.get('recorded_heads')} maps x heads")
        expect(found.get("grid_opened"), "clicking a grid cell did not open its map")
    if any("queries" in m for m in timeline["steps"][-1]["maps"]):
        vectors = found.get("vectors", {})
        expect(vectors.get("shown") and vectors.get("follows") and "score" in (vectors.get("score_line") or ""),
               f"a clicked weight's vectors are not shown, or do not follow the slider: {vectors}")
        expect(vectors.get("recomputed") is not None and abs(vectors["recomputed"] - vectors["recorded"]) <= 2e-3,
               f"the softmax of the clicked weight's scores is {vectors.get('recomputed')}, the run recorded {vectors.get('recorded')}")
    svg = found.get("svg", {})
    expect(svg.get("parses") and svg.get("cells") == svg.get("wanted") and svg.get("colours_match") and svg.get("png_link"),
           f"the opened map's SVG does not parse, or does not hold the map cell for cell, or has no PNG beside it: {svg}")
    expect(found.get("png") == "data:image/png;base64,", f"the opened map's PNG was not drawn: {found.get('png')!r}")
    expect("map=" in found.get("address", ""), f"the address does not keep the opened map: {found.get('address')}")
    missing = [p for p in parts if p not in found.get("changed", [])]
    expect(not missing, f"moving the timeline's slider left these parts as they were: {missing}")
    if any(c.get("steps_per_point", 0) > 0 for c in data["curves"]):
        wanted = f"timeline: step {timeline['steps'][-1]['step']}"
        expect(found.get("curve_marker") == wanted,
               f"the training curve of the timeline's run is marked {found.get('curve_marker')!r}, not {wanted!r}")
    expect(found.get("map_matches"), "the map drawn at the last step is not the one the run recorded there")
    expect(found.get("redraw_ms") is not None and found["redraw_ms"] < args.redraw_ms,
           f"the timeline's slider redrew in {found.get('redraw_ms')} ms, over {args.redraw_ms}")
    if "graph" in parts:
        expect(found.get("graph_shown") == str(found.get("graph_expected")),
               f"the graph panel shows graph {found.get('graph_shown')}, not the probe's graph {found.get('graph_expected')} of the step")
        expect(found.get("node_kept"), "the node selected in the probe's first graph is not selected in its last")
    expect(found.get("played_to", 0) > 0, "play did not move the slider")
    expect(found.get("address_step") == found.get("last_step"), f"the address keeps step {found.get('address_step')}, not {found.get('last_step')}")
    if args.timeline_gate:
        name, low, high = args.timeline_gate.split(",")
        values = [s["scalars"].get(name) for s in timeline["steps"]]
        expect(values[0] is not None and values[0] < float(low) and values[-1] > float(high),
               f"the timeline's {name!r} goes from {values[0]} to {values[-1]}, not from under {low} to over {high}")


def check_reopened(browser, profile, tested, timeline, problems):
    """A link to a view opens it: the timeline at the step, map, head and
    clicked weight the address names."""
    snapshot = timeline["steps"][len(timeline["steps"]) // 2]
    maps = snapshot["maps"]
    if not maps:
        return
    m = len(maps) - 1
    wanted = {"shown": True, "step": str(snapshot["step"]), "map": f"{m},{len(maps[m]['heads']) - 1}",
              "cell": "1,1" if "queries" in maps[m] else None}
    address = f"reopen&show=timeline&step={wanted['step']}&map={wanted['map']}&cell=1,1"
    found = self_test(browser, profile, tested, address)
    seen = found and found.get("reopened")
    if seen != wanted:
        problems.append(f"the address #{address} opened {seen}, not {wanted}")


def audit(result, problems):
    if "axe" not in result:
        return
    for violation in result["axe"]["serious"]:
        problems.append(f"accessibility ({violation['impact']}, {violation['panel']} panel): {violation['id']} "
                        f"on {violation['nodes']} elements, first {violation['first']}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tutorial")
    parser.add_argument("out_dir")
    parser.add_argument("name")
    parser.add_argument("--op", default="")
    parser.add_argument("--pair", default="")
    parser.add_argument("--budget-mb", type=float, default=2.0)
    parser.add_argument("--most-boxes", type=int, default=0, help="the first graph, folded, in at most this many boxes")
    parser.add_argument("--steps", type=int, default=0, help="the first folded run has this many steps")
    parser.add_argument("--open-all-ms", type=float, default=300, help="the time budget of 'open all' in the checks")
    parser.add_argument("--load-ms", type=float, default=1000, help="the time budget of the page's first drawing")
    parser.add_argument("--redraw-ms", type=float, default=100, help="the time budget of the timeline slider's redraw")
    parser.add_argument("--timeline-gate", default="", help="NAME,LOW,HIGH: the first timeline's scalar NAME starts under LOW, ends over HIGH")
    parser.add_argument("--synthetic", action="store_true", help="also time a generated 2,000-node graph and 400 x 400 map")
    parser.add_argument("--existing", action="store_true", help="check the page already in OUT_DIR (a full-mode run's)")
    parser.add_argument("--html-page", action="store_true", help="the program writes its page with --html PATH")
    args = parser.parse_args()

    browser = next((b for b in map(shutil.which, BROWSERS) if b), None)
    if browser is None:
        print("skipped: no Chromium installed (apt-get install chromium), so the explorer page was not opened")
        return 77

    page = os.path.join(args.out_dir, args.name + ".html")
    if not args.existing:
        os.makedirs(args.out_dir, exist_ok=True)
        command = [args.tutorial, "--html", page] if args.html_page else [args.tutorial, "--quick", "--html", "--out", args.out_dir]
        run = subprocess.run(command, capture_output=True, text=True)
        if run.returncode != 0:
            print(run.stdout[-3000:], run.stderr[-3000:])
            print(f"FAIL: {args.tutorial} exited {run.returncode}")
            return 1
    problems = []
    if not os.path.exists(page):
        print(f"FAIL: {page} was not written")
        return 1
    size = os.path.getsize(page)
    if size > args.budget_mb * 1e6:
        problems.append(f"{page} is {size / 1e6:.2f} MB, over the {args.budget_mb} MB budget")
    text = open(page, encoding="utf-8").read()
    data = json.loads(between(text, DATA_START, "</script>"))
    if "selftest" in text.lower():
        problems.append("the page users get carries the self-test")

    axe = find_axe(args.tutorial)
    if axe is None:
        print("skipped the accessibility audit: axe-core not found (npm install axe-core in the build folder, "
              "npm install -g axe-core, or AXE_CORE=path/to/axe.min.js)")
    tested = os.path.join(args.out_dir, args.name + ".selftest.html")
    with open(tested, "w", encoding="utf-8") as out:
        out.write(with_selftest(text, axe))

    hash_parts = []
    if args.op:
        hash_parts.append("op=" + args.op)
    pair = args.pair.split(",") if args.pair else None
    if pair and not any(pair[0] in m["rows"] and pair[1] in m["cols"] for m in data["attention"]):
        if data["attention"]:
            first = data["attention"][0]
            print(f"note: no map joins {pair[0]!r} and {pair[1]!r} in this run; hovering "
                  f"{first['rows'][0]!r} and {first['cols'][0]!r} instead")
            pair = [first["rows"][0], first["cols"][0]]
        else:
            pair = None
    if pair:
        hash_parts.append("pair=" + ",".join(pair))
    args.pair_used = pair

    with tempfile.TemporaryDirectory() as profile:
        # A browser that cannot run headless here (no display libraries, a
        # sandbox it may not leave) says nothing about the page: skip, saying why.
        control = browser_run(browser, profile, "--dump-dom", "data:text/html,<p>browser-works</p>")
        if "browser-works" not in control.stdout:
            print(f"skipped: {browser} is installed but did not open a page headless here:\n{control.stderr[-1500:]}")
            return 77
        result = self_test(browser, profile, tested, "&".join(hash_parts))
        if result is None:
            print(f"FAIL: {tested} did not finish its self-test (a script error stops it)")
            return 1
        print("the page reports:", json.dumps(result, indent=1))
        check_page(args, data, text, result, problems)
        if "axe" in result:
            print(f"accessibility audit by {axe}: {len(result['axe']['serious'])} serious or critical violations")

        if data.get("timelines"):
            check_reopened(browser, profile, tested, data["timelines"][0], problems)

        if args.synthetic:
            synthetic = os.path.join(args.out_dir, args.name + ".synthetic.selftest.html")
            start = text.index(DATA_START) + len(DATA_START)
            made_data = synthetic_data("generated: 2,000 nodes, a 400 x 400 map")
            made = text[:start] + json.dumps(made_data) + text[text.index("</script>", start):]
            with open(synthetic, "w", encoding="utf-8") as out:
                out.write(with_selftest(made, None))
            found = self_test(browser, profile, synthetic, "synthetic&op=tanh&pair=cat,b")
            if found is None or "synthetic" not in found:
                problems.append(f"{synthetic} did not finish its self-test: {found and found['errors']}")
            else:
                timing = found["synthetic"]
                print("the generated page reports:", json.dumps(found, indent=1))
                # Its budgets are the layout's and the map's, below, not the whole first drawing's.
                generated = argparse.Namespace(op="tanh", pair_used=["cat", "b"], most_boxes=0, steps=60, open_all_ms=300, load_ms=0,
                                               redraw_ms=100, timeline_gate="")
                generated_problems = []
                check_page(generated, made_data, made, found, generated_problems)
                problems += [f"generated page: {p}" for p in generated_problems]
                if timing["layout_ms"] >= 200:
                    problems.append(f"{timing['nodes']} nodes laid out in {timing['layout_ms']:.0f} ms, over 200")
                if timing["map_ms"] >= 300:
                    problems.append(f"a {timing['map_cells']}-cell map drawn in {timing['map_ms']:.0f} ms, over 300")
                if timing["edges"]["crossings"]:
                    problems.append(f"{timing['edges']['crossings']} edge segments cross boxes in the generated graph")
                if timing["relayouts_on_same_state"]:
                    problems.append("drawing the same state again laid it out again")
                label = f'"{timing["repeated_token"]}\u00b72"'
                if label not in (timing["repeated_hover"] or ""):
                    problems.append(f"a repeated token is not numbered by its occurrence: {timing['repeated_hover']!r}, wanted {label}")
                for key in ["named", "path", "internals", "tokens"]:
                    if key not in found.get("graph", {}):
                        problems.append(f"generated page: the {key} test did not run")
                if "apart" not in found.get("graph", {}).get("path", {}):
                    problems.append("generated page: the test of two modules of one type did not run")

        for panel, count in [("graph", len(data["graphs"])), ("checks", len(data["checks"])),
                             ("attention", len(data["attention"])), ("curves", len(data["curves"])),
                             ("timeline", len(data.get("timelines", [])))]:
            if count == 0:
                continue
            shot = os.path.join(args.out_dir, f"{args.name}_{panel}.png")
            address = "file://" + os.path.abspath(tested) + "#shot&show=" + panel + "".join("&" + p for p in hash_parts)
            if panel == "timeline":  # the middle of the run: something learnt, not all
                steps = data["timelines"][0]["steps"]
                address += f"&step={steps[len(steps) // 2]['step']}"
            # Every compositor stage before the capture: without it, part of a
            # scrolled panel can come out blank. Headless Chromium now and
            # then hangs on a capture: a second try, then a finding.
            for attempt in range(2):
                try:
                    browser_run(browser, profile, "--hide-scrollbars", "--run-all-compositor-stages-before-draw",
                                "--window-size=1280,900", f"--screenshot={shot}", address, timeout=90)
                    break
                except subprocess.TimeoutExpired:
                    print(f"note: the screenshot {shot} hung (try {attempt + 1} of 2)")
            if not os.path.exists(shot) or os.path.getsize(shot) < 1000:
                problems.append(f"no screenshot written to {shot}")
            else:
                print("wrote", shot)

    for problem in problems:
        print("FAIL:", problem)
    if not problems:
        print(f"PASS: {page} ({size / 1e3:.0f} kB) in {os.path.basename(browser)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
