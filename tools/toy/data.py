"""Training examples: token ids plus per-position loss weights, for either role.

small: the hint prompt and the tagged trace. The loss covers the trace, except the tokens
       inside <bigmodel>...</bigmodel>: there the small model gets no target, only a penalty
       on predicting </bigmodel> too early, so it learns where a big-model step ends without
       ever learning to write one (what the paper's small model cannot do).
       Some traces also get one extra tag pair around 4 ordinary tokens at a random place,
       with no target on that open tag: what a random offload looks like to the small
       model. It learns to hand back after 4 tokens there too and to carry on from text it
       did not write, so the random baseline offloads what it is asked to, no more.
big:   the same traces without tags, after a prompt without the hint (or, now and then, with
       it or other phrasings a controller may produce), with the loss on the whole trace.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import torch

from problems import Problem, sample_problem, solution, user_message
from tokenizer import EOS, Tokenizer

PACKED_SHARE = 0.5  # rows of a batch that are packed single lines instead of whole examples
PACKED_TOKENS = 150  # rows end at 150-190 tokens (at 180 the small model learned markedly slower)
# Loss weight on the line that restates the +/- chain: it copies operands and signs from the
# prompt by their position among the terms, the step both models got wrong most often (a
# diagnosis of a full run: 15-20 % of problems, against about 1 % for any arithmetic step).
# Only the big model's: from scratch, the small model learned everything else more slowly with it.
RESTATE_WEIGHT = {"small": 1.0, "big": 2.0}
BIG_PROMPT_VARIANTS = (("boxed", 0.55), ("bare", 0.2), ("hint", 0.15), ("boxed2", 0.1))
RANDOM_SEGMENT_SHARE = 0.25
SEGMENT_TOKENS = 4  # a partial product's field width (problems.PART_WIDTH)


@dataclass
class Example:
    ids: list[int]
    # weight of the loss on predicting ids[i+1] from ids[:i+1]; 0 = no target
    weights: list[float]
    # 1 where the next token is inside a tag pair: penalise predicting the close tag there
    no_close: list[float]


def trace_ids(tok: Tokenizer, p: Problem, role: str, restate_weight: float) -> tuple[list[int], list[float]]:
    """The trace's ids (tagged for the small model) and a loss weight per id: RESTATE_WEIGHT on a
    restated chain, 1 elsewhere.
    Encoded line by line: the tokenizer never merges across a newline, so the ids are the same."""
    lines = (solution(p, tagged=role == "small") + EOS).split("\n")
    ids: list[int] = []
    scale: list[float] = []
    for i, line in enumerate(lines):
        piece = tok.encode(line + ("\n" if i + 1 < len(lines) else ""))
        restate = line.startswith("$") and " = " not in line
        ids += piece
        scale += [restate_weight if restate else 1.0] * len(piece)
    return ids, scale


def small_example(tok: Tokenizer, p: Problem, rng: random.Random | None = None,
                  restate_weight: float = RESTATE_WEIGHT["small"]) -> Example:
    prompt = tok.encode(tok.chat_prompt(user_message(p, "hint")))
    trace, scale = trace_ids(tok, p, "small", restate_weight)
    open_id, close_id = tok.id("<bigmodel>"), tok.id("</bigmodel>")
    random_open = -1
    if rng is not None and rng.random() < RANDOM_SEGMENT_SHARE:
        inside, starts = False, []
        for j, t in enumerate(trace):
            if t == open_id:
                inside = True
            if not inside and all(x not in (open_id, close_id, tok.eos_id) for x in trace[j:j + SEGMENT_TOKENS + 1]) \
                    and j + SEGMENT_TOKENS < len(trace):
                starts.append(j)
            if t == close_id:
                inside = False
        if starts:
            j = rng.choice(starts)
            trace = trace[:j] + [open_id] + trace[j:j + SEGMENT_TOKENS] + [close_id] + trace[j + SEGMENT_TOKENS:]
            scale = scale[:j] + [1.0] + scale[j:j + SEGMENT_TOKENS] + [1.0] + scale[j + SEGMENT_TOKENS:]
            random_open = len(prompt) + j
    ids = prompt + trace
    weights = [0.0] * (len(ids) - 1)
    no_close = [0.0] * (len(ids) - 1)
    inside = False
    for j in range(len(prompt), len(ids)):
        t = ids[j]
        if t == open_id:
            weights[j - 1] = 0.0 if j == random_open else 1.0
            inside = True
        elif t == close_id:
            weights[j - 1] = 1.0
            inside = False
        elif inside:
            no_close[j - 1] = 1.0
        else:
            weights[j - 1] = scale[j - len(prompt)]
    return Example(ids, weights, no_close)


def big_example(tok: Tokenizer, p: Problem, rng: random.Random, restate_weight: float = RESTATE_WEIGHT["big"]) -> Example:
    r, variant = rng.random(), BIG_PROMPT_VARIANTS[-1][0]
    for name, share in BIG_PROMPT_VARIANTS:
        if r < share:
            variant = name
            break
        r -= share
    prompt = tok.encode(tok.chat_prompt(user_message(p, variant)))
    trace, scale = trace_ids(tok, p, "big", restate_weight)
    ids = prompt + trace
    weights = [0.0] * (len(prompt) - 1) + scale
    return Example(ids, weights, [0.0] * (len(ids) - 1))


def line_units(tok: Tokenizer, p: Problem, role: str, all_lines: bool = False) -> list[Example]:
    """The lines of a trace that compute something (the last with the answer and EOS), each on
    its own. Up to its first `=` a line repeats numbers from earlier lines: no target there.
    The big model gets only its product lines unless `all_lines`."""
    text = solution(p, tagged=role == "small") + EOS
    pieces = text.split("\n")
    last = len(pieces) - 3  # the chain line; '</think>' and the answer follow it
    units = [pieces[i] + "\n" for i in range(last)] + ["\n".join(pieces[last:])]
    open_id, close_id = tok.id("<bigmodel>"), tok.id("</bigmodel>")
    eq = tok.encode(" = ")[0]
    out = []
    for u in units:
        if " = " not in u:
            continue  # a restated expression: nothing in it follows from the line alone
        if role == "big" and not all_lines and "\\times" not in u:
            continue  # partial products are what the big model alone must know; its +/- chain came with the small model
        ids = tok.encode(u)
        weights = [0.0] * len(ids)
        no_close = [0.0] * len(ids)
        start = ids.index(eq) + 1
        inside = False
        for j in range(start, len(ids)):
            t = ids[j]
            if t == open_id:
                inside = True
                weights[j] = 1.0
            elif t == close_id:
                inside = False
                weights[j] = 1.0
            elif inside:
                no_close[j] = 1.0
            else:
                weights[j] = 1.0
        # weights[j] is the loss on predicting ids[j]; Example stores it at j - 1
        out.append(Example(ids, weights, no_close))
    return out


class Batches:
    """An endless, seeded stream of training batches of fresh problems (none from `exclude`)."""

    def __init__(self, tok: Tokenizer, role: str, batch_size: int, seed: int, exclude: set[str],
                 restate_weight: float | None = None, packed_share: float = PACKED_SHARE,
                 packed_all_lines: bool = False) -> None:
        self.tok, self.role, self.batch_size = tok, role, batch_size
        self.packed_share, self.packed_all_lines = packed_share, packed_all_lines
        self.restate_weight = RESTATE_WEIGHT[role] if restate_weight is None else restate_weight
        self.rng = random.Random(seed)
        self.exclude = exclude

    def problem(self) -> Problem:
        while True:
            p = sample_problem(self.rng)
            if p.text not in self.exclude:
                return p

    def packed(self) -> Example:
        """One row of single trace lines from several fresh problems: dense arithmetic."""
        ids: list[int] = [self.tok.eos_id]
        weights: list[float] = []
        no_close: list[float] = []
        units: list[Example] = []
        while len(ids) < PACKED_TOKENS:
            if not units:
                units = line_units(self.tok, self.problem(), self.role, self.packed_all_lines)
            u = units.pop(0)
            ids += u.ids
            weights += u.weights
            no_close += u.no_close
        return Example(ids, weights, no_close)

    def next(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        # (sorting rows by length to save padding made learning much slower: rows stay mixed)
        exs = []
        n_full = self.batch_size - round(self.batch_size * self.packed_share)
        for i in range(self.batch_size):
            if i >= n_full:
                exs.append(self.packed())
                continue
            p = self.problem()
            exs.append(small_example(self.tok, p, self.rng, self.restate_weight) if self.role == "small"
                       else big_example(self.tok, p, self.rng, self.restate_weight))
        n = max(len(e.ids) for e in exs)
        ids = torch.full((len(exs), n), self.tok.pad_id, dtype=torch.long)
        weights = torch.zeros(len(exs), n - 1)
        no_close = torch.zeros(len(exs), n - 1)
        for i, e in enumerate(exs):
            ids[i, : len(e.ids)] = torch.tensor(e.ids)
            weights[i, : len(e.weights)] = torch.tensor(e.weights)
            no_close[i, : len(e.no_close)] = torch.tensor(e.no_close)
        return ids[:, :-1], ids[:, 1:], weights, no_close
