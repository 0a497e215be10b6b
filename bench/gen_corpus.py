"""Makes a benchmark corpus of N posts by cycling the real Flink posts (Hugo form) with
unique titles and dates, plus the herald configs and a minimal Hugo site over the same
posts. Written outside the repository; never commit a generated corpus.

usage: gen_corpus.py CORPUS_DIR N OUT_DIR
"""

import os
import re
import sys
from datetime import datetime, timedelta, timezone

SOURCE, N, OUT = sys.argv[1], int(sys.argv[2]), sys.argv[3]
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

posts = sorted(f for f in os.listdir(SOURCE) if f.endswith(".md") and not f.startswith("_"))
texts = [open(os.path.join(SOURCE, f), encoding="utf-8").read() for f in posts]
start = datetime(2000, 1, 3, 9, 0, tzinfo=timezone.utc)
step = timedelta(hours=6)

post_dir = os.path.join(OUT, "posts")
os.makedirs(post_dir, exist_ok=True)
for i in range(N):
    text = texts[i % len(texts)]
    date = start + step * i
    stamp = date.strftime("%Y-%m-%dT%H:%M:%SZ")
    front, body = text[4:].split("\n---\n", 1)
    front = re.sub(r"^title: .*$", lambda m: f"{m.group(0)} (#{i})" if not m.group(0).endswith(("'", '"')) else f"{m.group(0)[:-1]} (#{i}){m.group(0)[-1]}", front, count=1, flags=re.M)
    front = re.sub(r"^date: .*$", f'date: "{stamp}"', front, count=1, flags=re.M)
    name = f"{date:%Y-%m-%d}-{i:06d}-{posts[i % len(posts)][11:]}"
    with open(os.path.join(post_dir, name), "w", encoding="utf-8") as f:
        f.write(f"---\n{front}\n---\n{body}")
newest = start + step * (N - 1)
iso = newest.isocalendar()
with open(os.path.join(OUT, "week"), "w") as f:
    f.write(f"{iso[0]}-W{iso[1]:02d}\n")

# herald: the shipped config over these posts; W1 keeps the default limit, W2 renders all.
config = open(os.path.join(REPO, "config.toml"), encoding="utf-8").read()
config = config.replace('posts_dir = "posts"', 'posts_dir = "posts"')
w1 = config.replace('out_dir = "public"', 'out_dir = "out-w1"').replace('out_dir = "public/digest"', 'out_dir = "out-w1/digest"')
w2 = config.replace('out_dir = "public"', 'out_dir = "out-w2"').replace("limit = 20", "limit = 0")
open(os.path.join(OUT, "herald-w1.toml"), "w").write(w1)
open(os.path.join(OUT, "herald-w2.toml"), "w").write(w2)

# Hugo: the same posts, RSS with no limit, a one-line single layout.
hugo = os.path.join(OUT, "hugo")
os.makedirs(os.path.join(hugo, "content"), exist_ok=True)
os.makedirs(os.path.join(hugo, "layouts", "_default"), exist_ok=True)
link = os.path.join(hugo, "content", "posts")
if not os.path.exists(link):
    os.symlink(os.path.abspath(post_dir), link)
with open(os.path.join(hugo, "config.toml"), "w") as f:
    f.write(
        'baseURL = "https://flink.apache.org"\nlanguageCode = "en-us"\ntitle = "Apache Flink"\n'
        "disableKinds = [\"taxonomy\", \"term\"]\n"
        "[permalinks]\nposts = \"/:year/:month/:day/:title/\"\n"
        "[services.rss]\nlimit = -1\n"
        "[markup.goldmark.renderer]\nunsafe = true\n"
        '[params]\nDocsBaseUrl = "//nightlies.apache.org/flink/"\n'
    )
# The one page the posts link to with {{< relref >}}.
with open(os.path.join(hugo, "content", "downloads.md"), "w") as f:
    f.write("---\ntitle: Downloads\n---\n")
with open(os.path.join(hugo, "layouts", "_default", "single.html"), "w") as f:
    f.write("{{ .Content }}\n")
with open(os.path.join(hugo, "layouts", "_default", "list.html"), "w") as f:
    f.write("{{ .Title }}\n")
print(f"{N} posts in {post_dir}; newest week {iso[0]}-W{iso[1]:02d}")
