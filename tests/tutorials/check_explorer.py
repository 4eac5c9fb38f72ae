#!/usr/bin/env python3
"""The explorer page in a real browser.

    check_explorer.py TUTORIAL OUT_DIR NAME [--op OP] [--pair ROW,COL] [--budget-mb MB] [--most-boxes N]

Runs TUTORIAL --quick --html --out OUT_DIR, then opens OUT_DIR/NAME.html in
headless Chromium as page.html#selftest...: the page's own script clicks the
root of the graph, searches for OP and clicks it, hovers the attention cell
where ROW looks at COL, opens every gradient check, and writes what it saw
into the DOM, which --dump-dom hands back. Passes when the page met no error,
rendered every panel its data has, showed the clicked node's gradient and
the hovered pair, opened a failed check first, is under the size budget and
rendered in under a second. Then writes a screenshot of each panel beside the
page (NAME_graph.png, ...).

Without Chromium, or with one that cannot open even a one-line page headless
here, it says so and exits 77, which meson counts as skipped.
"""
import argparse
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile

BROWSERS = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]


def browser_run(browser, profile, *arguments):
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               f"--user-data-dir={profile}", "--virtual-time-budget=10000", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def between(text, start, end, last=False):
    begin = text.rfind(start) if last else text.find(start)
    if begin < 0:
        return None
    begin += len(start)
    return text[begin:text.find(end, begin)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tutorial")
    parser.add_argument("out_dir")
    parser.add_argument("name")
    parser.add_argument("--op", default="")
    parser.add_argument("--pair", default="")
    parser.add_argument("--budget-mb", type=float, default=2.0)
    parser.add_argument("--most-boxes", type=int, default=0, help="the first graph, folded, in at most this many boxes")
    args = parser.parse_args()

    browser = next((b for b in map(shutil.which, BROWSERS) if b), None)
    if browser is None:
        print("skipped: no Chromium installed (apt-get install chromium), so the explorer page was not opened")
        return 77

    run = subprocess.run([args.tutorial, "--quick", "--html", "--out", args.out_dir], capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stdout[-3000:], run.stderr[-3000:])
        print(f"FAIL: {args.tutorial} exited {run.returncode}")
        return 1
    page = os.path.join(args.out_dir, args.name + ".html")
    problems = []
    if not os.path.exists(page):
        print(f"FAIL: {page} was not written")
        return 1
    size = os.path.getsize(page)
    if size > args.budget_mb * 1e6:
        problems.append(f"{page} is {size / 1e6:.2f} MB, over the {args.budget_mb} MB budget")
    text = open(page, encoding="utf-8").read()
    data = json.loads(between(text, '<script type="application/json" id="explorer-data">', "</script>"))

    hash_parts = ["selftest"]
    if args.op:
        hash_parts.append("op=" + args.op)
    pair = args.pair.split(",") if args.pair else None
    if pair and not any(pair[0] in m["rows"] and pair[1] in m["cols"] for m in data["attention"]):
        if data["attention"]:
            first = data["attention"][0]
            print(f"note: no map joins {pair[0]!r} and {pair[1]!r} in this run; hovering "
                  f"{first['rows'][0]!r} and {first['cols'][0]!r} instead")
            pair = [first["rows"][0], first["cols"][0]]
    if pair:
        hash_parts.append("pair=" + ",".join(pair))
    url = "file://" + os.path.abspath(page) + "#" + "&".join(hash_parts)

    with tempfile.TemporaryDirectory() as profile:
        # A browser that cannot run headless here (no display libraries, a
        # sandbox it may not leave) says nothing about the page: skip, saying why.
        control = browser_run(browser, profile, "--dump-dom", "data:text/html,<p>browser-works</p>")
        if "browser-works" not in control.stdout:
            print(f"skipped: {browser} is installed but did not open a page headless here:\n{control.stderr[-1500:]}")
            return 77
        dom = browser_run(browser, profile, "--dump-dom", url).stdout
        # The report is the last element of the page (the script names it too).
        seen = between(dom, 'id="selftest-result"', "</pre>", last=True)
        seen = seen[seen.find(">") + 1:] if seen is not None else None
        if seen is None:
            print(dom[-2000:])
            print("FAIL: the page did not finish its self-test (a script error stops it)")
            return 1
        result = json.loads(html.unescape(seen))
        print("the page reports:", json.dumps(result, indent=1))

        if result["errors"]:
            problems.append(f"errors on the page: {result['errors']}")
        if result["load_ms"] >= 1000:
            problems.append(f"the page took {result['load_ms']:.0f} ms to render, over 1 s")
        panels = result["panels"]
        if data["graphs"] and (panels["graph_boxes"] == 0 or not result.get("root")):
            problems.append("the graph panel drew no boxes, or its root could not be clicked")
        if args.most_boxes and panels["graph_boxes"] > args.most_boxes:
            problems.append(f"{len(data['graphs'][0]['graph']['nodes'])} nodes folded into {panels['graph_boxes']} boxes, "
                            f"over {args.most_boxes}")
        for key in ["checks", "attention", "curves"]:
            if panels[key] != len(data[key]):
                problems.append(f"{len(data[key])} {key} in the data, {panels[key]} on the page")
        if data["checks"] and result["check_cells"] == 0:
            problems.append("no Jacobian entries drawn in the gradient checks")
        if not result["failed_open_first"]:
            problems.append("a failed gradient check is not the first one shown")
        if args.op:
            clicked = result.get("clicked", {})
            if clicked.get("op") != args.op or "min" not in (clicked.get("gradient") or ""):
                problems.append(f"clicking a {args.op} node did not show its gradient: {clicked}")
        if pair:
            shown = result.get("hover") or ""
            if f'"{pair[0]}"' not in shown or f'"{pair[1]}"' not in shown:
                problems.append(f"hovering {pair} showed {shown!r}")

        for panel, count in [("graph", len(data["graphs"])), ("checks", len(data["checks"])),
                             ("attention", len(data["attention"])), ("curves", len(data["curves"]))]:
            if count == 0:
                continue
            shot = os.path.join(args.out_dir, f"{args.name}_{panel}.png")
            address = "file://" + os.path.abspath(page) + "#show=" + panel
            if panel == "graph" and args.op:
                address = "file://" + os.path.abspath(page) + "#selftest&op=" + args.op + "&show=graph"
            browser_run(browser, profile, "--hide-scrollbars", "--window-size=1400,1000", f"--screenshot={shot}", address)
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
