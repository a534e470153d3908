"""Accuracy vs. offload on a held-out problem set, for the four policies (see policies.py).

Usage: evaluate.py --small DIR --big DIR --set eval-set.jsonl --out results.json [--limit N]
DIR holds config.json + model.safetensors. Runs in fp32, greedy, batched.
`random` runs after `learned`, with the start probability that gives learned's offload
fraction at learned's mean segment length (as `splitreason eval` matches them).
"""

from __future__ import annotations

import argparse
import json
import time

import torch

from model import load_model
from policies import BIG, SMALL, Runner, score, segments_text
from tokenizer import Tokenizer


def read_set(path: str) -> list[dict]:
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", required=True)
    ap.add_argument("--big", required=True)
    ap.add_argument("--set", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--policies", default="never,always,learned,random")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--chunk", type=int, default=256, help="problems per batch")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    tok = Tokenizer()
    small = load_model(f"{args.small}/config.json", f"{args.small}/model.safetensors")
    big = load_model(f"{args.big}/config.json", f"{args.big}/model.safetensors")
    rows = read_set(args.set)[: args.limit]
    problems = [r["problem"] for r in rows]
    answers = [int(r["answer"]) for r in rows]
    runner = Runner(tok, small, big)
    report: dict = {"problems": len(rows), "set": args.set, "policies": {}}
    samples: dict = {}
    order = [p for p in args.policies.split(",") if p != "random"] + (["random"] if "random" in args.policies else [])
    for policy in order:
        kwargs: dict = {}
        if policy == "random":
            learned = report["policies"].get("learned")
            if learned is None:
                raise SystemExit("random needs learned's offload fraction: include learned in --policies")
            f = learned["offload_fraction"]
            seg_len = learned["big_tokens"] / max(1, learned["segments"])
            start_prob = min(1.0, f / (seg_len * (1 - f))) if f > 0 else 0.0
            kwargs = {"start_prob": start_prob, "seed": args.seed}
        t0 = time.time()
        results = []
        for i in range(0, len(problems), args.chunk):
            results += runner.run(problems[i:i + args.chunk], policy, **kwargs)
        s = score(tok, results, answers)
        s["seconds"] = round(time.time() - t0, 1)
        s.update({k: v for k, v in kwargs.items() if k != "seed"})
        report["policies"][policy] = s
        samples[policy] = [{"problem": problems[i], "answer": answers[i],
                            "segments": segments_text(tok, results[i])} for i in range(min(5, len(results)))]
        print(f"{policy:8s} accuracy {s['accuracy']:.3f}  offload {s['offload_fraction']:.3f}  "
              f"({s['small_tokens']} small, {s['big_tokens']} big tokens, {s['seconds']} s)", flush=True)
    report["samples"] = samples
    report["sources"] = [SMALL, BIG]
    with open(args.out, "w") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
