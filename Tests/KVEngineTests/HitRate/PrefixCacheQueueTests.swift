import XCTest
@testable import KVEngine

/// The queue cache behind LRU and FIFO, touch by touch against the naive reference of PolicyDifferentialTests,
/// including the paths a replay of a small trace never reaches: compaction of a full queue of stale entries, and
/// renumbering the stamps before the clock would wrap (forced here by a tiny clock limit).
final class PrefixCacheQueueTests: XCTestCase {
    func testEveryTouchAgreesWithTheReference() {
        var rng = PolicyDifferentialTests.RNG(state: 2026)
        var checked = 0
        for round in 0..<60 {
            let items = 1 + rng.below(12)
            let capacity = rng.below(items + 2)
            let refresh = round % 2 == 0
            // Default clock, then limits that force a renumbering every few touches.
            for limit in [UInt32.max, UInt32(capacity + 2), UInt32(capacity + 3)] {
                var queue = QueueCache(items: items, capacity: capacity, refreshOnHit: refresh, clockLimit: limit)
                defer { queue.deallocate() }
                var reference = PolicyDifferentialTests.ReferenceCache(capacity: min(capacity, items),
                                                                        policy: refresh ? .lru : .fifo)
                // Repeats of a few hot ids (hits, so stale entries and compactions) among colder ones.
                for step in 0..<400 {
                    let id = Int32(rng.below(3) == 0 ? rng.below(min(3, items)) : rng.below(items))
                    let cached = reference.contains(Int64(id))
                    XCTAssertEqual(queue.touchIfCached(id), cached, "round \(round), step \(step)")
                    if !cached { queue.touch(id) }
                    reference.touch(Int64(id))
                    for other in 0..<items {
                        XCTAssertEqual(queue.contains(Int32(other)), reference.contains(Int64(other)),
                                       "round \(round), limit \(limit), step \(step), id \(other)")
                    }
                    checked += 1
                }
            }
        }
        XCTAssertEqual(checked, 60 * 3 * 400)
    }
}
