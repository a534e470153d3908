"""A Qwen2-style decoder in plain torch (RMSNorm, RoPE, grouped-query attention, SwiGLU),
with Hugging Face Qwen2 parameter names so that its state dict is a Qwen2 checkpoint.

Two forward paths: `forward` for training (whole padded batch, causal mask) and `step`
for evaluation (one token per row, each row with its own KV-cache length, so a batch of
problems can each be in a different phase of the split protocol).
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import asdict, dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class Qwen2Config:
    vocab_size: int
    hidden_size: int
    intermediate_size: int
    num_hidden_layers: int
    num_attention_heads: int
    num_key_value_heads: int
    head_dim: int
    max_position_embeddings: int = 512
    rope_theta: float = 10000.0
    rms_norm_eps: float = 1e-6
    tie_word_embeddings: bool = True
    bos_token_id: int = 0
    eos_token_id: int = 0

    def hf_json(self) -> dict:
        d = {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2"}
        d.update(asdict(self))
        d.update({"hidden_act": "silu", "attention_dropout": 0.0, "use_sliding_window": False,
                  "use_cache": True, "torch_dtype": "float32"})
        return d

    @staticmethod
    def from_json(d: dict) -> "Qwen2Config":
        fields = Qwen2Config.__dataclass_fields__
        return Qwen2Config(**{k: v for k, v in d.items() if k in fields})


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        dtype = x.dtype
        x = x.float()
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x.to(dtype)


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Rope:
    def __init__(self, head_dim: int, theta: float, max_pos: int) -> None:
        inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
        freqs = torch.arange(max_pos, dtype=torch.float32)[:, None] * inv_freq[None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        self.cos, self.sin = emb.cos(), emb.sin()

    def apply(self, x: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
        """x [b, heads, s, d]; positions [b, s]."""
        cos = self.cos[positions].unsqueeze(1).to(x.dtype)
        sin = self.sin[positions].unsqueeze(1).to(x.dtype)
        return x * cos + rotate_half(x) * sin


class Attention(nn.Module):
    def __init__(self, c: Qwen2Config) -> None:
        super().__init__()
        self.h, self.kvh, self.d = c.num_attention_heads, c.num_key_value_heads, c.head_dim
        self.q_proj = nn.Linear(c.hidden_size, self.h * self.d, bias=True)
        self.k_proj = nn.Linear(c.hidden_size, self.kvh * self.d, bias=True)
        self.v_proj = nn.Linear(c.hidden_size, self.kvh * self.d, bias=True)
        self.o_proj = nn.Linear(self.h * self.d, c.hidden_size, bias=False)

    def qkv(self, x: torch.Tensor, positions: torch.Tensor, rope: Rope):
        b, s, _ = x.shape
        q = self.q_proj(x).view(b, s, self.h, self.d).transpose(1, 2)
        k = self.k_proj(x).view(b, s, self.kvh, self.d).transpose(1, 2)
        v = self.v_proj(x).view(b, s, self.kvh, self.d).transpose(1, 2)
        return rope.apply(q, positions), rope.apply(k, positions), v

    def attend(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """q [b,h,s,d], k/v [b,kvh,t,d], mask additive [b or 1,1,s,t]."""
        b, _, s, _ = q.shape
        rep = self.h // self.kvh
        # query heads grouped under their key-value head: broadcasting instead of copying k and v
        qg = (q * (1.0 / math.sqrt(self.d))).view(b, self.kvh, rep, s, self.d)
        scores = torch.matmul(qg, k.unsqueeze(2).transpose(-1, -2)) + mask.unsqueeze(1).to(q.dtype)
        # fp32 softmax: in bf16 a training step is a quarter faster, but the models learn carries
        # far more slowly (attention to one digit among many needs the precision)
        probs = torch.softmax(scores.float(), dim=-1).to(q.dtype)
        out = torch.matmul(probs, v.unsqueeze(2)).view(b, self.h, s, self.d)
        return self.o_proj(out.transpose(1, 2).reshape(b, s, self.h * self.d))


class MLP(nn.Module):
    def __init__(self, c: Qwen2Config) -> None:
        super().__init__()
        self.gate_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.up_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.down_proj = nn.Linear(c.intermediate_size, c.hidden_size, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(nn.Module):
    def __init__(self, c: Qwen2Config) -> None:
        super().__init__()
        self.input_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.mlp = MLP(c)


class Body(nn.Module):
    def __init__(self, c: Qwen2Config) -> None:
        super().__init__()
        self.embed_tokens = nn.Embedding(c.vocab_size, c.hidden_size)
        self.layers = nn.ModuleList(Layer(c) for _ in range(c.num_hidden_layers))
        self.norm = RMSNorm(c.hidden_size, c.rms_norm_eps)


class Qwen2(nn.Module):
    def __init__(self, c: Qwen2Config) -> None:
        super().__init__()
        self.config = c
        self.model = Body(c)
        if not c.tie_word_embeddings:
            self.lm_head = nn.Linear(c.hidden_size, c.vocab_size, bias=False)
        self.rope = Rope(c.head_dim, c.rope_theta, c.max_position_embeddings)
        self.apply(self._init)

    @staticmethod
    def _init(m: nn.Module) -> None:
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)

    def head(self, x: torch.Tensor) -> torch.Tensor:
        x = self.model.norm(x)
        w = self.model.embed_tokens.weight if self.config.tie_word_embeddings else self.lm_head.weight
        return F.linear(x, w)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """ids [b, s] -> logits [b, s, vocab]; rows are right-padded, so a causal mask suffices."""
        b, s = ids.shape
        positions = torch.arange(s).unsqueeze(0).expand(b, s)
        mask = torch.full((s, s), -1e9).triu(1)[None, None]
        x = self.model.embed_tokens(ids)
        for layer in self.model.layers:
            q, k, v = layer.self_attn.qkv(layer.input_layernorm(x), positions, self.rope)
            x = x + layer.self_attn.attend(q, k, v, mask)
            x = x + layer.mlp(layer.post_attention_layernorm(x))
        return self.head(x)

    def new_cache(self, batch: int, max_len: int) -> "KVCache":
        c = self.config
        shape = (batch, c.num_key_value_heads, max_len, c.head_dim)
        return KVCache([torch.zeros(shape) for _ in range(c.num_hidden_layers)],
                       [torch.zeros(shape) for _ in range(c.num_hidden_layers)],
                       torch.zeros(batch, dtype=torch.long))

    @torch.no_grad()
    def step(self, tokens: torch.Tensor, active: torch.Tensor, cache: "KVCache") -> torch.Tensor:
        """One token per row. Active rows append `tokens[row]` at position cache.lengths[row];
        inactive rows compute throwaway values whose cache slot a later step overwrites.
        Returns logits [b, vocab] (meaningful for active rows only)."""
        lengths = cache.lengths
        b = tokens.shape[0]
        t = int(lengths.max().item()) + 1
        positions = lengths.unsqueeze(1)
        rows = torch.arange(b)
        mask = torch.where(torch.arange(t)[None, :] <= lengths[:, None], 0.0, -1e9)[:, None, None, :]
        x = self.model.embed_tokens(tokens.unsqueeze(1))
        for i, layer in enumerate(self.model.layers):
            q, k, v = layer.self_attn.qkv(layer.input_layernorm(x), positions, self.rope)
            cache.k[i][rows, :, lengths] = k[:, :, 0]
            cache.v[i][rows, :, lengths] = v[:, :, 0]
            x = x + layer.self_attn.attend(q, cache.k[i][:, :, :t], cache.v[i][:, :, :t], mask)
            x = x + layer.mlp(layer.post_attention_layernorm(x))
        cache.lengths = lengths + active.long()
        return self.head(x)[:, 0]


@dataclass
class KVCache:
    k: list
    v: list
    lengths: torch.Tensor


# --- safetensors (written by hand: no pip here) ---------------------------------------

def save_safetensors(path: str, tensors: dict[str, torch.Tensor], metadata: dict[str, str] | None = None) -> None:
    header: dict = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    blobs = []
    for name in sorted(tensors):
        arr = tensors[name].detach().to(torch.float32).contiguous().numpy().astype("<f4")
        data = arr.tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    head += b" " * (-len(head) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for data in blobs:
            f.write(data)


def load_safetensors(path: str) -> dict[str, torch.Tensor]:
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        body = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} is {info['dtype']}; this loader reads F32 only")
        a, b = info["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(body[a:b], dtype="<f4").copy().reshape(info["shape"]))
    return out


def hf_state_dict(model: Qwen2) -> dict[str, torch.Tensor]:
    """The Hugging Face Qwen2 checkpoint names ([out, in] linear weights, as torch keeps them)."""
    return {k: v for k, v in model.state_dict().items()}


def save_model(model: Qwen2, folder: str, metadata: dict[str, str] | None = None) -> None:
    with open(f"{folder}/config.json", "w") as f:
        json.dump(model.config.hf_json(), f, indent=2)
        f.write("\n")
    save_safetensors(f"{folder}/model.safetensors", hf_state_dict(model), metadata)


def load_model(config_path: str, weights_path: str) -> Qwen2:
    with open(config_path) as f:
        cfg = Qwen2Config.from_json(json.load(f))
    model = Qwen2(cfg)
    model.load_state_dict(load_safetensors(weights_path))
    return model.eval()
