#!/usr/bin/env python3
"""An independent reference of the serving simulator's stated semantics (ModelSpec.serve's documentation), written
plainly with Python containers, for random small workloads with 1 s steps. It writes reference.json, which
ServeReferenceTests compares with the Swift simulator exactly. Usage: reference_serve.py > reference.json

Scheduler (vLLM V1's schedule()): running first in order, each min(remaining, budget) tokens; if its blocks cannot
be had, preempt the newest running request (free its blocks, recompute later, front of the queue) until they can
or it preempted itself; then, if nothing was preempted, waiting requests FCFS while budget > 0 and running <
max_num_seqs. The hit limit is (tokens - 1) // bs full prompt blocks.
vllm: free queue (OrderedDict), allocation pops the head and drops its hash; freed blocks appended in reverse;
  blocks hashed when scheduled; hash -> blocks in insertion order.
sglang: a tree of ids; lookup walks from the root; admission locks the matched path; full prompt blocks inserted
  after the step computed them; eviction: least recently used unlocked leaves (logical clock, ties to smaller id),
  a childless unlocked parent joins the candidates; matched, inserted and released paths are refreshed.
none: a free count."""
import heapq
import json
import random
from collections import OrderedDict


class NoCache:
    def __init__(self, cap, w):
        self.free = cap
        self.held = {}

    def lookup(self, r, tokens):
        return 0

    def admit(self, r, h, total):
        return self.grow(r, total)

    def grow(self, r, n):
        if n > self.free:
            return False
        self.free -= n
        self.held[r] = self.held.get(r, 0) + n
        return True

    def scheduled(self, r, tokens):
        pass

    def computed(self, r, tokens):
        pass

    def release(self, r):
        self.free += self.held.pop(r, 0)


