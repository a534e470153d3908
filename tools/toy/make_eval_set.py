"""Write the held-out problem set as JSONL {problem, answer} (the format `splitreason eval` reads).

Usage: make_eval_set.py --out FILE --n 500 --seed 2024
The training scripts read the same file with --exclude and never train on these problems.
"""

from __future__ import annotations

import argparse
import json
import random

from problems import sample_problem


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--seed", type=int, default=2024)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    seen: set[str] = set()
    with open(args.out, "w") as f:
        while len(seen) < args.n:
            p = sample_problem(rng)
            if p.text in seen:
                continue
            seen.add(p.text)
            f.write(json.dumps({"problem": p.text, "answer": p.answer}) + "\n")


if __name__ == "__main__":
    main()
