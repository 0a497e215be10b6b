"""herald's benchmark: W1 (the cron job) and W2 (every post in every feed) against Hugo
and against the floor (read + pulldown-cmark + ammonia on all cores), on corpora made by
gen_corpus.py. Each command runs once to warm up, then RUNS times; the table gives the
median wall time, the peak resident memory (/usr/bin/time -v) and the ratios.

usage: bench.py [--sizes 1000,10000] [--runs 3] [--write BENCHMARKS.md] [--skip-hugo]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERALD = os.path.join(REPO, "target", "release", "herald")
FLOOR = os.path.join(REPO, "target", "release", "examples", "floor")
CORPUS = os.path.join(REPO, "tests", "corpus", "flink-hugo")


def timed(cmd, cwd):
    """Runs cmd under /usr/bin/time -v; returns (wall seconds, peak RSS in MiB)."""
    out = subprocess.run(["/usr/bin/time", "-v", *cmd], cwd=cwd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stdout}\n{out.stderr}")
    wall = rss = None
    for line in out.stderr.splitlines():
        line = line.strip()
        if line.startswith("Elapsed (wall clock) time"):
            value = line.rsplit(" ", 1)[1]
            parts = [float(p) for p in value.split(":")]
            wall = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
        elif line.startswith("Maximum resident set size"):
            rss = int(line.rsplit(" ", 1)[1]) / 1024
    return wall, rss


def measure(steps, cwd, runs):
    """steps: list of commands run one after another as one workload."""
    def once():
        walls, rsses = zip(*(timed(cmd, cwd) for cmd in steps))
        return sum(walls), max(rsses)
    once()  # warm-up
    results = [once() for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def ensure_tools(skip_hugo):
    missing = [p for p, ok in (("time", os.path.exists("/usr/bin/time")), ("hugo", skip_hugo or shutil.which("hugo"))) if not ok]
    if missing:
        print(f"installing {' '.join(missing)} from Debian", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    subprocess.run(["cargo", "build", "--release", "--locked", "--bin", "herald", "--example", "floor"], cwd=REPO, check=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", help="write the results table into this Markdown file")
    parser.add_argument("--skip-hugo", action="store_true")
    parser.add_argument("--full-max", type=int, default=10000,
                        help="above this size only W1 runs (Hugo and W2 at 100,000 posts need tens of GB)")
    args = parser.parse_args()
    ensure_tools(args.skip_hugo)
    hugo_version = "" if args.skip_hugo else subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.strip()

    rows = []
    work = tempfile.mkdtemp(prefix="herald-bench-")
    try:
        for n in [int(s) for s in args.sizes.split(",")]:
            out = os.path.join(work, f"n{n}")
            subprocess.run([sys.executable, os.path.join(REPO, "bench", "gen_corpus.py"), CORPUS, str(n), out], check=True)
            week = open(os.path.join(out, "week")).read().strip()
            w1 = [
                [HERALD, "--config", "herald-w1.toml", "--now", "2100-01-01T00:00:00Z", "build"],
                [HERALD, "--config", "herald-w1.toml", "--now", "2100-01-01T00:00:00Z", "digest", "--week", week],
            ]
            w2 = [[HERALD, "--config", "herald-w2.toml", "--now", "2100-01-01T00:00:00Z", "build"]]
            row = {"n": n}
            row["w1"] = measure(w1, out, args.runs)
            full = n <= args.full_max
            if full:
                row["w2"] = measure(w2, out, args.runs)
                row["floor"] = measure([[FLOOR, "posts"]], out, args.runs)
            if full and not args.skip_hugo:
                row["hugo"] = measure([["hugo", "--quiet", "-d", os.path.join(out, "hugo-public")]], os.path.join(out, "hugo"), args.runs)
            rows.append(row)
            print(row, flush=True)
            shutil.rmtree(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    lines = [
        f"Machine: {os.cpu_count()} cores. Median of {args.runs} runs after a warm-up; peak RSS over the runs. {hugo_version}",
        "",
        "| posts | workload | wall (s) | peak RSS (MiB) | vs Hugo: time | vs Hugo: memory | vs floor: time |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        hugo = row.get("hugo")
        for name, key in (("W1 cron job (build + digest)", "w1"), ("W2 everything (limit 0)", "w2"), ("floor (read + render + clean)", "floor"), ("Hugo (RSS, limit -1)", "hugo")):
            if key not in row:
                continue
            wall, rss = row[key]
            vs_hugo_t = f"{hugo[0] / wall:.1f}× faster" if hugo and key != "hugo" else ""
            vs_hugo_m = f"{rss / hugo[1]:.2f}×" if hugo and key != "hugo" else ""
            vs_floor = f"{wall / row['floor'][0]:.2f}×" if key in ("w1", "w2") and "floor" in row else ""
            lines.append(f"| {row['n']} | {name} | {wall:.3f} | {rss:.0f} | {vs_hugo_t} | {vs_hugo_m} | {vs_floor} |")
    table = "\n".join(lines)
    print(table)
    if args.write:
        path = os.path.join(REPO, args.write)
        text = open(path).read() if os.path.exists(path) else ""
        begin, end = "<!-- results -->", "<!-- /results -->"
        if begin in text:
            text = text[: text.index(begin) + len(begin)] + "\n" + table + "\n" + text[text.index(end):]
        else:
            text += f"\n{begin}\n{table}\n{end}\n"
        open(path, "w").write(text)


if __name__ == "__main__":
    main()
