import Foundation

/// Large working arrays of the trace reader and replay, backed by 2 MiB pages where the system allows it.
///
/// Each first touch of a 4 KiB page is a page fault, about 3 µs in a virtual machine: a replay of 2.9 M look-ups
/// touched ~6,000 fresh pages (the block list, the cache's stamps), a fifth of its time. Transparent huge pages turn
/// 512 of those faults into one. Only advice: where huge pages are off or unavailable nothing changes.
enum HugePages {
    static let size = 2 << 20

    /// Advises huge pages for the whole 2 MiB-aligned pages inside [start, start + byteCount), before first touch.
    static func advise(_ start: UnsafeMutableRawPointer, byteCount: Int) {
        #if os(Linux)
        let first = (Int(bitPattern: start) + size - 1) & ~(size - 1)
        let end = (Int(bitPattern: start) + byteCount) & ~(size - 1)
        guard end > first, let p = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(p, end - first, MADV_HUGEPAGE)
        #endif
    }

    /// Advises huge pages for an array's reserved, still untouched capacity (call right after reserving it).
    static func advise<T>(_ array: inout [T]) {
        let capacity = array.capacity
        array.withUnsafeMutableBufferPointer { buffer in
            guard let start = buffer.baseAddress else { return }
            advise(UnsafeMutableRawPointer(start), byteCount: capacity * MemoryLayout<T>.stride)
        }
    }
}
