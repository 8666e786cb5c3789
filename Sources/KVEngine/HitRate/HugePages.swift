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

/// Zeroed memory from fresh pages, freed by `free()`: a table sized for every possible block, of which only the
/// part used is ever touched. From 1 MiB on it is mapped on a 2 MiB boundary, its length rounded up to whole 2 MiB
/// pages, and advised huge: the cache's tables are touched from their start, and calloc's blocks start just past
/// a 2 MiB boundary, so their first 2 MiB (and all of a table under 2 MiB: the queue of a 100,000-block cache)
/// took 4 KiB page faults, ~780 per replay of the conversation trace ×10. Plain calloc below 1 MiB or if mapping
/// fails.
struct ZeroedMemory {
    let base: UnsafeMutableRawPointer
    /// The mapping's length; 0 when the memory came from calloc.
    private let mapped: Int

    /// nil when there is no memory at all.
    init?(byteCount: Int) {
        let bytes = max(byteCount, 1)
        #if os(Linux)
        if bytes >= HugePages.size / 2 {
            let huge = HugePages.size
            let length = (bytes + huge - 1) & ~(huge - 1)
            // One huge page more than needed, so that a 2 MiB boundary falls inside; the slack is unmapped.
            if let p = mmap(nil, length + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
               p != MAP_FAILED {
                let start = (Int(bitPattern: p) + huge - 1) & ~(huge - 1)
                let head = start - Int(bitPattern: p)
                if head > 0 { munmap(p, head) }
                if let tail = UnsafeMutableRawPointer(bitPattern: start + length), huge - head > 0 {
                    munmap(tail, huge - head)
                }
                if let aligned = UnsafeMutableRawPointer(bitPattern: start) {
                    _ = madvise(aligned, length, MADV_HUGEPAGE)
                    base = aligned
                    mapped = length
                    return
                }
            }
        }
        #endif
        guard let p = calloc(bytes, 1) else { return nil }
        base = p
        mapped = 0
    }

    func free() {
        #if os(Linux)
        if mapped > 0 {
            munmap(base, mapped)
            return
        }
        #endif
        Foundation.free(base)
    }
}
