#!/usr/bin/env python3
"""Issue 25's proof for phones: renders the digest of every week with posts in the last year
of each shared corpus, and one fixture week, and reports how wide each lays out in headless
Chromium at 375 px, with its styles and with <style> removed, every image made 1,200 px wide.

usage: scripts/digest-widths.py --corpus DIR [--herald target/release/herald]

DIR holds the blogs to measure (each a site, or a folder of posts with its herald config in
tests/fixtures/<name>.toml). The fixture week is always measured: it is in the repository.

Prints a table (corpus, weeks, widest with styles, widest without) and exits 1 if any page
is wider than 375 px. Needs chromium (apt-get install chromium).
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))


def herald(binary, site_args, *args):
    return subprocess.run([binary, *site_args, *args], capture_output=True, text=True)


def weeks_of(binary, site_args):
    out = herald(binary, site_args, "entries", "--json")
    dates = [datetime.datetime.fromisoformat(e["published"]) for e in json.loads(out.stdout or "[]")]
    if not dates:
        return []
    newest = max(dates)
    keys = set()
    for d in dates:
        if newest - d <= datetime.timedelta(days=365):
            year, week, _ = d.isocalendar()
            keys.add(f"{year}-W{week:02}")
    return sorted(keys)


def measure(files):
    out = subprocess.run([sys.executable, os.path.join(ROOT, "tests/py/page_width.py"), *files],
                         capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--herald", default=os.path.join(ROOT, "target", "release", "herald"))
    options = parser.parse_args()
    sites = [("fixture: rich week", ["--config", os.path.join(ROOT, "tests/fixtures/rich/config.toml")], ["2024-W10"])]
    for name in sorted(os.listdir(options.corpus)):
        path = os.path.join(options.corpus, name)
        if not os.path.isdir(path):
            continue
        fixture = os.path.join(ROOT, "tests", "fixtures", f"{name}.toml")
        if os.path.exists(fixture):
            # A folder of posts alone, with herald's config for it among the fixtures.
            site_args = ["--config", fixture, "--posts", path]
        else:
            site_args = ["--site", path]
        sites.append((name, site_args, None))
    worst = 0
    print(f"{'site':32} {'weeks':>5} {'styled':>7} {'unstyled':>9}")
    for name, site_args, weeks in sites:
        weeks = weeks or weeks_of(options.herald, site_args)
        with tempfile.TemporaryDirectory() as out:
            files = []
            for week in weeks:
                run = herald(options.herald, site_args, "digest", "--week", week, "--out", out)
                page = os.path.join(out, f"digest-{week}.html")
                if run.returncode in (0, 1) and os.path.exists(page):
                    files.append(page)
            if not files:
                print(f"{name:32} {0:>5} {'-':>7} {'-':>9}")
                continue
            widths = measure(files)
        styled = max(w["styled"] for w in widths)
        unstyled = max(w["unstyled"] for w in widths)
        worst = max(worst, styled, unstyled)
        print(f"{name:32} {len(files):>5} {styled:>7} {unstyled:>9}")
    print(f"widest: {worst} px (at most 375 wanted)")
    sys.exit(0 if worst <= 375 else 1)


if __name__ == "__main__":
    main()
