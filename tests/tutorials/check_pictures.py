#!/usr/bin/env python3
"""Runs a tutorial, then checks every SVG picture it wrote.

Usage: check_pictures.py TUTORIAL [ARGS...]; ARGS must include --out DIR.
The tutorial's own exit status comes first (its headline result is gated
there). Then each .svg written into DIR during the run must parse as XML,
be an <svg> with an absolute width and height (in px, pt, mm or another
SVG unit, as Graphviz writes them too), have a title (some text), and keep
every text inside the canvas (its viewBox, through every transform of the
groups around it): a label cut off at the edge fails, estimated
as the tutorials' pictures size themselves (0.6 of the font size per
character, tutorials/common/svg.h). Where rsvg-convert is installed, each
picture must also render."""
import math
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree

SVG = "{http://www.w3.org/2000/svg}"


# CSS pixels per unit of an SVG length (SVG 1.1, section 7.10).
UNITS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4}


def length(text):
    """An absolute SVG length in pixels ("458pt", "120px", "120"); None otherwise (a percentage, nothing)."""
    match = re.fullmatch(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([a-z]*)\s*", text or "")
    if not match or match.group(2) not in UNITS:
        return None
    return float(match.group(1)) * UNITS[match.group(2)]


def numbers(text):
    return [float(n) for n in re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", text)]


def multiply(m, n):
    """The affine map m after n, each (a, b, c, d, e, f) as in SVG's matrix()."""
    a, b, c, d, e, f = m
    return (a * n[0] + c * n[1], b * n[0] + d * n[1], a * n[2] + c * n[3], b * n[2] + d * n[3],
            a * n[4] + c * n[5] + e, b * n[4] + d * n[5] + f)


IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def transform_of(text):
    """The affine map of an SVG transform list: matrix, translate, scale, rotate, skewX, skewY."""
    result = IDENTITY
    for name, arguments in re.findall(r"(matrix|translate|scale|rotate|skewX|skewY)\s*\(([^)]*)\)", text or ""):
        v = numbers(arguments)
        if name == "matrix" and len(v) == 6:
            step = tuple(v)
        elif name == "translate" and v:
            step = (1, 0, 0, 1, v[0], v[1] if len(v) > 1 else 0)
        elif name == "scale" and v:
            step = (v[0], 0, 0, v[1] if len(v) > 1 else v[0], 0, 0)
        elif name == "rotate" and v:
            cos, sin = math.cos(math.radians(v[0])), math.sin(math.radians(v[0]))
            cx, cy = (v[1], v[2]) if len(v) == 3 else (0, 0)
            step = multiply(multiply((1, 0, 0, 1, cx, cy), (cos, sin, -sin, cos, 0, 0)), (1, 0, 0, 1, -cx, -cy))
        elif name in ("skewX", "skewY") and v:
            t = math.tan(math.radians(v[0]))
            step = (1, 0, t, 1, 0, 0) if name == "skewX" else (1, t, 0, 1, 0, 0)
        else:
            raise ValueError(f"cannot read the transform {name}({arguments})")
        result = multiply(result, step)
    return result


def text_extent(element, outer):
    """(left, right, top, bottom) of a text element, as drawn, in the canvas's user units."""
    x, y = length(element.get("x", "0")) or 0.0, length(element.get("y", "0")) or 0.0
    size = length(element.get("font-size", "14")) or 14.0
    width = 0.6 * size * len("".join(element.itertext()))
    anchor = element.get("text-anchor", "start")
    start = {"start": 0.0, "middle": -width / 2, "end": -width}[anchor]
    m = multiply(outer, transform_of(element.get("transform")))
    corners = [(x + start, y - size), (x + start + width, y - size), (x + start, y + size * 0.3),
               (x + start + width, y + size * 0.3)]
    xs = [m[0] * px + m[2] * py + m[4] for px, py in corners]
    ys = [m[1] * px + m[3] * py + m[5] for px, py in corners]
    return min(xs), max(xs), min(ys), max(ys)


def texts_with_transforms(element, outer=IDENTITY):
    """Every text element below `element`, with the transform of the groups around it."""
    for child in element:
        if child.tag == SVG + "text":
            yield child, outer
        else:
            yield from texts_with_transforms(child, multiply(outer, transform_of(child.get("transform"))))


def check_picture(path):
    problems = []
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError as error:
        return [f"not well-formed XML: {error}"]
    if root.tag != SVG + "svg":
        return [f"the root element is {root.tag}, not svg"]
    width, height = length(root.get("width")), length(root.get("height"))
    if not width or not height or width <= 0 or height <= 0:
        return [f"no absolute size (width {root.get('width')!r}, height {root.get('height')!r})"]
    # Text positions are in user units: the viewBox's when there is one
    # (Graphviz writes width="458pt" over viewBox="0 0 458 462"), pixels otherwise.
    box = numbers(root.get("viewBox", ""))
    left_edge, top_edge, right_edge, bottom_edge = (
        (box[0], box[1], box[0] + box[2], box[1] + box[3]) if len(box) == 4 else (0.0, 0.0, width, height))
    try:
        texts = list(texts_with_transforms(root))
    except ValueError as error:
        return [str(error)]
    if not texts:
        problems.append("no text at all: a picture needs a title")
    for element, outer in texts:
        left, right, top, bottom = text_extent(element, outer)
        if left < left_edge - 0.5 or right > right_edge + 0.5 or top < top_edge - 0.5 or bottom > bottom_edge + 0.5:
            problems.append(f"text {''.join(element.itertext())!r} reaches ({left:.0f}..{right:.0f}, {top:.0f}..{bottom:.0f}) "
                            f"outside the canvas ({left_edge:.0f}..{right_edge:.0f}, {top_edge:.0f}..{bottom_edge:.0f})")
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
