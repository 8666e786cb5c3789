#!/usr/bin/env python3
"""Writes TRACE repeated N times (default 10) to OUT, each copy with fresh hash ids and shifted timestamps,
so the copies share nothing and run one after another. Usage: make_large_trace.py TRACE OUT [N]"""
import json
import sys

src, out = sys.argv[1], sys.argv[2]
copies = int(sys.argv[3]) if len(sys.argv) > 3 else 10
rows = [json.loads(line) for line in open(src) if line.strip()]
id_span = max(i for r in rows for i in r["hash_ids"]) + 1
time_span = max(r["timestamp"] for r in rows) + 1
with open(out, "w") as f:
    for k in range(copies):
        for r in rows:
            f.write(json.dumps({"timestamp": r["timestamp"] + k * time_span, "input_length": r["input_length"],
                                "output_length": r["output_length"],
                                "hash_ids": [i + k * id_span for i in r["hash_ids"]]}) + "\n")
