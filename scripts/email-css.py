#!/usr/bin/env python3
"""Which HTML and CSS features an email uses that some mail client lacks, by Can I email's
data (a checkout of github.com/hteumeuleu/caniemail: its `_features/*.md`).

usage: scripts/email-css.py --caniemail DIR FILE.html [FILE.html ...]

For each file, prints the features it uses whose latest test in at least one client and
platform says "n" (not supported), with those clients, and a count. Detects what can be
seen in the markup: CSS properties (in style attributes and <style>), at-rules, units,
`!important`, pseudo-classes, HTML elements and attributes. Other features are not counted.
"""

import argparse
import json
import os
import re
import sys

import yaml

# Features found by a pattern of their own; `css-<property>` and `html-<element>` are
# found from their names.
SPECIAL = {
    "css-at-media": r"@media\b",
    "css-at-media-prefers-color-scheme": r"prefers-color-scheme",
    "css-at-font-face": r"@font-face",
    "css-at-import": r"@import",
    "css-at-supports": r"@supports",
    "css-important": r"!important",
    "css-display-none": r"display\s*:\s*none",
    "css-display-flex": r"display\s*:\s*(inline-)?flex",
    "css-display-grid": r"display\s*:\s*(inline-)?grid",
    "css-unit-px": r"\d(\.\d+)?px\b",
    "css-unit-percent": r":[^;\"']*\d%",
    "css-unit-em": r"\d(\.\d+)?em\b",
    "css-unit-rem": r"\d(\.\d+)?rem\b",
    "css-rgb": r"\brgb\(",
    "css-rgba": r"\brgba\(",
    "css-variables": r"var\(--",
    "css-function-clamp": r"clamp\(",
    "css-linear-gradient": r"linear-gradient\(",
    "css-comments": r"/\*",
    "html-doctype": r"<!DOCTYPE",
    "html-comments": r"<!--",
    "html-lang": r"\slang=",
    "html-dir": r"\sdir=",
    "html-role": r"\srole=",
    "html-width": r"<(table|td|img)\b[^>]*\swidth=",
    "html-height": r"<(table|td|img)\b[^>]*\sheight=",
    "html-align": r"\salign=",
    "html-valign": r"\svalign=",
    "html-cellpadding": r"\scellpadding=",
    "html-cellspacing": r"\scellspacing=",
    "html-meta-color-scheme": r"name=\"(supported-)?color-scheme\"",
    "html-mailto-links": r"href=\"mailto:",
    "html-anchor-links": r"href=\"#",
    "html-target": r"\starget=",
    "html-aria-hidden": r"aria-hidden=",
    "html-aria-label": r"aria-label=",
    "html-h1-h6": r"<h[1-6]\b",
    "html-lists": r"<(ul|ol)\b",
    "html-semantics": r"<(article|section|header|footer|nav|main|aside)\b",
    "html-srcset": r"\ssrcset=",
    "html-loading-attribute": r"\sloading=",
    "html-style": r"<style\b",
    # What clients lack is styles on <body> (its margin, colours), not the element.
    "html-body": r"<body\b[^>]*\sstyle=",
}


def features(directory):
    """Each feature's name and, per client and platform, its latest result."""
    found = {}
    folder = os.path.join(directory, "_features")
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".md") or name.startswith("_"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            text = f.read()
        head = text.split("---", 2)[1]
        stats = stats_of(head)
        if stats is None:
            print(f"{name}: its stats could not be read", file=sys.stderr)
            continue
        latest = {}
        for client, platforms in stats.items():
            for platform, versions in (platforms or {}).items():
                if isinstance(versions, dict) and versions:
                    value = str(list(versions.values())[-1])
                    latest[f"{client} {platform}"] = value
        found[name[:-3]] = latest
    return found


def stats_of(head):
    """The `stats: {...}` block of a feature's front matter: YAML when it parses, else the
    JSON it nearly is (bare keys quoted, trailing commas dropped)."""
    try:
        meta = yaml.safe_load(head)
        if isinstance(meta, dict) and isinstance(meta.get("stats"), dict):
            return meta["stats"]
    except yaml.YAMLError:
        pass
    at = head.find("stats:")
    if at < 0:
        return None
    block = head[head.index("{", at):]
    depth = 0
    for i, c in enumerate(block):
        depth += c == "{"
        depth -= c == "}"
        if depth == 0:
            block = block[:i + 1]
            break
    block = re.sub(r'([{,\s])([A-Za-z0-9_.-]+)\s*:', r'\1"\2":', block)
    block = re.sub(r",\s*([}\]])", r"\1", block)
    try:
        return json.loads(block)
    except json.JSONDecodeError:
        return None


def pattern(feature):
    if feature in SPECIAL:
        return SPECIAL[feature]
    kind, _, rest = feature.partition("-")
    if kind == "css" and not rest.startswith(("selector-", "unit-", "pseudo-", "at-", "function-")):
        return r"(?<![-\w])" + re.escape(rest) + r"\s*:"
    if kind == "css" and rest.startswith("pseudo-class-"):
        return r":" + re.escape(rest[len("pseudo-class-"):]) + r"\b"
    if kind == "html" and re.fullmatch(r"[a-z0-9]+", rest):
        return r"<" + re.escape(rest) + r"\b"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--caniemail", required=True)
    parser.add_argument("files", nargs="+")
    options = parser.parse_args()
    table = features(options.caniemail)
    for name in options.files:
        with open(name, encoding="utf-8") as f:
            html = f.read()
        lacking = []
        for feature, latest in table.items():
            found = pattern(feature)
            if not found or not re.search(found, html, flags=re.I):
                continue
            clients = sorted(c for c, v in latest.items() if v.startswith("n"))
            if clients:
                lacking.append((feature, clients))
        print(f"{name}: {len(lacking)} features used that some client lacks")
        for feature, clients in lacking:
            print(f"  {feature}: {len(clients)} ({', '.join(clients[:4])}{', …' if len(clients) > 4 else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
