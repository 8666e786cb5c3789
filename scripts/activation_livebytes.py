"""Peak live tensor bytes of a Hugging Face transformers prefill, on the CPU.

No GPU was lent to the session that wrote this, so torch.cuda.max_memory_allocated() was out of reach. Instead a
TorchDispatchMode sees every tensor each aten op returns and counts the bytes of storages still referenced: the
live set PyTorch's CUDA allocator would hold (less its 512-byte rounding and any kernel workspaces). Checked
against the H100 measurements (shared/measurements/activation-h100.json): Qwen2.5-0.5B 1 x 512 gives 18,747,392
(H100: 18,750,464) with the last logits and 156,499,968 (H100: 156,504,064) with all.

Run: python scripts/activation_livebytes.py > Tests/KVEngineTests/Fixtures/activation-cpu-livebytes.json
(transformers 5.23.0, torch 2.15.0, bf16, attention "sdpa", random weights, seed 0).
"""
import torch, weakref, sys, json
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten
from transformers import AutoConfig, AutoModelForCausalLM

class LiveBytes(TorchDispatchMode):
    """Peak bytes of tensor storages created during the forward and still referenced (CPU stand-in for
    torch.cuda.max_memory_allocated)."""
    def __init__(self, resident):
        # Storages that exist before the forward (weights, buffers, inputs): views of them allocate nothing.
        super().__init__(); self.cur = 0; self.peak = 0; self.refs = {}; self.resident = resident
    def _dead(self, key):
        n, cnt = self.refs[key]
        if cnt <= 1:
            del self.refs[key]; self.cur -= n
        else:
            self.refs[key] = (n, cnt - 1)
    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for t in tree_flatten(out)[0]:
            if isinstance(t, torch.Tensor) and t.device.type == "cpu":
                key = t.untyped_storage().data_ptr()
                if key == 0 or key in self.resident: continue
                if key in self.refs:
                    n, cnt = self.refs[key]; self.refs[key] = (n, cnt + 1)
                else:
                    n = t.untyped_storage().nbytes(); self.refs[key] = (n, 1); self.cur += n
                    self.peak = max(self.peak, self.cur)
                weakref.finalize(t, self._dead, key)
        return out

def run(cfg, batch, seq, keep):
    c = AutoConfig.for_model(**cfg); c._attn_implementation = "sdpa"
    torch.manual_seed(0)
    m = AutoModelForCausalLM.from_config(c).to(torch.bfloat16).eval()
    ids = torch.randint(0, cfg["vocab_size"], (batch, seq))
    with torch.inference_mode():
        tensors = list(m.parameters()) + list(m.buffers()) + [ids]
        mode = LiveBytes({t.untyped_storage().data_ptr() for t in tensors})
        with mode:
            out = m(input_ids=ids, use_cache=True, logits_to_keep=keep)
        kv = 0
        for layer in out.past_key_values.layers:
            for name in ("keys", "values"):
                t = getattr(layer, name, None)
                if isinstance(t, torch.Tensor): kv += t.numel() * t.element_size()
    return mode.peak, kv

# Small configs with the real models' proportions (head widths against hidden, expert widths, top-k), few layers.
CONFIGS = {
    "mixtral-small": dict(model_type="mixtral", hidden_size=512, intermediate_size=1792, num_hidden_layers=3,
                          num_attention_heads=8, num_key_value_heads=2, num_local_experts=8, num_experts_per_tok=2,
                          vocab_size=32000, sliding_window=None),
    "deepseek-v3-small": dict(model_type="deepseek_v3", hidden_size=512, intermediate_size=1536, moe_intermediate_size=256,
                              num_hidden_layers=3, first_k_dense_replace=1, num_attention_heads=16, num_key_value_heads=16,
                              q_lora_rank=384, kv_lora_rank=128, qk_rope_head_dim=32, qk_nope_head_dim=64, v_head_dim=64,
                              n_routed_experts=16, num_experts_per_tok=4, n_shared_experts=1, n_group=4, topk_group=2,
                              vocab_size=8000, rope_scaling=None),
    "qwen2-moe-small": dict(model_type="qwen2_moe", hidden_size=512, intermediate_size=1408, moe_intermediate_size=176,
                            shared_expert_intermediate_size=704, num_hidden_layers=3, num_attention_heads=8,
                            num_key_value_heads=8, num_experts=16, num_experts_per_tok=4, vocab_size=8000),
    # Gemma-2 is left out: transformers refuses sdpa for it and its eager attention materialises seq x seq scores,
    # which the derivation (a fused attention kernel, as serving engines use) does not model.
    "qwen3-small": dict(model_type="qwen3", hidden_size=512, intermediate_size=1536, num_hidden_layers=3,
                        num_attention_heads=8, num_key_value_heads=4, head_dim=128, vocab_size=16000),
    "mistral-small": dict(model_type="mistral", hidden_size=512, intermediate_size=1792, num_hidden_layers=3,
                          num_attention_heads=8, num_key_value_heads=2, sliding_window=4096, vocab_size=32000),
}
POINTS = [(1, 1024, 1), (4, 512, 1), (2, 1024, 0), (1, 4096, 1)]

if __name__ == "__main__":
    import transformers
    result = {"how": __doc__.strip().splitlines()[0] + " See scripts/activation_livebytes.py. "
              f"transformers {transformers.__version__}, torch {torch.__version__}, bf16, sdpa, random weights.",
              "models": {}}
    for name, cfg in CONFIGS.items():
        points = []
        for b, s, k in POINTS:
            peak, kv = run(cfg, b, s, k)
            points.append({"batch": b, "seq": s, "logits_to_keep": k, "peak_above_weights": peak, "kv_bytes": kv,
                           "transient_peak": peak - kv})
            print(name, points[-1], file=sys.stderr)
        result["models"][name] = {"config": cfg, "prefill": points}
    print(json.dumps(result, indent=1))
