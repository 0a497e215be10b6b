"""Reads herald's digest archive as a feed reader and a browser would.

usage: check_archive.py ARCHIVE_DIR
Prints one JSON line: the Atom feed as feedparser reads it (bozo, entries with title, link,
id, published) and, per HTML file, its links and whether it holds a mailto: link.
"""

import json
import os
import sys
from html.parser import HTMLParser

import feedparser


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        if tag in ("a", "link"):
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_data(self, data):
        self.text.append(data)


def main():
    root = sys.argv[1]
    d = feedparser.parse(os.path.join(root, "atom.xml"))
    feed = {
        "bozo": int(d.bozo),
        "title": d.feed.get("title"),
        "self": [l["href"] for l in d.feed.get("links", []) if l.get("rel") == "self"],
        "entries": [
            {
                "title": e.title,
                "link": e.link,
                "id": e.id,
                "published": e.get("published"),
                "content": e.content[0].value if e.get("content") else None,
            }
            for e in d.entries
        ],
    }
    pages = {}
    for folder, _, files in os.walk(root):
        for name in files:
            if name.endswith(".html"):
                path = os.path.join(folder, name)
                parser = Links()
                parser.feed(open(path, encoding="utf-8").read())
                pages[os.path.relpath(path, root)] = {
                    "links": parser.links,
                    "text": " ".join(" ".join(parser.text).split()),
                }
    print(json.dumps({"feed": feed, "pages": pages}))


if __name__ == "__main__":
    main()
