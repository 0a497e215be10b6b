#!/usr/bin/env python3
"""Compares the body herald gives each post with the body its real generator renders.

usage: scripts/body-check.py BLOGS_DIR [HERALD] [--only NAME,...] [--corpus CORPUS_DIR]
                                [--show N]

BLOGS_DIR holds one folder per blog as scripts/real-blogs.py describes, each with a
`bodies.json`: {source: html}, the body the real generator rendered for each post (Hugo: a
layout printing `.File.Path` and `.Content | jsonify`; Jekyll: a page over `site.posts`
printing `post.path` and `post.content | jsonify`; Zola: a template printing each page's
`relative_path` and `page.content | json_encode()`). With --corpus, BLOGS_DIR/_corpus/NAME/
bodies.json holds the same for the shared corpus's blog NAME.

For each post both bodies are reduced to what a reader gets, ignoring only the theme's chrome
(heading anchor links, highlighting spans, line numbers and wrappers, class and style
attributes, script and style elements):
  - the visible text, without whitespace (templates and render hooks add it around tags);
  - the set of link targets, resolved against the post's URL and percent-decoded;
  - the images (their sources) and the number of code blocks.
Prints each post that differs (with --show N, the first N of each blog with the first place
its text differs), then one Markdown table row per blog. Exits 1 when on any blog fewer than
98% of posts have identical text or identical links, or an image or code block is lost.
"""

import argparse
import csv
import html.parser
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
import posixpath
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
site_check = __import__("site-check")
real_blogs = __import__("real-blogs")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

BLOCK = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "br", "tr", "td",
    "th", "table", "thead", "tbody", "blockquote", "hr", "figure", "figcaption", "dl", "dt",
    "dd", "section", "article", "header", "footer", "details", "summary", "img", "iframe",
    "video", "audio", "aside", "nav", "center",
}
VOID = {"br", "hr", "img", "input", "meta", "link", "source", "wbr", "col", "area", "embed", "track", "param"}
HIDDEN = {"script", "style", "template", "noscript"}
ANCHOR_TEXT = {"", "#", "¶", "§", "🔗", "link", "∞"}


class Reader(html.parser.HTMLParser):
    """What a reader gets from one body."""

    def __init__(self, base):
        super().__init__(convert_charrefs=True)
        self.base = base
        self.text = []
        self.links = set()
        self.images = []
        self.code_blocks = 0
        self.stack = []  # (tag, dropped)
        self.hidden = 0
        self.heading = 0
        self.in_pre = 0
        self.in_lntable = 0
        self.pending_anchor = None  # (index into text, href) while in a heading's <a href="#">
        self.after_heading = None  # the id of the heading just closed, until text follows
        self.last_heading_id = None

    def _url(self, url):
        url = (url or "").strip()
        if not url or url.startswith(("javascript:", "data:")):
            return None
        # Dot segments resolved: `https://x/a/./b.png` is `https://x/a/b.png`.
        joined = urlsplit(urljoin(self.base, url))
        path = posixpath.normpath(joined.path) + ("/" if joined.path.endswith("/") and joined.path != "/" else "")
        if joined.path in ("", "/"):
            path = joined.path
        return unquote(urlunsplit(joined._replace(path=path)))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        dropped = False
        if tag in HIDDEN or classes & {"ln", "lnt"}:
            dropped = True
            self.hidden += 1
        elif tag == "a" and self.heading and (attrs.get("href") or "").startswith("#"):
            # A heading's anchor link: chrome when its text is a mark (decided at its end).
            self.pending_anchor = (len(self.text), attrs.get("href"), classes)
        elif (
            tag == "a"
            and self.after_heading is not None
            and (attrs.get("href") or "") == "#" + self.after_heading
        ):
            # A theme's anchor link placed right after its heading: chrome, whatever it says.
            self.pending_anchor = (len(self.text), attrs.get("href"), classes | {"anchor"})
        elif tag == "a" and attrs.get("href") is not None and not self.hidden:
            url = self._url(attrs["href"])
            if url:
                self.links.add(url)
        if tag == "img" and not self.hidden:
            src = self._url(attrs.get("src"))
            if src:
                self.images.append(src)
            self.text.append(" ")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading += 1
            self.last_heading_id = attrs.get("id")
        elif tag not in ("div", "span", "a"):
            self.after_heading = None
        if tag == "table" and "lntable" in classes:
            self.in_lntable += 1
            self.code_blocks += 1
        if tag == "pre":
            if not self.in_pre and not self.in_lntable and not self.hidden:
                self.code_blocks += 1
            self.in_pre += 1
        if tag in BLOCK:
            self.text.append(" ")
        if tag not in VOID:
            self.stack.append((tag, dropped))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        # Close up to the matching open tag (HTML is forgiving; so is this).
        if not any(t == tag for t, _ in self.stack):
            return
        while self.stack:
            open_tag, dropped = self.stack.pop()
            if dropped:
                self.hidden -= 1
            if open_tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.heading -= 1
                self.after_heading = self.last_heading_id
            if open_tag == "pre":
                self.in_pre -= 1
            if open_tag == "table" and self.in_lntable:
                self.in_lntable -= 1
            if open_tag == "a" and self.pending_anchor:
                at, href, classes = self.pending_anchor
                inner = "".join(self.text[at:]).strip()
                if inner in ANCHOR_TEXT or any("anchor" in c or "headerlink" in c for c in classes):
                    del self.text[at:]
                else:
                    url = self._url(href)
                    if url:
                        self.links.add(url)
                self.pending_anchor = None
            if open_tag in BLOCK:
                self.text.append(" ")
            if open_tag == tag:
                break

    def handle_data(self, data):
        if data.strip() and not self.pending_anchor:
            self.after_heading = None
        if not self.hidden:
            self.text.append(data)

    def result(self):
        # Whitespace is layout, not text: templates and render hooks add it around tags.
        text = re.sub(r"\s+", "", "".join(self.text))
        return text, self.links, self.images, self.code_blocks


