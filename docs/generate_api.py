#!/usr/bin/env python3
"""Writes docs/api.md, the API reference, from the installed headers.

Each header becomes a section: its opening comment as prose, then its public
declarations with their comments (private members, `detail` namespaces,
includes and the bodies of multi-line functions left out). An index of every
public type and function comes first. The headers' comments are the
reference; this script only gathers them.

    python3 docs/generate_api.py          rewrite docs/api.md
    python3 docs/generate_api.py --check  exit 1 if docs/api.md is out of date
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
LAYERS = [
    ("core", "tensors and the kernels on them; knows nothing of graphs"),
    ("autograd", "Var, the graph, differentiable ops, gradient checks"),
    ("nn", "modules, layers, losses, optimizers, checkpoints, data"),
    ("distributed", "data-parallel training over MPI; built only when MPI is found"),
]
UMBRELLAS = {"core.h", "autograd.h", "nn.h"}  # headers that only include the others
NOT_NAMES = {"fmt", "format", "parse"}  # the fmt::formatter specialisations' members

NAME_PATTERNS = [
    re.compile(r"^\s*(?:class|struct)\s+(\w+)\s*(?:final\s*)?[:{]"),
    re.compile(r"^\s*enum\s+class\s+(\w+)"),
    re.compile(r"^\s*using\s+(\w+)\s*="),
    re.compile(r"(operator\s*(?:[-+*/=<>!]+|\(\)|\[\]))\s*\("),
    re.compile(r"^\s*(?:\[\[\w+\]\]\s*)?(?:static\s+|virtual\s+|explicit\s+|inline\s+|constexpr\s+|friend\s+)*"
               r"[\w:<>,&*\s]*?[\s&*](~?\w+)\s*\("),
]


def split_header(text):
    """(opening comment as Markdown, the rest) of one header. Comment lines
    indented past the text are examples and stay code."""
    lines = text.splitlines()
    blocks, kind = [], None  # blocks of ("prose" | "code", [lines])
    while lines and lines[0].startswith("//"):
        body = lines.pop(0)[2:]
        if body.startswith(" "):
            body = body[1:]
        line_kind = "code" if body.startswith("  ") else ("blank" if not body.strip() else "prose")
        if line_kind == "blank":
            kind = None
            continue
        if line_kind != kind:
            blocks.append((line_kind, []))
            kind = line_kind
        blocks[-1][1].append(body)
    parts = [" ".join(b) if k == "prose" else "```\n" + "\n".join(b) + "\n```" for k, b in blocks]
    return "\n\n".join(parts), lines


def public_lines(lines):
    """The declarations a user of the header sees."""
    out, braces, skip_until_depth, class_depths, private = [], 0, None, [], False
    for line in lines:
        stripped = line.strip()
        opens, closes = line.count("{"), line.count("}")
        if skip_until_depth is not None:
            braces += opens - closes
            if braces <= skip_until_depth:
                skip_until_depth = None
            continue
        if stripped.startswith(("#pragma", "#include")) or re.match(r"^namespace [\w:]+ \{$", stripped) \
                or re.match(r"^\}\s*// namespace", stripped):
            if stripped.startswith("namespace detail"):
                skip_until_depth = braces
                braces += 1
            continue
        if re.match(r"^\s*(class|struct)\s+\w+[^;]*\{\s*$", line):
            class_depths.append(braces)
            private = False
        if class_depths and re.match(r"^\s*(public|protected):", line):
            private = False
        if class_depths and re.match(r"^\s*private:", line):
            private = True
        ends_class = class_depths and stripped.startswith("}") and braces - closes + opens == class_depths[-1]
        if private and not ends_class:
            braces += opens - closes
            continue
        if ends_class:
            class_depths.pop()
            private = False
        is_function_body = "(" in line and stripped.endswith("{") and opens == 1 and closes == 0 \
            and not re.match(r"^\s*(class|struct|enum|namespace)\b", line)
        if is_function_body:
            out.append(line.rstrip()[:-1].rstrip() + ";")
            skip_until_depth = braces
            braces += 1
            continue
        braces += opens - closes
        out.append(line.rstrip())
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def names_in(code):
    names = []
    for line in code.splitlines():
        if line.strip().startswith("//") or line.strip().startswith("return"):
            continue
        for pattern in NAME_PATTERNS:
            match = pattern.search(line)
            if match:
                names.append(re.sub(r"\s+", "", match.group(1)))
                break
    return names


def anchor(path):
    return path.replace("/", "").replace(".", "")


def installed_headers(layer):
    """The headers the layer's meson.build installs; the others are internal."""
    build = (ROOT / layer / "meson.build").read_text()
    call = re.search(r"install_headers\((.*?)\)", build, re.S)
    return set(re.findall(r"'([^']+\.h)'", call.group(1))) if call else set()


def generate():
    sections, index = [], {}
    for layer, summary in LAYERS:
        sections.append(f"## {layer}/: {summary}\n")
        installed = installed_headers(layer)
        for header in sorted((ROOT / layer).glob("*.h")):
            if header.name in UMBRELLAS or header.name not in installed:
                continue
            path = f"{layer}/{header.name}"
            intro, rest = split_header(header.read_text())
            code = public_lines(rest)
            for name in names_in(code):
                if name in NOT_NAMES:
                    continue
                index.setdefault(name, [])
                if path not in index[name]:
                    index[name].append(path)
            sections.append(f"### {path}\n\n{intro}\n\n```cpp\n{code}\n```\n")
    entries = [f"`{name}` ({', '.join(f'[{p}](#{anchor(p)})' for p in paths)})"
               for name, paths in sorted(index.items(), key=lambda item: item[0].lower())]
    return "\n".join([
        "# API reference",
        "",
        "Generated by `python3 docs/generate_api.py` from the comments in the installed headers; "
        "`make test` fails when this file is out of date. Everything is in namespace `atto` "
        "(initializers in `atto::init`). `#include \"nn/nn.h\"` brings in all of it; "
        "`autograd/autograd.h` and `core/core.h` bring in a layer and the ones below it. "
        "Tutorial code (`tutorials/common`, tutorial 12's GRU) is not part of the library and is not listed.",
        "",
        "## Index",
        "",
        " · ".join(entries),
        "",
        *sections,
    ]).rstrip() + "\n"


def main():
    target = ROOT / "docs" / "api.md"
    text = generate()
    if sys.argv[1:] == ["--check"]:
        if not target.exists() or target.read_text() != text:
            print("docs/api.md is out of date: run python3 docs/generate_api.py")
            return 1
        return 0
    target.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
