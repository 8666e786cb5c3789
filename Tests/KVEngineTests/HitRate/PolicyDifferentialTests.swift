import Foundation
import XCTest
@testable import KVEngine

/// Replay under LRU, FIFO and LFU against a naive reference written from the definition (DESIGN §3.2 and the doc
/// comments of `replay` and `EvictionPolicy`), on 300 small random traces: hits, lookups and hit tokens
/// must be equal exactly, at every capacity from 0 to past the trace's distinct blocks.
///
/// The definition: requests in timestamp order, ties in file order. A request's hit is the longest prefix of its
/// blocks that is cached; hit tokens are hit blocks × block size, capped at the request's input length. Then its
/// blocks are touched first to last: a cached block is refreshed per the policy (LRU: becomes most recent; FIFO:
/// nothing; LFU: one more touch, and most recent), a new block is inserted after evicting a victim when the cache is
/// full (LRU: least recently used; FIFO: first inserted; LFU: fewest touches since insertion, ties to the least
/// recently used). Nothing is pinned: a request may evict its own blocks.
final class PolicyDifferentialTests: XCTestCase {
    /// The reference cache: a plain list of entries, searched linearly. O(capacity) per touch, obviously correct.
    struct ReferenceCache {
        struct Entry {
            var id: Int64
            var touches: Int
            var lastUse: Int
            var inserted: Int
        }

        let capacity: Int
        let policy: EvictionPolicy
        var entries: [Entry] = []
        var clock = 0

        func contains(_ id: Int64) -> Bool { entries.contains { $0.id == id } }

        mutating func touch(_ id: Int64) {
            clock += 1
            if let k = entries.firstIndex(where: { $0.id == id }) {
                switch policy {
                case .lru: entries[k].lastUse = clock
                case .fifo: break
                case .lfu:
                    entries[k].touches += 1
                    entries[k].lastUse = clock
                }
                return
            }
            guard capacity > 0 else { return }
            if entries.count == capacity {
                let victim: Int
                switch policy {
                case .lru: victim = entries.indices.min { entries[$0].lastUse < entries[$1].lastUse }!
                case .fifo: victim = entries.indices.min { entries[$0].inserted < entries[$1].inserted }!
                case .lfu:
                    victim = entries.indices.min {
                        (entries[$0].touches, entries[$0].lastUse) < (entries[$1].touches, entries[$1].lastUse)
                    }!
                }
                entries.remove(at: victim)
            }
            entries.append(Entry(id: id, touches: 1, lastUse: clock, inserted: clock))
        }
    }

    struct Request {
        var timestamp: Int
        var input: Int
        var ids: [Int64]
    }

