"""The toy task: problems `Compute $E$.` and their chain-of-thought solutions.

The task is fixed by issue 3 so that anyone can generate problems of the same kind:
E has 2 to 4 binary operations from +, -, \\times (standard precedence, no parentheses),
at least one multiplication, every multiplication is two 2-digit literals and never
chained; the other operands are 1-999.

A solution multiplies first, one line per product, then evaluates the +/- chain left
to right, one operation per line (see _chain_lines). In a product line the
two partial products are the hard part: the small model's traces wrap each of them in
<bigmodel>...</bigmodel>, the big model's traces are the same text without the tags.

Numbers that get added or subtracted are right-aligned to a fixed width with spaces
(4 characters in a product line, sign + 5 in the chain). TeX ignores spaces in math
mode, so the rendered step reads normally; in the token stream, digits of the same place
value sit at fixed distances from each other, which is what lets a model with a few
hundred thousand parameters learn carries and borrows in minutes. The fixed width also
makes the end of a big-model segment (one partial product) a fixed 4 tokens away.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

OPEN_TAG = "<bigmodel>"
CLOSE_TAG = "</bigmodel>"
THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"
HINT = "You always use <bigmodel>...</bigmodel> to mark parts of the reasoning process that are important."
BOXED_SENTENCE = "Put your final answer within \\boxed{}."

OP_TEX = {"+": "+", "-": "-", "*": "\\times"}

# What the toy pair can do, for splitreason.json "domain" (package.py): the extension shows the
# description and examples and checks a problem against the pattern (a JavaScript regular
# expression for the form of Problem.text: 2 to 4 operations, at least one product, every
# product two 2-digit numbers and never chained, other operands 1-999).
_OPERAND = r"(?:[1-9]\d \\times [1-9]\d|[1-9]\d{0,2})"
DOMAIN = {
    "description": "The bundled demo model only does toy arithmetic of one form, e.g. "
                   "Compute $47 \\times 86 - 129$. (2 to 4 of +, − and ×, every product of two "
                   "2-digit numbers, other numbers 1 to 999).",
    "examples": ["Compute $47 \\times 86 - 129$.", "Compute $36 \\times 98 + 69 \\times 93$.",
                 "Compute $420 - 776 + 43 \\times 78$."],
    "pattern": r"^Compute \$(?=[^$]*\\times)(?=(?:[^$]*?(?:[+-]|\\times)){2})(?!(?:[^$]*?(?:[+-]|\\times)){5})"
               + _OPERAND + r"(?: [+-] " + _OPERAND + r")*\$\.?$",
}


@dataclass(frozen=True)
class Problem:
    operands: tuple[int, ...]
    ops: tuple[str, ...]  # '+', '-', '*'

    @property
    def expression(self) -> str:
        parts = [str(self.operands[0])]
        for op, value in zip(self.ops, self.operands[1:]):
            parts.append(f"{OP_TEX[op]} {value}")
        return " ".join(parts)

    @property
    def text(self) -> str:
        return f"Compute ${self.expression}$."

    @property
    def answer(self) -> int:
        terms, signs = _terms(self)
        return sum(s * t for s, t in zip(signs, terms))


def _terms(p: Problem) -> tuple[list[int], list[int]]:
    """Products evaluated, as (terms, signs) of the remaining +/- chain."""
    terms: list[int] = [p.operands[0]]
    signs: list[int] = [1]
    for op, value in zip(p.ops, p.operands[1:]):
        if op == "*":
            terms[-1] *= value
        else:
            terms.append(value)
            signs.append(1 if op == "+" else -1)
    return terms, signs


def sample_problem(rng: random.Random) -> Problem:
    """Uniform over operation counts 2..4, then over valid operator sequences, then operands."""
    n_ops = rng.randint(2, 4)
    while True:
        ops = tuple(rng.choice("+-*") for _ in range(n_ops))
        has_mul = "*" in ops
        chained = any(a == "*" and b == "*" for a, b in zip(ops, ops[1:]))
        if has_mul and not chained:
            break
    operands = []
    for i in range(n_ops + 1):
        in_product = (i > 0 and ops[i - 1] == "*") or (i < n_ops and ops[i] == "*")
        operands.append(rng.randint(10, 99) if in_product else rng.randint(1, 999))
    return Problem(tuple(operands), ops)


PART_WIDTH = 4   # partial products and products: 0..9801
CHAIN_WIDTH = 5  # chain values: |x| <= 20601, plus a sign slot in front


def part_field(x: int) -> str:
    return str(x).rjust(PART_WIDTH)


def chain_field(x: int) -> str:
    return ("-" if x < 0 else " ") + str(abs(x)).rjust(CHAIN_WIDTH)


def _product_line(a: int, b: int, tagged: bool) -> str:
    tens, ones = (b // 10) * 10, b % 10

    def hard(x: int) -> str:
        return f"{OPEN_TAG}{part_field(x)}{CLOSE_TAG}" if tagged else part_field(x)

    return (f"${a} \\times {b} = {a} \\times {tens} + {a} \\times {ones} = "
            f"{hard(a * tens)} + {hard(a * ones)} = {part_field(a * b)}$")


def _fmt_chain(terms: list[int], signs: list[int]) -> str:
    out = chain_field(terms[0])
    for s, t in zip(signs[1:], terms[1:]):
        out += f" {'+' if s > 0 else '-'} {chain_field(t)}"
    return out


def _chain_lines(terms: list[int], signs: list[int]) -> list[str]:
    """The +/- chain, leftmost operation first, one operation per line:
    `$a - b + c$`, `$a - b = r$`, `$r + c = s$`. Each operation line has its two operands
    right before its result, so a model finds the digits it combines at fixed distances;
    while three or more terms remain, a line restates them first."""
    terms, signs = list(terms), list(signs)
    lines = []
    while len(terms) > 1:
        if len(terms) > 2:
            lines.append(f"${_fmt_chain(terms, signs)}$")
        value = terms[0] + signs[1] * terms[1]
        lines.append(f"${_fmt_chain(terms[:2], signs[:2])} = {chain_field(value)}$")
        terms = [value] + terms[2:]
        signs = [1] + signs[2:]
    return lines


def solution(p: Problem, tagged: bool) -> str:
    """The assistant's text after the generation prompt's `<think>\\n`, up to (not including) EOS."""
    lines = []
    operands = list(p.operands)
    for i, op in enumerate(p.ops):
        if op == "*":
            lines.append(_product_line(operands[i], operands[i + 1], tagged))
    terms, signs = _terms(p)
    lines += _chain_lines(terms, signs)
    answer = p.answer
    assert terms and sum(s * t for s, t in zip(signs, terms)) == answer
    return "\n".join(lines) + f"\n{THINK_CLOSE}\nThe answer is $\\boxed{{{answer}}}$."


def user_message(p: Problem, variant: str = "hint") -> str:
    """The user turn. 'hint' is what the small model gets (docs/ARCHITECTURE.md §4); the others are what
    a controller may hand the big model once it strips the hint sentence."""
    if variant == "hint":
        return f"{p.text}\n{HINT}\n{BOXED_SENTENCE}"
    if variant == "boxed":
        return f"{p.text}\n{BOXED_SENTENCE}"
    if variant == "boxed2":
        return f"{p.text}\n\n{BOXED_SENTENCE}"
    if variant == "bare":
        return p.text
    raise ValueError(f"unknown prompt variant {variant!r}")


def parse_boxed(text: str) -> int | None:
    """The integer in the last `\\boxed{...}`, or None when there is none or it is not an integer."""
    start = text.rfind("\\boxed{")
    if start < 0:
        return None
    end = text.find("}", start)
    if end < 0:
        return None
    body = text[start + len("\\boxed{"):end].strip()
    try:
        return int(body)
    except ValueError:
        return None


if __name__ == "__main__":
    rng = random.Random(0)
    for _ in range(3):
        prob = sample_problem(rng)
        print(prob.text, "=", prob.answer)
        print(solution(prob, tagged=True))
        print()
