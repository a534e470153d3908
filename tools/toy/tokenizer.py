"""A tiny byte-level BPE tokenizer, written as a Hugging Face tokenizer.json.

256 byte tokens (id = byte value), then a few merges that make the fixed words of the
prompt and the solutions single tokens (the hint sentence alone would be 100+ byte tokens),
then the special tokens. No merge contains a digit, so every number is spelt one digit per
token: the models see the same digits whether a number was written by the small or the big
model, and text tokenized in pieces at digit boundaries gives the same ids as the whole.

`encode` here reimplements what the tokenizers library does with this file (split on added
tokens, byte-level map, BPE by merge rank); tools/toy/check_tokenizer.mjs proves they agree.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

BOS = "<｜begin▁of▁sentence｜>"
EOS = "<｜end▁of▁sentence｜>"
USER = "<｜User｜>"
ASSISTANT = "<｜Assistant｜>"
PAD = "<｜▁pad▁｜>"
SPECIAL_TOKENS = [BOS, EOS, USER, ASSISTANT, "<think>", "</think>", "<bigmodel>", "</bigmodel>", PAD]

# Strings that become one token each (built left to right, one merge per extra character).
MERGED_WORDS = [
    "Compute", " $", "}$.", "$.", "$\n", " \\times ", " = ", " + ", " - ",
    "You", " always", " use", "...", " to", " mark", " parts", " of", " the", " reasoning",
    " process", " that", " are", " important", "Put", " your", " final", " answer", " within",
    " \\boxed{}", "The", " is", " $\\boxed{",
]

CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{% for message in messages %}"
    "{% if message['role'] == 'system' %}{{ message['content'] }}"
    "{% elif message['role'] == 'user' %}{{ '<｜User｜>' + message['content'] }}"
    "{% elif message['role'] == 'assistant' %}{{ '<｜Assistant｜>' + message['content'] + eos_token }}"
    "{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<｜Assistant｜><think>\\n' }}{% endif %}"
)


@lru_cache(maxsize=1)
def byte_to_unicode() -> dict[int, str]:
    """GPT-2's reversible byte -> printable character map used by the ByteLevel pre-tokenizer."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    mapping = {b: chr(b) for b in keep}
    shift = 0
    for b in range(256):
        if b not in mapping:
            mapping[b] = chr(256 + shift)
            shift += 1
    return mapping


_DIGIT_RE = re.compile(r"([0-9])")


def _to_symbols(text: str) -> list[str]:
    table = byte_to_unicode()
    return [table[b] for b in text.encode("utf-8")]


