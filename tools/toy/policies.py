"""The four decoding policies of the evaluation, run on a whole batch of problems at once.

Every row is its own little state machine; each global step feeds at most one pending
token per row to each model (rows keep their own KV-cache lengths, see model.step), so
rows in different phases of the protocol share the same batched forward passes.

  never    the small model greedy-decodes everything, inside its own tags too.
  always   the big model alone, on the prompt without the hint sentence.
  learned  the small model decodes; after it emits <bigmodel> the big model continues the
           text so far (tags and hint removed) token by token; after each big token the
           small model, fed that token, is asked whether its most likely next token is
           </bigmodel>; at the first such position it appends </bigmodel> and takes over.
           A segment is capped at `segment_cap` big tokens.
  random   the paper's baseline, as src/split/controller.ts runs it: before each small
           token outside a tag, with probability `start_prob`, an offload starts (the open
           tag is appended for the small model); the big model writes until the small
           model would close the tag, as in learned. The small model's own tags trigger
           nothing: it writes inside them itself.

Token counts follow the controller: tags the controller appends (the close tag at a
hand-back, the open tag of a random offload) count for neither model.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field

import torch

from model import Qwen2
from problems import BOXED_SENTENCE, HINT, parse_boxed
from tokenizer import Tokenizer

SMALL, BIG, TAG = "small", "big", "tag"


def small_user(problem: str) -> str:
    return f"{problem}\n{HINT}\n{BOXED_SENTENCE}"


def big_user(problem: str) -> str:
    """The user turn with the hint sentence removed (what the big model sees)."""
    return f"{problem}\n{BOXED_SENTENCE}"


@dataclass
class Row:
    small_q: deque = field(default_factory=deque)
    big_q: deque = field(default_factory=deque)
    out: list = field(default_factory=list)  # (token id, source)
    mode: str = SMALL
    inside: bool = False  # between the small model's own open and close tags
    segment: int = 0  # big tokens in the current segment
    segments: int = 0
    done: bool = False
    reason: str = ""


@dataclass
class Result:
    tokens: list
    segments: int
    reason: str

    def count(self, source: str) -> int:
        return sum(1 for _, s in self.tokens if s == source)


class Runner:
    def __init__(self, tok: Tokenizer, small: Qwen2 | None, big: Qwen2 | None, max_new: int = 320) -> None:
        self.tok, self.small, self.big, self.max_new = tok, small, big, max_new
        self.open_id, self.close_id, self.eos_id = tok.id("<bigmodel>"), tok.id("</bigmodel>"), tok.eos_id

    def run(self, problems: list[str], policy: str, start_prob: float = 0.0,
            segment_cap: int = 128, seed: int = 0) -> list[Result]:
        n = len(problems)
        rows = [Row() for _ in range(n)]
        rngs = [random.Random(seed * 1_000_003 + i) for i in range(n)]
        use_small = policy != "always"
        use_big = policy != "never"
        for r, p in zip(rows, problems):
            if use_small:
                r.small_q.extend(self.tok.encode(self.tok.chat_prompt(small_user(p))))
            if use_big:
                r.big_q.extend(self.tok.encode(self.tok.chat_prompt(big_user(p))))
            if policy == "always":
                r.mode = BIG
        longest = max(len(r.small_q) + len(r.big_q) for r in rows) + self.max_new + segment_cap + 8
        caches = {SMALL: self.small.new_cache(n, longest) if use_small else None,
                  BIG: self.big.new_cache(n, longest) if use_big else None}
        nxt = {SMALL: torch.zeros(n, dtype=torch.long), BIG: torch.zeros(n, dtype=torch.long)}

        while True:
            for i, r in enumerate(rows):
                if not r.done:
                    self._decide(r, i, policy, nxt, rngs[i], start_prob, segment_cap)
            if all(r.done for r in rows):
                break
            for name, model in ((SMALL, self.small), (BIG, self.big)):
                if caches[name] is None:
                    continue
                queues = [r.small_q if name == SMALL else r.big_q for r in rows]
                active = torch.tensor([len(q) > 0 for q in queues])
                if not bool(active.any()):
                    continue
                tokens = torch.tensor([q.popleft() if q else 0 for q in queues])
                logits = model.step(tokens, active, caches[name])
                nxt[name] = torch.where(active, logits.argmax(-1), nxt[name])
        return [Result(r.out, r.segments, r.reason) for r in rows]

    def _emit(self, r: Row, token: int, source: str, to_small: bool, to_big: bool) -> None:
        r.out.append((token, source))
        if token == self.eos_id:
            r.done, r.reason = True, "eos"
            return
        if len(r.out) >= self.max_new:
            r.done, r.reason = True, "max_tokens"
            return
        if to_small:
            r.small_q.append(token)
        if to_big:
            r.big_q.append(token)

    def _decide(self, r: Row, i: int, policy: str, nxt: dict, rng: random.Random,
                start_prob: float, segment_cap: int) -> None:
        tag = (self.open_id, self.close_id)
        if policy == "never":
            if not r.small_q:
                self._emit(r, int(nxt[SMALL][i]), SMALL, True, False)
            return
        if policy == "always":
            if not r.big_q:
                self._emit(r, int(nxt[BIG][i]), BIG, False, True)
            return
        if r.mode == SMALL:
            if r.small_q:
                return
            if policy == "random" and not r.inside and rng.random() < start_prob:
                self._emit(r, self.open_id, TAG, True, False)
                r.mode, r.segment = BIG, 0
                r.segments += 1
                return
            t = int(nxt[SMALL][i])
            if t == self.open_id:
                r.inside = True
                if policy == "learned":
                    self._emit(r, t, SMALL, True, False)
                    r.mode, r.segment = BIG, 0
                    r.segments += 1
                    return
            elif t == self.close_id:
                r.inside = False
            self._emit(r, t, SMALL, True, t not in tag)
            return
        # BIG mode: the big model needs the whole text so far, the small model its last token
        if r.big_q or r.small_q:
            return
        if r.segment > 0 and (int(nxt[SMALL][i]) == self.close_id or r.segment >= segment_cap):
            self._emit(r, self.close_id, TAG, True, False)
            r.mode, r.inside = SMALL, False
            return
        r.segment += 1
        self._emit(r, int(nxt[BIG][i]), BIG, True, True)


def score(tok: Tokenizer, results: list[Result], answers: list[int]) -> dict:
    correct = 0
    small = big = 0
    for res, ans in zip(results, answers):
        text = tok.decode([t for t, _ in res.tokens])
        correct += int(parse_boxed(text) == ans)
        small += res.count(SMALL)
        big += res.count(BIG)
    return {"problems": len(results), "accuracy": correct / len(results), "small_tokens": small,
            "big_tokens": big, "offload_fraction": big / max(1, small + big),
            "segments": sum(r.segments for r in results)}


def segments_text(tok: Tokenizer, res: Result) -> list[tuple[str, str]]:
    """The output as (source, text) runs, for reading a trace."""
    runs: list[tuple[str, list[int]]] = []
    for t, s in res.tokens:
        if runs and runs[-1][0] == s:
            runs[-1][1].append(t)
        else:
            runs.append((s, [t]))
    return [(s, tok.decode(ids)) for s, ids in runs]