    /// (hits, lookups, hit tokens) by the definition.
    static func reference(_ requests: [Request], capacity: Int, policy: EvictionPolicy,
                          blockSize: Int) -> (Int, Int, Int) {
        let ordered = requests.enumerated().sorted { ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset) }
        var cache = ReferenceCache(capacity: capacity, policy: policy)
        var hits = 0, lookups = 0, tokens = 0
        for (_, r) in ordered {
            var h = 0
            while h < r.ids.count, cache.contains(r.ids[h]) { h += 1 }
            hits += h
            lookups += r.ids.count
            tokens += min(h * blockSize, r.input)
            for id in r.ids { cache.touch(id) }
        }
        return (hits, lookups, tokens)
    }

    /// The engine's seeded generator, so a failure names a trace that can be rebuilt.
    struct RNG {
        var generator: Xoshiro256
        init(state: UInt64) { generator = Xoshiro256(seed: state) }
        mutating func below(_ n: Int) -> Int { Int(generator.next() % UInt64(max(n, 1))) }
    }

    /// A small trace shaped like chat traffic: conversations whose turns extend a shared prefix, repeated requests,
    /// system prompts shared across conversations, ids repeated inside a request, timestamps with ties and out of
    /// order, input lengths above and below blocks × block size, and ids of every kind (small in order, negative,
    /// huge) so the reader's id map takes all its paths.
    static func randomTrace(_ rng: inout RNG) -> [Request] {
        let idKinds: [(Int64) -> Int64] = [{ $0 }, { $0 * 7 + 3 }, { -$0 - 1 }, { $0 &* Int64(bitPattern: 0x9E37_79B9_7F4A_7C15) }]
        let kind = idKinds[rng.below(idKinds.count)]
        var nextID: Int64 = 0
        func fresh(_ n: Int) -> [Int64] {
            (0..<n).map { _ in
                nextID += 1
                return kind(nextID - 1)
            }
        }
        let systemPrompts = (0..<(1 + rng.below(3))).map { _ in fresh(1 + rng.below(3)) }
        var conversations: [[Int64]] = []
        var requests: [Request] = []
        for _ in 0..<(1 + rng.below(24)) {
            var ids: [Int64]
            let choice = rng.below(6)
            if choice == 0, !requests.isEmpty {  // an exact repeat
                ids = requests[rng.below(requests.count)].ids
            } else if choice <= 2, !conversations.isEmpty {  // the next turn of a conversation
                let c = rng.below(conversations.count)
                conversations[c] += fresh(1 + rng.below(3))
                ids = conversations[c]
            } else if choice == 3, !requests.isEmpty {  // an id repeated inside the request
                ids = requests[rng.below(requests.count)].ids
                if !ids.isEmpty { ids.insert(ids[rng.below(ids.count)], at: rng.below(ids.count + 1)) }
            } else {  // a new conversation, on a shared system prompt or not
                ids = (rng.below(2) == 0 ? systemPrompts[rng.below(systemPrompts.count)] : []) + fresh(rng.below(5))
                conversations.append(ids)
            }
            let input = max(0, ids.count * 4 - 3 + rng.below(8))
            requests.append(Request(timestamp: rng.below(12), input: input, ids: ids))
        }
        return requests
    }

    /// With `outputLength`, the lines have Mooncake's exact shape, which the reader's fast path takes; without, the
    /// general parser reads them.
    static func jsonLines(_ requests: [Request], outputLength: Bool = false) -> String {
        requests.map { r in
            "{\"timestamp\": \(r.timestamp), \"input_length\": \(r.input), "
                + (outputLength ? "\"output_length\": \(r.ids.count), " : "")
                + "\"hash_ids\": [\(r.ids.map(String.init).joined(separator: ", "))]}"
        }.joined(separator: "\n")
    }

    func testPoliciesAgreeWithTheNaiveReference() throws {
        var rng = RNG(state: 20_261_129)
        var compared = 0, hitsSeen = 0
        for n in 0..<300 {
            let requests = Self.randomTrace(&rng)
            let trace = try TraceReader.parse(Data(Self.jsonLines(requests, outputLength: n % 2 == 1).utf8),
                                              name: "random-\(n)")
            let distinct = Set(requests.flatMap(\.ids)).count
            XCTAssertEqual(trace.distinctBlocks, distinct)
            let blockSize = [1, 4, 16][n % 3]
            let curve = try replayCurve(trace, blockSize: blockSize)
            for capacity in Array(0...(distinct + 1)) + [Int.max] {
                for policy in EvictionPolicy.allCases {
                    let r = try replay(trace, capacity: capacity, policy: policy, blockSize: blockSize)
                    let (hits, lookups, tokens) = Self.reference(requests, capacity: capacity, policy: policy,
                                                                 blockSize: blockSize)
                    let label = "trace \(n), capacity \(capacity), \(policy), block \(blockSize):\n"
                        + Self.jsonLines(requests)
                    XCTAssertEqual(r.lookups, lookups, label)
                    XCTAssertEqual(r.hits, hits, label)
                    XCTAssertEqual(r.hitTokens, tokens, label)
                    if policy == .lru { XCTAssertEqual(curve.result(capacity: capacity), r, label) }
                    if r.hits != hits || r.hitTokens != tokens { return }  // one trace shown is enough
                    compared += 1
                    hitsSeen += hits
                }
            }
        }
        // The generator must produce traces where policies matter, not only empty or all-miss ones.
        XCTAssertGreaterThan(compared, 15_000)
        XCTAssertGreaterThan(hitsSeen, compared)
    }

    /// The reference itself on policies.jsonl, whose figures ReplayTests traced by hand: LRU 4 / 16, FIFO 3 / 12,
    /// LFU 5 / 20 at capacity 3, block 4. A reference that disagreed with the hand trace would prove nothing.
    func testReferenceMatchesTheHandTrace() {
        let requests = [Request(timestamp: 0, input: 10, ids: [1, 2, 3]), Request(timestamp: 1, input: 12, ids: [1, 2, 4]),
                        Request(timestamp: 2, input: 8, ids: [1, 5]), Request(timestamp: 3, input: 9, ids: [1, 2, 3])]
        let expected: [(EvictionPolicy, Int, Int)] = [(.lru, 4, 16), (.fifo, 3, 12), (.lfu, 5, 20)]
        for (policy, hits, tokens) in expected {
            let (h, lookups, t) = Self.reference(requests, capacity: 3, policy: policy, blockSize: 4)
            XCTAssertEqual([h, lookups, t], [hits, 11, tokens], "\(policy)")
        }
    }
}
