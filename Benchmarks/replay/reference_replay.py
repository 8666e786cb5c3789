#!/usr/bin/env python3
"""Straightforward reference prefix-cache replay of Mooncake JSON-lines traces (the benchmark baseline and the
test oracle for kvcalc's Swift replay).

Semantics (the same as KVEngine's replay): requests in timestamp order, ties in file order; a request's hit is the
longest cached prefix of its hash_ids; then its blocks are touched first to last: a cached block is refreshed per
the policy, a new one is inserted after evicting a victim when the cache is full (no pinning).
Policies: lru (OrderedDict), fifo (hits do not refresh), lfu (touches since insertion, ties by least recent use).

Usage: reference_replay.py TRACE [--capacity BLOCKS] [--policy lru|fifo|lfu] [--block-size 512]
Prints one line: requests lookups hits hit_tokens input_tokens block_hit_rate token_hit_rate.
"""
import argparse
import heapq
import json
from collections import OrderedDict


def read(path):
    with open(path) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    # sorted() is stable: ties keep file order.
    return sorted(rows, key=lambda r: r["timestamp"])


def replay(rows, capacity, policy, block_size):
    hits = hit_tokens = lookups = input_tokens = 0
    if policy in ("lru", "fifo"):
        cache = OrderedDict()

        def touch(b):
            if b in cache:
                if policy == "lru":
                    cache.move_to_end(b)
            elif capacity > 0:
                if len(cache) >= capacity:
                    cache.popitem(last=False)
                cache[b] = True
    else:
        count, last, heap, clock = {}, {}, [], [0]

        def touch(b):
            clock[0] += 1
            if b in count:
                count[b] += 1
            elif capacity > 0:
                if len(count) >= capacity:
                    while True:  # lazy deletion: skip stale heap entries
                        c, t, v = heapq.heappop(heap)
                        if count.get(v) == c and last[v] == t:
                            del count[v], last[v]
                            break
                count[b] = 1
            else:
                return
            last[b] = clock[0]
            heapq.heappush(heap, (count[b], clock[0], b))

        cache = count
    for r in rows:
        ids = r["hash_ids"]
        h = 0
        while h < len(ids) and ids[h] in cache:
            h += 1
        hits += h
        hit_tokens += min(h * block_size, r["input_length"])
        lookups += len(ids)
        input_tokens += r["input_length"]
        for b in ids:
            touch(b)
    return len(rows), lookups, hits, hit_tokens, input_tokens


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("trace")
    ap.add_argument("--capacity", type=int, default=10**12)
    ap.add_argument("--policy", default="lru", choices=["lru", "fifo", "lfu"])
    ap.add_argument("--block-size", type=int, default=512)
    a = ap.parse_args()
    n, lookups, hits, hit_tokens, input_tokens = replay(read(a.trace), a.capacity, a.policy, a.block_size)
    print(n, lookups, hits, hit_tokens, input_tokens, f"{hits / max(lookups, 1):.6f}",
          f"{hit_tokens / max(input_tokens, 1):.6f}")


if __name__ == "__main__":
    main()
