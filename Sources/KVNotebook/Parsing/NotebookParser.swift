import Foundation

/// Reads a `.kvnb` file: CommonMark whose fenced blocks with an info string starting with `kv` are cells. Fences
/// follow CommonMark (up to three spaces of indent, three or more backticks or tildes, closed by a run of the same
/// character at least as long); an unclosed fence is an error rather than swallowing the rest of the file.
public struct NotebookParser {
    public let path: String

    public init(path: String) { self.path = path }

    public static func parse(_ text: String, path: String) throws(NotebookError) -> Notebook {
        try NotebookParser(path: path).parse(text)
    }

    private struct Fence {
        let character: Character
        let length: Int
        let indent: Int
        let info: Substring
    }

    /// Parses a notebook's text; `NotebookSource` reads files into the form this expects (LF, no BOM), and
    /// stray CRs here are normalised the same way, so the text's origin does not matter.
    public func parse(_ text: String) throws(NotebookError) -> Notebook {
        let text = text.contains("\r") || text.hasPrefix("\u{FEFF}")
            ? try NotebookSource.text(from: Data(text.utf8), path: path) : text
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { lines.removeLast() }
        var blocks: [Notebook.Block] = []
        var prose: [ProseSegment] = []
        var ids: [String: Int] = [:]
        var sawParameters = false
        let inline = InlineScanner(path: path)
        func flushProse() {
            if !prose.isEmpty { blocks.append(.prose(prose)); prose = [] }
        }
        func addText(_ s: String) {
            if case .text(let t)? = prose.last { prose[prose.count - 1] = .text(t + s) } else { prose.append(.text(s)) }
        }
        var i = 0
        var cellNumber = 0
        while i < lines.count {
            let lineNumber = i + 1
            guard let fence = opening(lines[i]) else {
                for segment in try inline.scan(lines[i], line: lineNumber) {
                    if case .text(let t) = segment { addText(t) } else { prose.append(segment) }
                }
                addText("\n")
                i += 1
                continue
            }
            guard let close = (i + 1 ..< lines.count).first(where: { closes(lines[$0], fence) }) else {
                throw NotebookError(path: path, line: lineNumber,
                                    message: "this code fence is never closed: end the block with a line of "
                                        + String(repeating: fence.character, count: fence.length))
            }
            // CommonMark splits the info string on any whitespace: ```kv<TAB>hide-code is a kv cell.
            let words = fence.info.split(maxSplits: 1, omittingEmptySubsequences: true, whereSeparator: \.isWhitespace)
            guard words.first == "kv" else {
                if let message = MisspelledCell.message(info: fence.info, fence: fence.character) {
                    throw NotebookError(path: path, line: lineNumber, message: message)
                }
                // Another language's code block: prose, verbatim, no inline expressions inside.
                for k in i...close { addText(lines[k] + "\n") }
                i = close + 1
                continue
            }
            var rest = words.count > 1 ? words[1] : ""
            let isParameters = rest.split(whereSeparator: \.isWhitespace).first == "params"
            if isParameters {
                guard !sawParameters else {
                    throw NotebookError(path: path, line: lineNumber, message: "a notebook has at most one `kv params` cell")
                }
                sawParameters = true
                rest = rest.dropFirst("params".count)
            }
            let options = try CellOptionsParser(path: path, line: lineNumber).parse(rest, parameters: isParameters)
            if let id = options.id {
                if let first = ids[id] {
                    throw NotebookError(path: path, line: lineNumber, message: "the id `\(id)` is already used on line \(first)")
                }
                ids[id] = lineNumber
            }
            let code = lines[(i + 1)..<close].map { dropIndent($0, fence.indent) }.joined(separator: "\n")
            cellNumber += 1
            flushProse()
            blocks.append(.cell(Cell(number: cellNumber, code: code, options: options, fenceLine: lineNumber,
                                     isParameters: isParameters)))
            i = close + 1
        }
        flushProse()
        return Notebook(path: path, blocks: blocks)
    }

    private func opening(_ line: String) -> Fence? {
        let indent = line.prefix { $0 == " " }.count
        guard indent <= 3 else { return nil }
        let body = line.dropFirst(indent)
        guard let c = body.first, c == "`" || c == "~" else { return nil }
        let length = body.prefix { $0 == c }.count
        guard length >= 3 else { return nil }
        let info = body.dropFirst(length).trimmingSpaces
        if c == "`", info.contains("`") { return nil }  // CommonMark: that is inline code, not a fence
        return Fence(character: c, length: length, indent: indent, info: info)
    }

    private func closes(_ line: String, _ fence: Fence) -> Bool {
        let indent = line.prefix { $0 == " " }.count
        guard indent <= 3 else { return false }
        let body = line.dropFirst(indent)
        let length = body.prefix { $0 == fence.character }.count
        return length >= fence.length && body.dropFirst(length).allSatisfy { $0 == " " || $0 == "\t" }
    }

    /// CommonMark removes the fence's indentation from each code line.
    private func dropIndent(_ line: String, _ indent: Int) -> String {
        String(line.dropFirst(min(indent, line.prefix { $0 == " " }.count)))
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return s
    }
}
