/// A fenced block whose info string looks like a kv cell typed wrong (`KV`, `kvv`, `{kv}`, `k v`, `kv:`). Such a
/// block would render as another language's code and never run: the silent skip this error prevents.
enum MisspelledCell {
    /// The error for `info` (the text after the fence), or nil when it is plainly another language (or none).
    static func message(info: Substring, fence: Character) -> String? {
        let words = info.split(whereSeparator: \.isWhitespace)
        guard let first = words.first else { return nil }
        let letters = String(first.lowercased().filter(\.isLetter))
        let looksLikeKV = letters == "kv" || letters == "vk" || letters == "kvv" || letters == "kkv"
            || (first == "k" && words.count > 1 && words[1].lowercased().hasPrefix("v"))
        guard looksLikeKV else { return nil }
        let fence = String(repeating: fence, count: 3)
        return "\(fence)\(info) is not a kv cell, so this block would never run: a cell's fence is \(fence)kv "
            + "(lowercase, options after a space); if the block is not kvcalc code, name its language (\(fence)text)"
    }
}
