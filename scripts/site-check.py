#!/usr/bin/env python3
"""Runs `herald --site ROOT entries --json` on real blogs and compares every post with the
URL and date its own generator gave it (the corpus's truth files).

usage: scripts/site-check.py CORPUS_DIR [HERALD]

CORPUS_DIR holds hugo-linkerd/, zola-rust-osdev/, jekyll-cordova/ with their
<name>-truth.csv (source,url,date,title) and <name>-unpublished.txt, and flink-hugo/,
flink-jekyll/ with <name>-permalinks.csv (file,url). The Flink blogs are laid out as the
sites they were (content/posts/ beside Hugo's config.toml; _posts/ beside _config.yml) in a
temporary folder; the one page of the real Flink site that a post links to with `relref`
(content/downloads.md) stands in by name. Each site is also copied before `herald init` and `run --dry-run` run in it,
so the corpus is never written to. Prints one table row per blog and every miss; exits 1
when a blog is under 99.5% or `check`, `init` or `run --dry-run` fails.
"""

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from urllib.parse import unquote

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def herald(binary, root, *args):
    return subprocess.run([binary, "--site", root, *args], capture_output=True, text=True)


def parse_date(text):
    """An instant to the second: the generators' printing layouts print whole seconds."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(microsecond=0)


def compare(entries, truth):
    """Each truth row (source → url, date or None) against herald's entries by source: the
    number right and a line for every miss. URLs are compared percent-decoded, as a browser
    reads them (generators print some encoded, some not)."""
    misses, right = [], 0
    for source, (url, date) in sorted(truth.items()):
        entry = entries.get(source)
        if entry is None:
            misses.append(f"{source}: published by the generator, missing")
            continue
        wrong = []
        if unquote(entry["permalink"]) != unquote(url):
            wrong.append(f"url {entry['permalink']} (truth {url})")
        if date and parse_date(entry["published"]) != parse_date(date):
            wrong.append(f"date {entry['published']} (truth {date})")
        if wrong:
            misses.append(f"{source}: " + "; ".join(wrong))
        else:
            right += 1
    return right, misses


def layout(corpus, name, scratch):
    """The site's root: the corpus folder itself, or the Flink blog laid out as its site."""
    if name == "flink-hugo":
        root = os.path.join(scratch, name)
        os.makedirs(os.path.join(root, "content", "posts"))
        for f in os.listdir(os.path.join(corpus, name)):
            src = os.path.join(corpus, name, f)
            if f == "config.toml":
                shutil.copy(src, root)
            elif f.endswith(".md"):
                shutil.copy(src, os.path.join(root, "content", "posts"))
        # The corpus holds the posts only; the real site's page that a post links to with
        # `relref` stands in by name, as the site has it.
        with open(os.path.join(root, "content", "downloads.md"), "w") as page:
            page.write("---\ntitle: Downloads\n---\nThe site's downloads page.\n")
        return root, lambda source: "content/posts/" + source
    if name == "flink-jekyll":
        root = os.path.join(scratch, name)
        shutil.copytree(os.path.join(corpus, name), root)
        return root, lambda source: "_posts/" + source
    root = os.path.join(scratch, name)
    shutil.copytree(os.path.join(corpus, name), root)
    return root, lambda source: source


def truth_of(corpus, name, to_source):
    """source → (url, date or None), and the sources the generator did not publish."""
    truth, unpublished = {}, set()
    path = os.path.join(corpus, f"{name}-truth.csv")
    if os.path.exists(path):
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                truth[row["source"]] = (row["url"], row["date"])
        with open(os.path.join(corpus, f"{name}-unpublished.txt")) as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    unpublished.add(line.split("\t")[0].strip())
    else:
        with open(os.path.join(corpus, f"{name}-permalinks.csv"), newline="") as f:
            rows = csv.reader(f)
            next(rows)
            for file, url in rows:
                truth[to_source(file)] = (url, None)
    return truth, unpublished


def check_blog(binary, corpus, name, scratch):
    root, to_source = layout(corpus, name, scratch)
    truth, unpublished = truth_of(corpus, name, to_source)
    out = herald(binary, root, "entries", "--json")
    if out.returncode != 0:
        return name, [f"entries failed ({out.returncode}): {out.stderr.strip()[:2000]}"], None
    entries = {os.path.relpath(e["source"], root): e for e in json.loads(out.stdout)}
    right, misses = compare(entries, truth)
    for source in sorted(set(entries) - set(truth)):
        why = "listed as unpublished" if source in unpublished else "not in the truth"
        misses.append(f"{source}: herald publishes it, {why}")
    extra = len(set(entries) - set(truth))
    share = right / max(len(truth), 1) * (1 if not extra else len(truth) / (len(truth) + extra))
    # check, init and run --dry-run, in a copy so nothing is written into the corpus.
    steps = []
    check = herald(binary, root, "check")
    steps.append(("check", check.returncode == 0, check.stdout.strip().splitlines()[-1:] or [check.stderr[-300:]]))
    run_root = os.path.join(scratch, name + "-run")
    shutil.copytree(root, run_root)
    init = subprocess.run([binary, "init"], cwd=run_root, capture_output=True, text=True)
    steps.append(("init", init.returncode == 0, init.stdout.strip().splitlines()[:1] or [init.stderr[-300:]]))
    run = subprocess.run([binary, "--site", ".", "run", "--dry-run"], cwd=run_root, capture_output=True, text=True)
    steps.append(("run --dry-run", run.returncode == 0, run.stdout.strip().splitlines()[:1] or [run.stderr[-300:]]))
    return name, misses, (right, len(truth), extra, share, steps)


def main():
    corpus = os.path.abspath(sys.argv[1])
    binary = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else os.path.join(REPO, "target/release/herald")
    names = ["hugo-linkerd", "zola-rust-osdev", "jekyll-cordova", "flink-hugo", "flink-jekyll"]
    failed = False
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for name in names:
            name, misses, result = check_blog(binary, corpus, name, scratch)
            if result is None:
                print(f"{name}: {misses[0]}")
                failed = True
                continue
            right, total, extra, share, steps = result
            ok = share >= 0.995 and all(s[1] for s in steps)
            failed |= not ok
            rows.append((name, right, total, extra, share, steps))
            for miss in misses:
                print(f"  {name}: {miss}")
    print("| blog | right URL and date | published by herald but not by the generator | share | check | init | run --dry-run |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, right, total, extra, share, steps in rows:
        marks = " | ".join(("ok" if s[1] else "FAILED") + f" ({' '.join(s[2])[:80]})" for s in steps)
        print(f"| {name} | {right}/{total} | {extra} | {share:.1%} | {marks} |")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