def read(html_text, base):
    reader = Reader(base)
    reader.feed(html_text or "")
    reader.close()
    return reader.result()


def first_difference(a, b, width=70):
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    start = max(0, i - 25)
    return f"herald «{a[start:start + width]}» / generator «{b[start:start + width]}»"


def compare_blog(name, entries, truth_urls, bodies, show):
    """One blog's row and its misses."""
    posts = text_same = links_same = 0
    images_lost = code_lost = 0
    misses = []
    for source, body in sorted(bodies.items()):
        entry = entries.get(source)
        if entry is None:
            misses.append((source, ["no entry"]))
            posts += 1
            continue
        posts += 1
        base = truth_urls.get(source) or entry["permalink"]
        h_text, h_links, h_images, h_code = read(entry.get("content_html", ""), base)
        g_text, g_links, g_images, g_code = read(body, base)
        notes = []
        if h_text == g_text:
            text_same += 1
        else:
            notes.append("text: " + first_difference(h_text, g_text))
        if h_links == g_links:
            links_same += 1
        else:
            only_h = sorted(h_links - g_links)[:4]
            only_g = sorted(g_links - h_links)[:4]
            notes.append(f"links: herald only {only_h}, generator only {only_g}")
        lost = [i for i in g_images if i not in h_images]
        if lost:
            images_lost += 1
            notes.append(f"images lost: {lost[:3]}")
        if h_code < g_code:
            code_lost += 1
            notes.append(f"code blocks {h_code} of {g_code}")
        if notes:
            misses.append((source, notes))
    shown = []
    for source, notes in misses[:show] if show else []:
        shown.append(f"{name}: {source}")
        shown.extend(f"    {n}" for n in notes)
    row = {
        "posts": posts,
        "text": text_same,
        "links": links_same,
        "images_lost": images_lost,
        "code_lost": code_lost,
    }
    return row, shown


def entries_of(binary, root):
    out = subprocess.run([binary, "--site", root, "entries", "--json"], capture_output=True, text=True)
    if not out.stdout.strip():
        raise RuntimeError(f"entries failed ({out.returncode}): {out.stderr.strip()[:500]}")
    return {os.path.relpath(e["source"], root): e for e in json.loads(out.stdout)}


def blogs(blogs_dir, corpus, only):
    """(name, site root maker, truth reader, bodies path) for each blog with bodies."""
    for name in sorted(os.listdir(blogs_dir)):
        folder = os.path.join(blogs_dir, name)
        bodies = os.path.join(folder, "bodies.json")
        if os.path.exists(bodies) and (not only or name in only):
            yield name, ("blog", folder), bodies
    if corpus:
        for name in ["flink-hugo", "flink-jekyll", "hugo-linkerd", "jekyll-cordova", "zola-rust-osdev"]:
            bodies = os.path.join(blogs_dir, "_corpus", name, "bodies.json")
            if os.path.exists(bodies) and (not only or name in only):
                yield name, ("corpus", corpus), bodies


def main():
    parser = argparse.ArgumentParser(description="Compare herald's bodies with the generators'.")
    parser.add_argument("blogs")
    parser.add_argument("herald", nargs="?", default=os.path.join(REPO, "target/release/herald"))
    parser.add_argument("--only", default="")
    parser.add_argument("--corpus")
    parser.add_argument("--show", type=int, default=0)
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))
    corpus = os.path.abspath(args.corpus) if args.corpus else None
    blogs_dir, binary, show = os.path.abspath(args.blogs), os.path.abspath(args.herald), args.show
    rows, failed = [], False
    with tempfile.TemporaryDirectory() as scratch:
        for name, (kind, where), bodies_path in blogs(blogs_dir, corpus, only):
            with open(bodies_path, encoding="utf-8") as f:
                bodies = json.load(f)
            if kind == "blog":
                root = os.path.join(scratch, name)
                with open(os.path.join(where, "blog.toml"), "rb") as f:
                    real_blogs.copy_site(where, tomllib.load(f), root)
                with open(os.path.join(where, "truth.csv"), newline="") as f:
                    truth_urls = {r["source"]: r["url"] for r in csv.DictReader(f)}
            else:
                root, to_source = site_check.layout(where, name, scratch)
                truth, _ = site_check.truth_of(where, name, to_source)
                truth_urls = {s: u for s, (u, _) in truth.items()}
                bodies = {to_source(s) if name.startswith("flink") else s: b for s, b in bodies.items()}
            try:
                entries = entries_of(binary, root)
            except RuntimeError as e:
                print(f"{name}: {e}")
                failed = True
                continue
            row, shown = compare_blog(name, entries, truth_urls, bodies, show)
            for line in shown:
                print(line)
            rows.append((name, row))
    print()
    print("| blog | posts | visible text identical | link targets identical | posts losing an image | posts losing a code block |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, r in rows:
        n = max(r["posts"], 1)
        print(
            f"| {name} | {r['posts']} | {r['text']} ({r['text'] / n:.1%}) | {r['links']} ({r['links'] / n:.1%}) "
            f"| {r['images_lost']} | {r['code_lost']} |"
        )
        if r["text"] / n < 0.98 or r["links"] / n < 0.98 or r["images_lost"] or r["code_lost"]:
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
