#!/usr/bin/env python3
"""Runs herald on real blogs it was never tuned to and compares every post with the URL and
date its own generator gave it.

usage: scripts/real-blogs.py BLOGS_DIR [HERALD] [--only NAME,...] [--corpus CORPUS_DIR]

BLOGS_DIR holds one folder per blog, each with:
  blog.toml        repo, commit, generator, generator_version, site_root, multilingual, notes
  site/            the site's root as the repository has it at that commit (configuration
                   and content; themes are not needed)
  truth.csv        source,url,date,title[,lang]: every post the real generator published
                   (source relative to site/), made by running that generator on site/
                   with only its theme replaced by a layout that prints them
  unpublished.txt  source<TAB>reason for the files it did not publish as posts
  blog.toml may set `herald_toml`: the herald.toml a maintainer writes for what the site's
  own configuration does not say (a site whose `baseURL = "/"` is given the real one on
  the generator's command line gets `base_url` here, as the build gets `--baseURL`).

For each blog, in a copy of site/ (nothing is written into BLOGS_DIR):
  - `herald --site ROOT entries --json`: every truth row must be an entry with the same URL
    (compared after percent-decoding, as a browser does) and the same instant;
    an entry the generator did not publish counts against the share;
  - `herald --site ROOT check` must report 0 errors;
  - `herald init` run in the site's root (no --site) must find the site, and `check`,
    `build` and `init` must count the same posts.
With --corpus, the five blogs of the shared corpus are checked as scripts/site-check.py
checks them, and their rows added to the table.

Prints every miss, then one Markdown table row per blog; exits 1 when a blog is under
99.5%, publishes a post its generator does not, or `check` reports an error.
"""

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
site_check = __import__("site-check")


def run(binary, args, cwd=None):
    return subprocess.run([binary, *args], capture_output=True, text=True, cwd=cwd)


def count_of(line):
    """The post count a command's summary line states (`N posts`)."""
    found = re.search(r"(\d+) posts", line or "")
    return int(found.group(1)) if found else None


def copy_site(folder, meta, root):
    """The blog's site/ copied to `root`, with the herald.toml its blog.toml gives."""
    shutil.copytree(os.path.join(folder, "site"), root, symlinks=True)
    if meta.get("herald_toml"):
        with open(os.path.join(root, "herald.toml"), "w") as f:
            f.write(meta["herald_toml"])


def check_blog(binary, folder, scratch):
    name = os.path.basename(folder.rstrip("/"))
    with open(os.path.join(folder, "blog.toml"), "rb") as f:
        meta = tomllib.load(f)
    root = os.path.join(scratch, name)
    copy_site(folder, meta, root)
    truth, unpublished = {}, {}
    with open(os.path.join(folder, "truth.csv"), newline="") as f:
        for row in csv.DictReader(f):
            truth[row["source"]] = (row["url"], row["date"])
    path = os.path.join(folder, "unpublished.txt")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    source, _, why = line.rstrip("\n").partition("\t")
                    unpublished[source.strip()] = why.strip()
    out = run(binary, ["--site", root, "entries", "--json"])
    if out.returncode not in (0, 1) or not out.stdout.strip():
        return name, meta, [f"entries failed ({out.returncode}): {out.stderr.strip()[:2000]}"], None
    entries = {os.path.relpath(e["source"], root): e for e in json.loads(out.stdout)}
    right, misses = site_check.compare(entries, truth)
    extra = sorted(set(entries) - set(truth))
    for source in extra:
        why = unpublished.get(source)
        why = f"unpublished: {why}" if why is not None else "not in the truth"
        misses.append(f"{source}: herald publishes it ({entries[source]['permalink']}), {why}")
    share = right / max(len(truth), 1)
    check = run(binary, ["--site", root, "check"])
    check_line = (check.stdout.strip().splitlines() or [""])[-1]
    errors = re.search(r"(\d+) errors", check_line)
    errors = int(errors.group(1)) if errors else None
    for line in check.stderr.splitlines():
        if ": error: " in line:
            misses.append(f"check: {line[:300]}")
    warnings = [l for l in check.stderr.splitlines() if ": warning: " in l]
    # init in the site's root, as a maintainer runs it, then build, counted alike.
    init = run(binary, ["init"], cwd=root)
    init_line = (init.stdout.strip().splitlines() or [init.stderr.strip()[-200:]])[0]
    build = run(binary, ["build", "--out", os.path.join(scratch, name + "-feeds")], cwd=root)
    build_line = (build.stdout.strip().splitlines() or [build.stderr.strip()[-200:]])[-1]
    counts = (count_of(init_line), count_of(check_line), count_of(build_line))
    result = {
        "right": right,
        "total": len(truth),
        "extra": len(extra),
        "share": share,
        "errors": errors,
        "warnings": len(warnings),
        "counts": counts,
        "init_ok": init.returncode == 0,
    }
    return name, meta, misses, result


def main():
    args = sys.argv[1:]
    only = None
    corpus = None
    if "--only" in args:
        i = args.index("--only")
        only = set(args[i + 1].split(","))
        del args[i : i + 2]
    if "--corpus" in args:
        i = args.index("--corpus")
        corpus = os.path.abspath(args[i + 1])
        del args[i : i + 2]
    blogs = os.path.abspath(args[0])
    binary = os.path.abspath(args[1]) if len(args) > 1 else os.path.join(REPO, "target/release/herald")
    folders = sorted(
        os.path.join(blogs, d)
        for d in os.listdir(blogs)
        if os.path.exists(os.path.join(blogs, d, "blog.toml"))
        and os.path.exists(os.path.join(blogs, d, "truth.csv"))
        and (only is None or d in only)
    )
    failed = False
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for folder in folders:
            name, meta, misses, result = check_blog(binary, folder, scratch)
            for miss in misses:
                print(f"  {name}: {miss}")
            if result is None:
                failed = True
                rows.append((name, meta, None))
                continue
            ok = (
                result["share"] >= 0.995
                and result["extra"] == 0
                and result["errors"] == 0
                and result["init_ok"]
                and len(set(result["counts"])) == 1
            )
            failed |= not ok
            rows.append((name, meta, result))
    if corpus:
        with tempfile.TemporaryDirectory() as scratch:
            for name in ["hugo-linkerd", "zola-rust-osdev", "jekyll-cordova", "flink-hugo", "flink-jekyll"]:
                name, misses, result = site_check.check_blog(binary, corpus, name, scratch)
                for miss in misses:
                    print(f"  {name}: {miss}")
                if result is None:
                    failed = True
                    continue
                right, total, extra, share, steps = result
                failed |= share < 1.0
                rows.append((name, {"repo": "shared corpus", "commit": "", "generator": ""}, {
                    "right": right, "total": total, "extra": extra, "share": share,
                    "errors": 0 if steps[0][1] else None, "warnings": "",
                    "counts": ("", "", ""), "init_ok": steps[1][1],
                }))
    print()
    print("| blog | generator | repository @ commit | right URL and date | published but not by the generator | share | check errors | check warnings | posts counted by init / check / build |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, meta, r in rows:
        repo = f"{meta.get('repo', '')} @ {str(meta.get('commit', ''))[:12]}"
        gen = f"{meta.get('generator', '')} {meta.get('generator_version', '')}".strip()
        if r is None:
            print(f"| {name} | {gen} | {repo} | FAILED | | | | | |")
            continue
        counts = " / ".join(str(c) for c in r["counts"])
        print(f"| {name} | {gen} | {repo} | {r['right']}/{r['total']} | {r['extra']} | {r['share']:.1%} | {r['errors']} | {r['warnings']} | {counts} |")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
