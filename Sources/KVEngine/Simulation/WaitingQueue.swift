/// The FCFS waiting queue: a ring buffer of request indices with room for every request (each waits at most once
/// at a time), so pushing at either end never allocates. Preempted requests go back to the front.
struct WaitingQueue {
    private var ring: [Int32]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) { ring = [Int32](repeating: 0, count: max(1, capacity)) }

    var isEmpty: Bool { count == 0 }
    var front: Int { Int(ring[head]) }

    mutating func pushBack(_ r: Int) {
        ring[(head + count) % ring.count] = Int32(r)
        count += 1
    }

    mutating func pushFront(_ r: Int) {
        head = (head - 1 + ring.count) % ring.count
        ring[head] = Int32(r)
        count += 1
    }

    mutating func popFront() {
        head = (head + 1) % ring.count
        count -= 1
    }
}
