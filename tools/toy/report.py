"""Write TRAINING.md for the toy pair from what make.sh measured.

Usage: report.py --work tools/toy/work --set eval-set.jsonl --out A/TRAINING.md [--out B/TRAINING.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform

from problems import Problem, solution
from data import BIG_PROMPT_VARIANTS, PACKED_SHARE, RANDOM_SEGMENT_SHARE, RESTATE_WEIGHT

EXAMPLE = Problem((47, 86, 129, 408), ("*", "-", "+"))
ROWS = [
    ("never", "small alone (`never`: the small model writes everything, inside its tags too)"),
    ("always", "big alone (`always`)"),
    ("learned", "SplitReason (`learned`: small offloads where it tags, small decides the hand-back)"),
    ("random", "random offload starts at learned's offload fraction (the paper's baseline)"),
]


def load(path: str):
    with open(path) as f:
        return json.load(f)


def pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def cli_table(cli: dict) -> list[str]:
    by = {r["policy"]: r for r in cli["rows"]}
    out = ["| run | accuracy | tokens from the big model | tokens / problem |", "|---|---|---|---|"]
    for key, label in ROWS:
        r = by.get(key)
        if r is None:
            continue
        extra = f" (p = {r['ratio']:.4f} per small token)" if r.get("ratio") is not None else ""
        out.append(f"| {label}{extra} | {pct(r['accuracy'])} ({r['correct']}/{r['problems']}) | "
                   f"{pct(r['offloadFraction'])} | {r['tokensPerProblem']:.1f} |")
    return out


def torch_table(ev: dict) -> list[str]:
    out = ["| run | accuracy | tokens from the big model | seconds |", "|---|---|---|---|"]
    for key, label in ROWS:
        r = ev["policies"].get(key)
        if r is None:
            continue
        extra = f" (p = {r['start_prob']:.4f})" if "start_prob" in r else ""
        correct = round(r["accuracy"] * r["problems"])
        out.append(f"| {label}{extra} | {pct(r['accuracy'])} ({correct}/{r['problems']}) | "
                   f"{pct(r['offload_fraction'])} | {r['seconds']} |")
    return out


def phase_line(log: dict) -> str:
    return (f"- {log['steps']} steps of {log['batch']} fresh problems (seed {log['seed']}), AdamW (0.9, 0.98), weight "
            f"decay 0.05 on matrices, peak lr {log['lr']}, warm-up then cosine to 5 %, gradient clip 1.0, bf16 autocast, "
            f"{log['threads']} torch threads; restatement loss weight {log.get('restate_weight', 1.0):g}, "
            f"packed rows {pct(log.get('packed_share', PACKED_SHARE))} "
            f"({'every computing line' if log.get('packed_all_lines', True) else 'product lines only'}): "
            f"{log['seconds']:.0f} s, final loss {log['history'][-1]['loss']}, teacher-forced exact traces on 256 "
            f"monitor problems {pct(log['history'][-1]['exact'])}")


def model_section(logs: list[dict], folder: str) -> list[str]:
    """One model; `logs` are its training phases in order (each one starts from the one before)."""
    shape = logs[-1]["shape"]
    return [
        f"### {folder}",
        "",
        f"- {logs[-1]['params'] / 1e6:.2f} M parameters: {shape['num_hidden_layers']} layers, hidden {shape['hidden_size']}, "
        f"{shape['num_attention_heads']} query / {shape['num_key_value_heads']} key-value heads of {shape['head_dim']}, "
        f"SwiGLU {shape['intermediate_size']}, tied embeddings: {str(shape['tie_word_embeddings']).lower()}",
        *[phase_line(log) for log in logs],
        "",
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--set", required=True)
    ap.add_argument("--out", action="append", required=True)
    args = ap.parse_args()
    w = args.work
    small_logs = [load(f"{w}/{d}/train-log.json") for d in ("small-base", "small") if os.path.exists(f"{w}/{d}/train-log.json")]
    big_logs = [load(f"{w}/{d}/train-log.json") for d in ("big-base", "big") if os.path.exists(f"{w}/{d}/train-log.json")]
    ev = load(f"{w}/eval-torch.json") if os.path.exists(f"{w}/eval-torch.json") else None
    parts = [load(f"{w}/{name}") for name in ("eval-cli-1.json", "eval-cli-2.json") if os.path.exists(f"{w}/{name}")]
    cli = {"problems": parts[0]["problems"], "rows": [r for p in parts for r in p["rows"]]} if parts else None
    timings = {}
    with open(f"{w}/timings.txt") as f:
        for line in f:
            name, sec = line.split()
            timings[name] = int(sec)
    total = timings.get("done", max(timings.values()))
    variants = ", ".join(f"{name} {int(share * 100)} %" for name, share in BIG_PROMPT_VARIANTS)

    lines = [
        "# The toy pair: how it was made",
        "",
        "Written by `tools/toy/make.sh` (do not edit by hand; rerun it). Both folders hold the same file.",
        "",
        "## Result",
        "",
    ]
    if cli:
        lines += [f"Measured by `splitreason eval` (the split controller on these ONNX files, onnxruntime CPU, "
                  f"greedy) on the {cli['problems']} problems of `models/toy-small/eval-set.jsonl`, which "
                  "training never saw:", "", *cli_table(cli), ""]
    if ev:
        lines += ["The same four policies in torch (fp32, batched; `tools/toy/evaluate.py`), as a cross-check:",
                  "", *torch_table(ev), ""]
    lines += ["Accuracy: the integer in the last `\\boxed{}` equals the answer. Tokens from the big model: its "
              "share of all generated tokens, summed over the set; tags the controller appends count for neither model.",
              "",
              "## The task and the traces",
              "",
              "Problems are `Compute $E$.` with 2-4 operations (+, -, \\times), at least one product of two "
              "2-digit numbers, never two products chained, other operands 1-999 (`tools/toy/problems.py`). "
              "A trace multiplies first, one line per product, splitting the second factor into tens and ones; "
              "the two partial products are the hard part, and in the small model's traces each is wrapped in "
              "`<bigmodel>`...`</bigmodel>`. Then it works the +/- chain left to right, one operation per "
              "line; while three or more terms are left, a line restates them first:",
              "",
              "```",
              *solution(EXAMPLE, tagged=True).split("\n"),
              "```",
              "",
              "Numbers that are added or subtracted are right-aligned with spaces (4 characters in a product "
              "line, a fixed number of tokens a number in the chain). TeX ignores spaces in math mode, so the rendered steps read "
              "normally. In the token stream, the digits of one place value sit at fixed distances: what lets "
              "models this small learn carries and borrows in minutes. It also "
              "makes every offloaded segment exactly 4 tokens, so the small model knows where to take back over.",
              "",
              "## Training",
              "",
              "- Tokenizer: byte-level BPE, 256 byte tokens, merges only for the fixed words of the prompt and the "
              "traces (never for digits), plus the special tokens; 384 ids. `tools/toy/check_tokenizer.mjs` checks "
              "that `@huggingface/tokenizers` and transformers.js give the Python ids and decode them back.",
              "- Small model: the hint prompt of docs/ARCHITECTURE.md §4 (chat template), the tagged trace. Loss on the trace; "
              "inside the tags no target, only a penalty on closing the tag before the 4th token, so it never "
              "learns the partial products and cannot write them alone. "
              f"{int(RANDOM_SEGMENT_SHARE * 100)} % of its traces also have one untargeted tag pair around 4 "
              "ordinary tokens at a random place, so that it hands back after 4 tokens wherever an offload starts. "
              "A second, short phase continues from the first on a fresh stream of problems, with the line that "
              "first restates the +/- chain (copying operands and operators from the prompt) weighing more in the loss.",
              f"- Big model: starts as the trained small model with two more layers (their residual branches "
              "start at zero) and an untied head; the same traces without tags; prompt variants "
              f"{variants} (`boxed` is what the controller sends: the hint sentence removed). The lines that "
              f"restate the +/- chain weigh {RESTATE_WEIGHT['big']:g}x in its loss. Its second phase is the small "
              "one's for the big model: the first phase's product drills leave part of the +/- chain it inherited "
              "unlearned, so whole traces fill 3 of 4 rows, the restatement weighs 3x and the packed rows hold "
              "every computing line. Its batches have 16 rows: on 2 cores a step of 16 takes 0.18 s against "
              "0.50 s for 32, and it learned faster per problem too.",
              f"- Rows of a batch: {int(PACKED_SHARE * 100)} % (the big model's second phase: 25 %) "
              "are packed single lines from several problems instead of whole examples, with the loss "
              "from the line's first `=` on: every computing line for the small model, product lines only in "
              "the big one's first phase (the partial products are what it alone must know).",
              "- Every batch is freshly generated from the seed; the 500 evaluation problems are excluded.",
              "",
              *model_section(small_logs, "models/toy-small"),
              *model_section(big_logs, "models/toy-big"),
              "## Time",
              "",
              f"Whole run {total} s ({total / 60:.1f} min) on {os.cpu_count()} cores ({platform.machine()}), "
              "small (two phases), then big (two phases; it starts from the small one), then the evaluation's two processes in parallel:",
              "",
              "| phase | done after (s) |",
              "|---|---|",
              *[f"| {name} | {sec} |" for name, sec in timings.items()],
              "",
              "ONNX: `splitreason build-onnx` (the project's builder) from `config.json` + the safetensors "
              "weights; `fixture.json` holds torch fp32 logits and greedy texts for the engine's tests.",
              ""]
    for path in args.out:
        with open(path, "w") as f:
            f.write("\n".join(lines))


if __name__ == "__main__":
    main()