class VLLM:
    def __init__(self, cap, w):
        self.w = w
        self.queue = OrderedDict((b, None) for b in range(cap))
        self.ref = [0] * cap
        self.hash = [None] * cap
        self.by_hash = {}          # id -> [blocks]
        self.table = {}
        self.registered = {}

    def full(self, r):
        return self.w["input"][r] // self.w["bs"]

    def lookup(self, r, tokens):
        limit = min((tokens - 1) // self.w["bs"], self.full(r))
        h = 0
        while h < limit and self.by_hash.get(self.w["ids"][r][h]):
            h += 1
        return h

    def admit(self, r, h, total):
        hits = [self.by_hash[self.w["ids"][r][i]][0] for i in range(h)]
        queued = sum(1 for b in hits if self.ref[b] == 0)
        fresh = total - h
        if fresh > len(self.queue) - queued:
            return False
        for b in hits:
            if self.ref[b] == 0:
                del self.queue[b]
            self.ref[b] += 1
        self.table[r] = hits + [self.pop() for _ in range(fresh)]
        self.registered[r] = h
        return True

    def grow(self, r, n):
        if n > len(self.queue):
            return False
        self.table[r] += [self.pop() for _ in range(n)]
        return True

    def pop(self):
        b, _ = self.queue.popitem(last=False)
        if self.hash[b] is not None:
            self.by_hash[self.hash[b]].remove(b)
            self.hash[b] = None
        self.ref[b] = 1
        return b

    def scheduled(self, r, tokens):
        full = min(tokens // self.w["bs"], self.full(r))
        for i in range(self.registered[r], full):
            b = self.table[r][i]
            if self.hash[b] is None:
                self.hash[b] = self.w["ids"][r][i]
                self.by_hash.setdefault(self.hash[b], []).append(b)
        self.registered[r] = max(self.registered[r], full)

    def computed(self, r, tokens):
        pass

    def release(self, r):
        for b in reversed(self.table.pop(r, [])):
            self.ref[b] -= 1
            if self.ref[b] == 0:
                self.queue[b] = None
        self.registered.pop(r, None)


class Node:
    def __init__(self, id, parent, clock):
        self.id, self.parent, self.children, self.lock, self.time = id, parent, {}, 1, clock


class SGLang:
    def __init__(self, cap, w):
        self.w = w
        self.free = cap
        self.root = Node(-1, None, 0)
        self.clock = 0
        self.path = {}        # r -> [nodes]
        self.private = {}
        self.broken = set()

    def full(self, r):
        return self.w["input"][r] // self.w["bs"]

    def match(self, r, limit):
        node, nodes = self.root, []
        for i in range(limit):
            child = node.children.get(self.w["ids"][r][i])
            if child is None:
                break
            nodes.append(child)
            node = child
        return nodes

    def lookup(self, r, tokens):
        return len(self.match(r, min((tokens - 1) // self.w["bs"], self.full(r))))

    def nodes(self):
        out, stack = [], [self.root]
        while stack:
            n = stack.pop()
            out.extend(n.children.values())
            stack.extend(n.children.values())
        return out

    def evictable(self):
        return sum(1 for n in self.nodes() if n.lock == 0)

    def evict(self, k):
        heap = [(n.time, n.id, n) for n in self.nodes() if not n.children and n.lock == 0]
        heapq.heapify(heap)
        while k > 0:
            _, _, n = heapq.heappop(heap)
            del n.parent.children[n.id]
            self.free += 1
            k -= 1
            p = n.parent
            if p is not self.root and not p.children and p.lock == 0:
                heapq.heappush(heap, (p.time, p.id, p))

    def admit(self, r, h, total):
        matched = self.match(r, h)
        unlocked_hits = sum(1 for n in matched if n.lock == 0)
        fresh = total - h
        if fresh > self.free + self.evictable() - unlocked_hits:
            return False
        self.clock += 1
        for n in matched:
            n.lock += 1
            n.time = self.clock
        self.path[r] = matched
        if fresh > self.free:
            self.evict(fresh - self.free)
        self.free -= fresh
        self.private[r] = fresh
        return True

    def grow(self, r, n):
        if n > self.free + self.evictable():
            return False
        if n > self.free:
            self.evict(n - self.free)
        self.free -= n
        self.private[r] += n
        return True

    def scheduled(self, r, tokens):
        pass

    def computed(self, r, tokens):
        full = min(tokens // self.w["bs"], self.full(r))
        path = self.path[r]
        if len(path) >= full or r in self.broken:
            return
        self.clock += 1
        for n in path:
            n.time = self.clock
        parent = path[-1] if path else self.root
        for i in range(len(path), full):
            id = self.w["ids"][r][i]
            child = parent.children.get(id)
            self.private[r] -= 1
            if child is not None:
                child.lock += 1
                child.time = self.clock
                self.free += 1
            else:
                child = Node(id, parent, self.clock)
                parent.children[id] = child
            path.append(child)
            parent = child

    def release(self, r):
        self.clock += 1
        for n in self.path.pop(r, []):
            n.time = self.clock
            n.lock -= 1
        self.free += self.private.pop(r, 0)


def simulate(w, policy, cap, budget, seqs):
    bs, n = w["bs"], len(w["input"])
    cache = {"none": NoCache, "vllm": VLLM, "sglang": SGLang}[policy](cap, w)
    arrival = [(t - w["at"][0]) / 1000 for t in w["at"]]
    computed, generated, held = [0] * n, [0] * n, [0] * n
    first, last, admitted = [0.0] * n, [0.0] * n, [False] * n
    running, waiting = [], []
    now, nxt, done, steps, preemptions, hit_tokens = 0.0, 0, 0, 0, 0, 0
    while done < n:
        while nxt < n and arrival[nxt] <= now:
            waiting.append(nxt)
            nxt += 1
        if not running and not waiting:
            now = arrival[nxt]
            continue
        steps += 1
        step, left, preempted = [], budget, False
        i = 0
        while i < len(running) and left > 0:
            r = running[i]
            c = computed[r]
            k = min(w["input"][r] + generated[r] - c, left)
            need = -(-(c + k) // bs) - held[r]
            stop = False
            if need > 0:
                while not cache.grow(r, need):
                    v = running.pop()
                    cache.release(v)
                    computed[v], held[v] = 0, 0
                    waiting.insert(0, v)
                    preemptions += 1
                    preempted = True
                    if v == r:
                        stop = True
                        break
                if stop:
                    break
                held[r] += need
            cache.scheduled(r, c + k)
            step.append((r, k))
            left -= k
            i += 1
        if not preempted:
            while waiting and left > 0 and len(running) < seqs:
                r = waiting[0]
                tokens = w["input"][r] + generated[r]
                h = cache.lookup(r, tokens)
                k = min(tokens - h * bs, left)
                total = -(-(h * bs + k) // bs)
                if not cache.admit(r, h, total):
                    break
                waiting.pop(0)
                running.append(r)
                held[r], computed[r] = total, h * bs
                if not admitted[r]:
                    admitted[r] = True
                    hit_tokens += h * bs
                cache.scheduled(r, h * bs + k)
                step.append((r, k))
                left -= k
        if not step:
            continue
        now += 1
        for r, k in step:
            computed[r] += k
            cache.computed(r, computed[r])
            if computed[r] == w["input"][r] + generated[r]:
                generated[r] += 1
                if generated[r] == 1:
                    first[r] = now
                last[r] = now
                if generated[r] >= w["output"][r]:
                    cache.release(r)
                    held[r] = 0
                    done += 1
        running = [r for r in running if generated[r] < w["output"][r]]
    return {"steps": steps, "preemptions": preemptions, "hit_tokens": hit_tokens, "duration": now,
            "first": [first[r] - arrival[r] for r in range(n)], "last": [last[r] - arrival[r] for r in range(n)]}


def workload(rng):
    bs = rng.choice([2, 4])
    children, next_id = {}, 0
    at, inputs, outputs, ids = [], [], [], []
    t = 0
    for _ in range(rng.randint(15, 40)):
        blocks = rng.randint(1, 6)
        parent, chain = -1, []
        for _ in range(blocks):
            known = children.get(parent, [])
            if known and rng.random() < 0.7:
                id = rng.choice(known)
            else:
                id = next_id
                next_id += 1
                children.setdefault(parent, []).append(id)
            chain.append(id)
            parent = id
        if rng.random() < 0.5:
            t += rng.randint(0, 4000)
        at.append(t)
        inputs.append((blocks - 1) * bs + rng.randint(1, bs))
        outputs.append(rng.randint(1, 6))
        ids.append(chain)
    return {"bs": bs, "at": at, "input": inputs, "output": outputs, "ids": ids}


def main():
    rng = random.Random(2026)
    cases = []
    for k in range(30):
        w = workload(rng)
        longest = max(-(-(i + o - 1) // w["bs"]) for i, o in zip(w["input"], w["output"]))
        cap = longest + rng.randint(0, 8)
        budget, seqs = rng.randint(3, 16), rng.randint(1, 6)
        for policy in ("none", "vllm", "sglang"):
            cases.append({"workload": w, "policy": policy, "capacity_blocks": cap, "budget": budget, "seqs": seqs,
                          "expected": simulate(w, policy, cap, budget, seqs)})
    print(json.dumps(cases, separators=(",", ":")))


main()
