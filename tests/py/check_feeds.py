"""Reads herald's feeds with a real feed parser and compares them with herald's entries.

usage: check_feeds.py OUT_DIR ENTRIES_JSON SITE_AUTHOR

RSS and Atom are read with feedparser. The released feedparser (6.0.x) does not read
JSON Feed, so feed.json is checked against the JSON Feed 1.1 specification's rules here.
Exits 1 with one line per problem.
"""

import json
import sys
from datetime import datetime, timezone

import feedparser


def utc(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def from_struct(struct):
    return datetime(*struct[:6], tzinfo=timezone.utc)


def compare(name, got, want, problems):
    if len(got) != len(want):
        problems.append(f"{name}: {len(got)} entries, herald has {len(want)}")
    for i, (g, w) in enumerate(zip(got, want)):
        for field in ("title", "link", "id", "published", "authors"):
            if g[field] != w[field]:
                problems.append(f"{name} entry {i + 1} {field}: {g[field]!r} != {w[field]!r}")


def parsed_entries(d):
    return [
        {
            "title": e.title,
            "link": e.link,
            "id": e.id,
            "published": from_struct(e.published_parsed),
            "authors": [a.get("name") for a in e.get("authors", [])],
        }
        for e in d.entries
    ]


def check_json_feed(path, problems):
    feed = json.load(open(path, encoding="utf-8"))
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append(f"{path}: version is {feed.get('version')!r}")
    for key in ("title", "home_page_url", "feed_url"):
        if not isinstance(feed.get(key), str) or not feed[key]:
            problems.append(f"{path}: missing {key}")
    items = []
    for i, item in enumerate(feed.get("items", [])):
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append(f"{path} item {i + 1}: id must be a non-empty string")
        if "content_html" not in item and "content_text" not in item:
            problems.append(f"{path} item {i + 1}: needs content_html or content_text")
        for key in ("date_published", "date_modified"):
            try:
                utc(item[key])
            except (KeyError, ValueError):
                problems.append(f"{path} item {i + 1}: {key} is not RFC 3339")
        items.append(
            {
                "title": item.get("title"),
                "link": item.get("url"),
                "id": item.get("id"),
                "published": utc(item["date_published"]),
                "authors": [a.get("name") for a in item.get("authors", [])],
            }
        )
    return items


def main():
    out_dir, entries_path, site_author = sys.argv[1], sys.argv[2], sys.argv[3]
    herald = json.load(open(entries_path, encoding="utf-8"))
    want = [
        {
            "title": e["title"],
            "link": e["permalink"],
            "id": e["id"],
            "published": utc(e["published"]),
            # Feeds name the site's author where a post names none.
            "authors": [a["name"] for a in e["authors"]] or [site_author],
        }
        for e in herald
    ]
    problems = []
    counts = {}
    for name in ("rss.xml", "atom.xml"):
        d = feedparser.parse(f"{out_dir}/{name}")
        if d.bozo:
            problems.append(f"{name}: bozo {d.bozo}: {d.get('bozo_exception')}")
        got = parsed_entries(d)
        counts[name] = len(got)
        compare(name, got, want, problems)
    got = check_json_feed(f"{out_dir}/feed.json", problems)
    counts["feed.json"] = len(got)
    compare("feed.json", got, want, problems)
    for p in problems:
        print(p)
    print(" ".join(f"{k}={v}" for k, v in counts.items()), f"problems={len(problems)}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
