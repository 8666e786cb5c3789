"""Count parameters of each fixture config with Hugging Face transformers, weights on the meta device.

Produces the expected values of Tests/KVEngineTests/Memory/ParamCountTests.swift.
Run: python scripts/hf_param_counts.py Tests/KVEngineTests/Fixtures/hf/*.json
(transformers 5.23.0, torch 2.15.0 in the session that produced the committed numbers.)
"""
import json, sys
import torch
import transformers
from transformers import AutoConfig, AutoModelForCausalLM

print(f"# transformers {transformers.__version__}, torch {torch.__version__}")
for path in sys.argv[1:]:
    raw = json.load(open(path))
    raw.pop("quantization_config", None)  # count the architecture, not an fp8 checkpoint layout
    cfg = AutoConfig.for_model(**raw)
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(cfg)
    total = sum(p.numel() for p in model.parameters())
    print(json.dumps({"config": path.split("/")[-1], "params": total}))
