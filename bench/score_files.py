"""Score converted copies of the labelled reports that some tool outside this repo made.

    python bench/score_files.py DIR [DIR …] [-v]

Each file `DIR/<stem>__<tool>.<ext>` is a copy of the labelled report `<stem>` (the name of its gold
file in ../shared/corpus/gold) made by `<tool>`; it is parsed and scored as `make_variants.py`
scores its own kinds (score.py's rules): per tool the documents, the share of cells read right
and the silent cells (wrong and named by no finding), and each imperfect copy (`-v`: its wrong
cells). This is how converters no issue names are probed (docs/generalization.md): run them in a
virtualenv of their own over the pages, DOCX and PDFs, name the outputs so, score them here.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import make_variants as mv  # the scorer of the variant kinds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dirs", nargs="+", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true", help="list each wrong cell")
    args = ap.parse_args()
    golds = mv.load_golds()
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # docs, scored, right, silent
    for folder in args.dirs:
        for path in sorted(folder.iterdir()):
            if "__" not in path.name or path.name.split("__", 1)[0] not in golds:
                continue
            stem, rest = path.name.split("__", 1)
            tool = rest.rsplit(".", 1)[0]
            variant = mv.Variant(stem, tool, path, mv._derive(golds[stem], tool))
            s = mv.score(variant)
            t = totals[tool]
            t[0] += 1
            t[1] += s["scored"]
            t[2] += s["right"]
            t[3] += s["silent"]
            if not mv.perfect(s):
                print(
                    mv.describe(variant, s, 20)
                    if args.verbose
                    else f"  {variant.id} {s['right']}/{s['scored']} silent {s['silent']}"
                )
    for tool, (docs, scored, right, silent) in sorted(totals.items()):
        print(
            f"{tool:34s} docs {docs:3d}  cells {100 * right / max(scored, 1):6.2f} % ({right}/{scored})  silent {silent}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
