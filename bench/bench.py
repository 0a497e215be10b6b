"""herald's benchmark: W1 (the cron job) and W2 (every post in every feed) against Hugo
and against the floor (read + pulldown-cmark + ammonia on all cores), on corpora made by
gen_corpus.py. Each command runs once to warm up, then RUNS times; the table gives the
median wall time, the peak resident memory (/usr/bin/time -v) and the ratios. W2 is timed
twice: from an empty output folder (every feed written) and as a rebuild of an unchanged
site (which must write no file: the files rewritten are counted from their inodes and
modification times). W1 is timed twice too: as a cron job runs it, with what loading found
in each post kept from the run before, and as a first run, with nothing kept. With --write, the results and the targets table are written into the
Markdown file between their markers.

usage: bench.py [--sizes 1000,10000,100000] [--runs 3] [--write BENCHMARKS.md] [--skip-hugo]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

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


def measure(steps, cwd, runs, before=None):
    """steps: list of commands run one after another as one workload; before: run (untimed)
    before each run."""
    def once():
        if before:
            before()
        walls, rsses = zip(*(timed(cmd, cwd) for cmd in steps))
        return sum(walls), max(rsses)
    once()  # warm-up
    results = [once() for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def files(folder):
    """Every file below folder with its (inode, modification time in ns)."""
    found = {}
    for root, _, names in os.walk(folder):
        for name in names:
            st = os.stat(os.path.join(root, name))
            found[os.path.join(root, name)] = (st.st_ino, st.st_mtime_ns)
    return found


def ensure_tools(skip_hugo):
    missing = [p for p, ok in (("time", os.path.exists("/usr/bin/time")), ("hugo", skip_hugo or shutil.which("hugo"))) if not ok]
    if missing:
        print(f"installing {' '.join(missing)} from Debian", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    subprocess.run(["cargo", "build", "--release", "--locked", "--bin", "herald", "--example", "floor"], cwd=REPO, check=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
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
            # A cron job's posts were written minutes or days ago; posts written in the last
            # 2 s before herald keeps their front matter are read again until they are older
            # (a same-size edit in one clock tick would keep its stamp), so let them age.
            time.sleep(2.5)
            w1 = [
                [HERALD, "--config", "herald-w1.toml", "--now", "2100-01-01T00:00:00Z", "build"],
                [HERALD, "--config", "herald-w1.toml", "--now", "2100-01-01T00:00:00Z", "digest", "--week", week],
            ]
            w2 = [[HERALD, "--config", "herald-w2.toml", "--now", "2100-01-01T00:00:00Z", "build"]]
            w2_out = os.path.join(out, "out-w2")
            row = {"n": n}
            cache = os.path.join(out, ".herald", "cache")
            # The first run: nothing kept from an earlier one (the digest then finds what
            # the build kept).
            row["w1cold"] = measure(w1, out, args.runs, before=lambda: shutil.rmtree(cache, ignore_errors=True))
            row["w1"] = measure(w1, out, args.runs)
            full = n <= args.full_max
            if full:
                row["w2"] = measure(w2, out, args.runs, before=lambda: shutil.rmtree(w2_out, ignore_errors=True))
                # The same build again over its own output: nothing changed, so nothing written.
                row["noop"] = measure(w2, out, args.runs)
                before = files(w2_out)
                timed(w2[0], out)
                after = files(w2_out)
                row["noop_rewritten"] = (sum(1 for f in after if before.get(f) != after[f]), len(after))
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
    names = (
        ("W1 cron job (build + digest)", "w1"),
        ("W1 first run (no loaded posts kept yet)", "w1cold"),
        ("W2 everything (limit 0), empty output folder", "w2"),
        ("W2 rebuild, nothing changed", "noop"),
        ("floor (read + render + clean)", "floor"),
        ("Hugo (RSS, limit -1)", "hugo"),
    )
    for row in rows:
        hugo = row.get("hugo")
        for name, key in names:
            if key not in row:
                continue
            wall, rss = row[key]
            vs_hugo_t = f"{hugo[0] / wall:.1f}× faster" if hugo and key != "hugo" else ""
            vs_hugo_m = f"{rss / hugo[1]:.2f}×" if hugo and key != "hugo" else ""
            vs_floor = f"{wall / row['floor'][0]:.2f}×" if key in ("w1", "w1cold", "w2", "noop") and "floor" in row else ""
            if key == "noop":
                name += f" ({row['noop_rewritten'][0]} of {row['noop_rewritten'][1]} files rewritten)"
            lines.append(f"| {row['n']} | {name} | {wall:.3f} | {rss:.0f} | {vs_hugo_t} | {vs_hugo_m} | {vs_floor} |")
    table = "\n".join(lines)
    print(table)
    targets = targets_table(rows)
    print(targets)
    if args.write:
        path = os.path.join(REPO, args.write)
        text = open(path).read() if os.path.exists(path) else ""
        text = between(text, "<!-- results -->", "<!-- /results -->", table)
        text = between(text, "<!-- targets -->", "<!-- /targets -->", targets)
        open(path, "w").write(text)


def between(text, begin, end, inner):
    if begin in text:
        return text[: text.index(begin) + len(begin)] + "\n" + inner + "\n" + text[text.index(end):]
    return text + f"\n{begin}\n{inner}\n{end}\n"


def targets_table(rows):
    """Each target of BENCHMARKS.md against this run's numbers (10,000 posts unless said)."""
    by_n = {row["n"]: row for row in rows}
    ten, hundred = by_n.get(10000), by_n.get(100000)
    lines = ["| target | result | holds |", "| --- | --- | --- |"]

    def add(target, result, holds):
        lines.append(f"| {target} | {result} | {'yes' if holds else '**no**'} |")

    if ten and "hugo" in ten:
        hugo_t, hugo_m = ten["hugo"]
        w1, w2, noop, floor = ten["w1"], ten["w2"], ten["noop"], ten["floor"]
        add("W1 at least 30× faster than Hugo", f"{hugo_t / w1[0]:.1f}× ({w1[0]:.2f} s vs {hugo_t:.2f} s)", hugo_t / w1[0] >= 30)
        add("W1 under 0.5 s", f"{w1[0]:.2f} s", w1[0] < 0.5)
        add("W2 at least 6× faster than Hugo", f"{hugo_t / w2[0]:.1f}× ({w2[0]:.2f} s vs {hugo_t:.2f} s)", hugo_t / w2[0] >= 6)
        add("W2 within 2× of the floor", f"{w2[0] / floor[0]:.2f}× ({w2[0]:.2f} s vs {floor[0]:.2f} s)", w2[0] / floor[0] <= 2)
        add("W2 at most 1/8 of Hugo's peak memory", f"{w2[1] / hugo_m:.3f} ({w2[1]:.0f} MiB vs {hugo_m:,.0f} MiB)", w2[1] <= hugo_m / 8)
        add("W2 under 150 MiB (the aim)", f"{w2[1]:.0f} MiB", w2[1] < 150)
        rewritten, total = ten["noop_rewritten"]
        add("a rebuild with nothing changed writes no file", f"{rewritten} of {total} files rewritten ({noop[0]:.2f} s)", rewritten == 0)
        if hundred:
            w1h = hundred["w1"]
            add("W1 at 100,000 posts in at most 1/20 of Hugo's 10,000-post time", f"{w1h[0]:.2f} s vs {hugo_t / 20:.2f} s ({hugo_t:.2f} s / 20)", w1h[0] <= hugo_t / 20)
            add("W1 at 100,000 posts at most 200 MiB", f"{w1h[1]:.0f} MiB", w1h[1] <= 200)
    return "\n".join(lines)


if __name__ == "__main__":
    main()
