"""Where the toy pair goes wrong: for each policy, the kind of the first line that differs from
the reference solution, counted over the evaluation set, with a few examples of each.

Usage: diagnose.py --work tools/toy/work --set models/toy-small/eval-set.jsonl [--limit 200]
       [--policies always,learned] [--examples 5]
Runs the torch models of WORK/small and WORK/big through policies.Runner (greedy, fp32), the
same decisions as `splitreason eval`. Not part of make.sh: a tool for improving the recipe.
"""

from __future__ import annotations

import argparse
import collections
import json
import re

import torch

from model import load_model
from policies import Runner
from problems import Problem, solution
from tokenizer import EOS, Tokenizer

OPS = {"+": "+", "-": "-", "\\times": "*"}


def parse_problem(text: str) -> Problem:
    m = re.fullmatch(r"Compute \$(.*)\$\.", text)
    if m is None:
        raise ValueError(f"not a toy problem: {text!r}")
    words = m.group(1).split()
    operands, ops = [int(words[0])], []
    for i in range(1, len(words), 2):
        ops.append(OPS[words[i]])
        operands.append(int(words[i + 1]))
    return Problem(tuple(operands), tuple(ops))


def line_kind(reference: str) -> str:
    if "\\times" in reference:
        return "product line"
    if reference.startswith("$"):
        return "chain operation" if " = " in reference else "chain restatement"
    return "answer"


def first_difference(got: str, want: str) -> tuple[str, str, str] | None:
    """(kind, got line, wanted line) of the first line that differs, or None when all agree."""
    got_lines, want_lines = got.split("\n"), want.split("\n")
    for g, w in zip(got_lines, want_lines):
        if g != w:
            kind = line_kind(w)
            if kind == "product line":
                # the partial products (the big model's part) or the small model's sum of them
                kind = "partial products" if g.split(" = ")[:3] != w.split(" = ")[:3] else "product sum"
            return kind, g, w
    if len(got_lines) != len(want_lines):
        return "length", "", ""
    return None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--set", required=True)
    ap.add_argument("--limit", type=int, default=200)
    ap.add_argument("--policies", default="always,learned")
    ap.add_argument("--examples", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    tok = Tokenizer()
    small = load_model(f"{args.work}/small/config.json", f"{args.work}/small/model.safetensors")
    big = load_model(f"{args.work}/big/config.json", f"{args.work}/big/model.safetensors")
    with open(args.set) as f:
        rows = [json.loads(line) for line in f if line.strip()][: args.limit]
    runner = Runner(tok, small, big)
    for policy in args.policies.split(","):
        results = runner.run([r["problem"] for r in rows], policy)
        counts: collections.Counter = collections.Counter()
        examples: dict[str, list[str]] = collections.defaultdict(list)
        for row, res in zip(rows, results):
            text = tok.decode([t for t, _ in res.tokens]).replace("<bigmodel>", "").replace("</bigmodel>", "")
            diff = first_difference(text, solution(parse_problem(row["problem"]), tagged=False) + EOS)
            kind = "right" if diff is None else diff[0]
            counts[kind] += 1
            if diff is not None and len(examples[kind]) < args.examples:
                examples[kind].append(f"    {row['problem']}\n      wrote  {diff[1]}\n      wanted {diff[2]}")
        print(f"{policy}: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()) + f" (of {len(rows)})")
        for kind, lines in examples.items():
            print(f"  first wrong line: {kind}")
            print("\n".join(lines))


if __name__ == "__main__":
    main()
