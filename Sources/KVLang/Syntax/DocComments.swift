/// The `##` doc comments of a source, by the byte offset of the token each documents. The lexer finds them in
/// source order, so two parallel arrays sorted by offset hold them: a dictionary's inserts cost more than lexing
/// the names of the stdlib.
struct DocComments {
    private var offsets: [Int] = []
    private var texts: [String] = []

    var count: Int { offsets.count }

    /// In source order this is an append; out of order it is inserted in place. A later text for the same offset
    /// replaces the earlier, as a dictionary's would.
    mutating func append(_ text: String, at offset: Int) {
        if offsets.last.map({ $0 < offset }) ?? true {
            offsets.append(offset)
            texts.append(text)
            return
        }
        let k = index(of: offset)
        if k < offsets.count, offsets[k] == offset {
            texts[k] = text
        } else {
            offsets.insert(offset, at: k)
            texts.insert(text, at: k)
        }
    }

    subscript(offset: Int) -> String? {
        let k = index(of: offset)
        return k < offsets.count && offsets[k] == offset ? texts[k] : nil
    }

    /// The first position whose offset is not below `offset`.
    private func index(of offset: Int) -> Int {
        var lo = 0, hi = offsets.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if offsets[mid] < offset { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
