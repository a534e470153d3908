"""Reference outputs of a trained model, saved at training time for the engine's tests.

Usage: fixture.py --role small|big --weights WORK_DIR --out models/toy-small/fixture.json
       [--set eval-set.jsonl]
Records, in fp32 torch: the logits at a few positions of two fixed token sequences, and the
greedy continuation of a few problems (the small model alone on its hint prompt, the big
model alone on its prompt). Problems whose greedy path ever has a top-2 logit gap under
`MIN_MARGIN` are skipped, so that a float-rounding difference cannot flip a token.
"""

from __future__ import annotations

import argparse
import json
import random

import torch

from model import Qwen2, load_model
from policies import big_user, small_user
from problems import sample_problem, solution
from tokenizer import Tokenizer

MIN_MARGIN = 1e-2
GREEDY_PROBLEMS = 4
MAX_NEW = 200


@torch.no_grad()
def greedy(model: Qwen2, prompt: list[int], eos: int) -> tuple[list[int], float]:
    cache = model.new_cache(1, len(prompt) + MAX_NEW + 1)
    active = torch.ones(1, dtype=torch.bool)
    logits = None
    for t in prompt:
        logits = model.step(torch.tensor([t]), active, cache)
    out: list[int] = []
    margin = float("inf")
    while len(out) < MAX_NEW:
        top = torch.topk(logits[0], 2)
        margin = min(margin, float(top.values[0] - top.values[1]))
        nxt = int(top.indices[0])
        out.append(nxt)
        if nxt == eos:
            break
        logits = model.step(torch.tensor([nxt]), active, cache)
    return out, margin


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--role", choices=["small", "big"], required=True)
    ap.add_argument("--weights", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=99)
    args = ap.parse_args()
    torch.set_num_threads(2)
    tok = Tokenizer()
    model = load_model(f"{args.weights}/config.json", f"{args.weights}/model.safetensors")
    rng = random.Random(args.seed)
    user = small_user if args.role == "small" else big_user

    logits_cases = []
    for _ in range(2):
        p = sample_problem(rng)
        text = tok.chat_prompt(user(p.text)) + solution(p, tagged=args.role == "small")[:40]
        ids = tok.encode(text)
        rows = sorted({0, len(ids) // 3, len(ids) // 2, len(ids) - 3, len(ids) - 2, len(ids) - 1})
        with torch.no_grad():
            full = model(torch.tensor([ids]))[0]
        logits_cases.append({"text": text, "ids": ids, "rows": rows,
                             "logits": [[round(float(v), 6) for v in full[r]] for r in rows]})

    greedy_cases = []
    while len(greedy_cases) < GREEDY_PROBLEMS:
        p = sample_problem(rng)
        prompt_text = tok.chat_prompt(user(p.text))
        prompt = tok.encode(prompt_text)
        out, margin = greedy(model, prompt, tok.eos_id)
        if margin < MIN_MARGIN:
            continue
        greedy_cases.append({"problem": p.text, "answer": p.answer, "userMessage": user(p.text),
                             "prompt": prompt_text, "promptIds": prompt, "ids": out,
                             "text": tok.decode(out), "minMargin": round(margin, 4)})

    fixture = {
        "about": "Reference outputs of this folder's weights in fp32 torch, written by tools/toy/fixture.py "
                 "at training time. logits: rows of the logits for `ids` at positions `rows` (all positions "
                 "computed in one pass). greedy: greedy decoding from `promptIds` until EOS or "
                 f"{MAX_NEW} tokens; `minMargin` is the smallest top-1 minus top-2 logit on that path.",
        "role": args.role,
        "dtype": "fp32",
        "atol": 1e-4,
        "logits": logits_cases,
        "greedy": greedy_cases,
    }
    with open(args.out, "w") as f:
        json.dump(fixture, f, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
