/// The interpreter's frame stack, in manually managed memory: reading a local is a pointer load, with no reference
/// counting on the storage (an Array in a class property is retained around every access).
final class ValueStack {
    @exclusivity(unchecked) private var base: UnsafeMutablePointer<Value>
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private(set) var count = 0

    init(capacity: Int = 256) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    subscript(i: Int) -> Value {
        get { base[i] }
        set { base[i] = newValue }
    }

    func append(_ v: Value) {
        if count == capacity { grow() }
        (base + count).initialize(to: v)
        count += 1
    }

    func append(contentsOf values: some Sequence<Value>) {
        for v in values { append(v) }
    }

    func removeLast(_ n: Int) {
        guard n > 0 else { return }
        count -= n
        (base + count).deinitialize(count: n)
    }

    func removeAll() { removeLast(count) }

    /// A copy of the values in `range` (a native's arguments), made in one pass.
    func slice(_ range: Range<Int>) -> [Value] {
        Array(UnsafeBufferPointer(start: base + range.lowerBound, count: range.count))
    }

    private func grow() {
        let bigger = UnsafeMutablePointer<Value>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }
}
