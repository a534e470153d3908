"""Lay out a trained model as a model folder (docs/ARCHITECTURE.md §2), without the ONNX file.

Usage: package.py --role small|big --weights WORK_DIR --out models/toy-small
Copies config.json, writes tokenizer.json, tokenizer_config.json, generation_config.json
and, for the small model, splitreason.json (its tags, hint, default policy and domain).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil

from problems import CLOSE_TAG, DOMAIN, HINT, OPEN_TAG, sample_problem, solution, user_message
from tokenizer import EOS, Tokenizer


def write_samples(tok: Tokenizer, path: str, n: int = 400) -> None:
    """Prompts and traces as both models see them, plus a few texts off the beaten track."""
    rng = random.Random(5)
    with open(path, "w") as f:
        for i in range(n):
            p = sample_problem(rng)
            user = user_message(p, ["hint", "boxed", "bare", "boxed2"][i % 4])
            prompt = tok.chat_prompt(user)
            text = prompt + solution(p, tagged=i % 2 == 0) + EOS
            f.write(json.dumps({"text": text, "ids": tok.encode(text), "user": user, "prompt": prompt},
                               ensure_ascii=False) + "\n")
        for text in ["héllo wörld ∑ 😀", " \\times  = +- ... $$..", "Compute Computed compute",
                     "\n\n  \t x", "<bigmodel><bigmodel></bigmodel>x</think>"]:
            f.write(json.dumps({"text": text, "ids": tok.encode(text)}, ensure_ascii=False) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--role", choices=["small", "big"], required=True)
    ap.add_argument("--weights", required=True, help="folder with config.json + model.safetensors")
    ap.add_argument("--out", required=True)
    ap.add_argument("--samples", help="also write texts + Python token ids for check_tokenizer.mjs here")
    args = ap.parse_args()
    os.makedirs(f"{args.out}/onnx", exist_ok=True)
    shutil.copyfile(f"{args.weights}/config.json", f"{args.out}/config.json")
    tok = Tokenizer()
    tok.write(args.out)
    with open(f"{args.out}/generation_config.json", "w") as f:
        json.dump({"bos_token_id": tok.bos_id, "eos_token_id": tok.eos_id, "pad_token_id": tok.pad_id,
                   "do_sample": False}, f, indent=2)
        f.write("\n")
    if args.samples:
        write_samples(tok, args.samples)
    if args.role == "small":
        with open(f"{args.out}/splitreason.json", "w") as f:
            json.dump({"openTag": OPEN_TAG, "closeTag": CLOSE_TAG, "hint": HINT, "policy": "learned", "domain": DOMAIN}, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