class Tokenizer:
    def __init__(self) -> None:
        table = byte_to_unicode()
        self.vocab: dict[str, int] = {table[b]: b for b in range(256)}
        self.merges: list[tuple[str, str]] = []
        for word in MERGED_WORDS:
            symbols = _to_symbols(word)
            current = symbols[0]
            for nxt in symbols[1:]:
                merged = current + nxt
                if merged not in self.vocab:
                    self.merges.append((current, nxt))
                    self.vocab[merged] = len(self.vocab)
                current = merged
        self.ranks = {pair: i for i, pair in enumerate(self.merges)}
        self.special_ids: dict[str, int] = {}
        for tok in SPECIAL_TOKENS:
            self.special_ids[tok] = len(self.vocab) + len(self.special_ids)
        self.id_to_token = {i: t for t, i in self.vocab.items()}
        self.id_to_token.update({i: t for t, i in self.special_ids.items()})
        self.vocab_size = len(self.vocab) + len(self.special_ids)
        self._special_re = re.compile("(" + "|".join(re.escape(t) for t in SPECIAL_TOKENS) + ")")
        self._unicode_to_byte = {c: b for b, c in table.items()}

    def id(self, token: str) -> int:
        return self.special_ids[token]

    @property
    def bos_id(self) -> int:
        return self.special_ids[BOS]

    @property
    def eos_id(self) -> int:
        return self.special_ids[EOS]

    @property
    def pad_id(self) -> int:
        return self.special_ids[PAD]

    @lru_cache(maxsize=65536)
    def _bpe(self, piece: str) -> tuple[int, ...]:
        symbols = _to_symbols(piece)
        while len(symbols) > 1:
            best = min(range(len(symbols) - 1), key=lambda i: self.ranks.get((symbols[i], symbols[i + 1]), 1 << 30))
            pair = (symbols[best], symbols[best + 1])
            if pair not in self.ranks:
                break
            out: list[str] = []
            i = 0
            while i < len(symbols):
                if i < len(symbols) - 1 and (symbols[i], symbols[i + 1]) == pair:
                    out.append(symbols[i] + symbols[i + 1])
                    i += 2
                else:
                    out.append(symbols[i])
                    i += 1
            symbols = out
        return tuple(self.vocab[s] for s in symbols)

    def encode(self, text: str) -> list[int]:
        ids: list[int] = []
        for part in self._special_re.split(text):
            if not part:
                continue
            if part in self.special_ids:
                ids.append(self.special_ids[part])
                continue
            # No merge contains a digit, so digits split a piece into independent BPE runs;
            # the runs between them come from a small set of strings and hit the cache.
            for run in _DIGIT_RE.split(part):
                if len(run) == 1 and run.isdigit():
                    ids.append(self.vocab[run])
                elif run:
                    ids.extend(self._bpe(run))
        return ids

    def decode(self, ids: list[int]) -> str:
        out: list[str] = []
        pending = bytearray()
        for i in ids:
            tok = self.id_to_token[int(i)]
            if int(i) in self.special_ids.values():
                out.append(pending.decode("utf-8", errors="replace"))
                pending = bytearray()
                out.append(tok)
            else:
                pending.extend(self._unicode_to_byte[c] for c in tok)
        out.append(pending.decode("utf-8", errors="replace"))
        return "".join(out)

    def chat_prompt(self, user: str) -> str:
        """What CHAT_TEMPLATE renders for one user message with add_generation_prompt."""
        return f"{BOS}{USER}{user}{ASSISTANT}<think>\n"

    def tokenizer_json(self) -> dict:
        added = [
            {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True}
            for t, i in self.special_ids.items()
        ]
        byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": added,
            "normalizer": None,
            "pre_tokenizer": byte_level,
            "post_processor": None,
            "decoder": byte_level,
            "model": {
                "type": "BPE",
                "dropout": None,
                "unk_token": None,
                "continuing_subword_prefix": None,
                "end_of_word_suffix": None,
                "fuse_unk": False,
                "byte_fallback": False,
                "ignore_merges": False,
                "vocab": self.vocab,
                "merges": [f"{a} {b}" for a, b in self.merges],
            },
        }

    def tokenizer_config(self) -> dict:
        return {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "bos_token": BOS,
            "eos_token": EOS,
            "pad_token": PAD,
            "unk_token": None,
            "add_bos_token": False,
            "add_eos_token": False,
            "clean_up_tokenization_spaces": False,
            "model_max_length": 1024,
            "chat_template": CHAT_TEMPLATE,
            "added_tokens_decoder": {
                str(i): {"content": t, "lstrip": False, "normalized": False, "rstrip": False,
                         "single_word": False, "special": True}
                for t, i in self.special_ids.items()
            },
        }

    def write(self, folder: str) -> None:
        with open(f"{folder}/tokenizer.json", "w", encoding="utf-8") as f:
            json.dump(self.tokenizer_json(), f, ensure_ascii=False, indent=1)
            f.write("\n")
        with open(f"{folder}/tokenizer_config.json", "w", encoding="utf-8") as f:
            json.dump(self.tokenizer_config(), f, ensure_ascii=False, indent=2)
            f.write("\n")


if __name__ == "__main__":
    import random

    from problems import sample_problem, solution, user_message

    tok = Tokenizer()
    print("vocab", tok.vocab_size, "merges", len(tok.merges))
    rng = random.Random(1)
    lens = []
    for _ in range(2000):
        p = sample_problem(rng)
        prompt = tok.chat_prompt(user_message(p))
        text = prompt + solution(p, tagged=True)
        ids = tok.encode(text)
        assert tok.decode(ids) == text
        lens.append((len(tok.encode(prompt)), len(ids)))
    print("prompt tokens mean", sum(a for a, _ in lens) / len(lens), "total mean", sum(b for _, b in lens) / len(lens), "max", max(b for _, b in lens))
    p = sample_problem(rng)
    ids = tok.encode(tok.chat_prompt(user_message(p)) + solution(p, tagged=True))
    print([tok.id_to_token[i] for i in ids])
