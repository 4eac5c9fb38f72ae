#!/usr/bin/env python3
"""Runs a tutorial, then checks every SVG picture it wrote.

Usage: check_pictures.py TUTORIAL [ARGS...]; ARGS must include --out DIR.
The tutorial's own exit status comes first (its headline result is gated
there). Then each .svg written into DIR during the run must parse as XML,
be an <svg> with a width and a height, have a title (some text), and keep
every text inside the canvas: a label cut off at the edge fails, estimated
as the tutorials' pictures size themselves (0.6 of the font size per
character, tutorials/common/svg.h). Where rsvg-convert is installed, each
picture must also render."""
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree

SVG = "{http://www.w3.org/2000/svg}"


def text_extent(element):
    """(left, right, top, bottom) of a text element, as drawn."""
    x, y = float(element.get("x")), float(element.get("y"))
    size = float(element.get("font-size", "14"))
    width = 0.6 * size * len(element.text or "")
    anchor = element.get("text-anchor", "start")
    start = {"start": 0.0, "middle": -width / 2, "end": -width}[anchor]
    transform = element.get("transform", "")
    if transform.startswith("rotate(90") or transform.startswith("rotate(-90"):
        sign = 1 if transform.startswith("rotate(90") else -1
        a, b = sorted((y + sign * start, y + sign * (start + width)))
        return x - size, x + size * 0.3, a, b
    return x + start, x + start + width, y - size, y + size * 0.3


def check_picture(path):
    problems = []
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError as error:
        return [f"not well-formed XML: {error}"]
    if root.tag != SVG + "svg":
        return [f"the root element is {root.tag}, not svg"]
    width, height = float(root.get("width", "0")), float(root.get("height", "0"))
    if width <= 0 or height <= 0:
        problems.append(f"no size ({width} x {height})")
    texts = list(root.iter(SVG + "text"))
    if not texts:
        problems.append("no text at all: a picture needs a title")
    for element in texts:
        left, right, top, bottom = text_extent(element)
        if left < -0.5 or right > width + 0.5 or top < -0.5 or bottom > height + 0.5:
            problems.append(f"text {element.text!r} reaches ({left:.0f}..{right:.0f}, {top:.0f}..{bottom:.0f}) "
                            f"outside the {width:.0f} x {height:.0f} canvas")
    renderer = shutil.which("rsvg-convert")
    if renderer:
        rendered = subprocess.run([renderer, "--format", "png", path], capture_output=True)
        if rendered.returncode != 0 or not rendered.stdout.startswith(b"\x89PNG"):
            problems.append(f"rsvg-convert cannot render it: {rendered.stderr.decode(errors='replace').strip()}")
    return problems


def main():
    command = sys.argv[1:]
    out = command[command.index("--out") + 1]
    started = time.time()
    status = subprocess.call(command)
    if status != 0:
        return status
    failed = False
    pictures = [name for name in sorted(os.listdir(out))
                if name.endswith(".svg") and os.path.getmtime(os.path.join(out, name)) >= started - 1]
    for name in pictures:
        for problem in check_picture(os.path.join(out, name)):
            print(f"{name}: {problem}", file=sys.stderr)
            failed = True
    print(f"{len(pictures)} pictures checked{': all well-formed, titled and uncut' if not failed else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
