/// The options after `kv` in a cell's info string: bare words and `key=value`, where a value may be quoted
/// (`expect-error="cannot add"`). Anything else is an error naming the line.
struct CellOptionsParser {
    let path: String
    let line: Int

    private func fail(_ message: String) -> NotebookError { NotebookError(path: path, line: line, message: message) }

    /// `words` is the info string after `kv` (and after `params` for the parameters cell).
    func parse(_ words: Substring, parameters: Bool) throws(NotebookError) -> CellOptions {
        var options = CellOptions()
        var seen: Set<String> = []
        for (key, value) in try tokens(words) {
            guard seen.insert(key).inserted else { throw fail("the option `\(key)` is given twice") }
            switch key {
            case "hide-code", "hide-output", "skip":
                guard value == nil else { throw fail("the option `\(key)` takes no value") }
                if key == "hide-code" { options.hideCode = true }
                if key == "hide-output" { options.hideOutput = true }
                if key == "skip" { options.skip = true }
            case "expect-error":
                options.expectError = CellOptions.ExpectedError(substring: value ?? "")
            case "id":
                guard let value, !value.isEmpty,
                      value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                    throw fail("`id` needs a name of letters, digits, `-` and `_`: id=sizes")
                }
                options.id = value
            default:
                let known = "hide-code, hide-output, expect-error[=\"text\"], skip, id=name"
                throw fail("unknown cell option `\(key)` (the options: \(known))")
            }
        }
        if parameters, options.skip || options.expectError != nil {
            throw fail("the `kv params` cell always runs: `skip` and `expect-error` do not apply to it")
        }
        return options
    }

    /// Splits on whitespace outside quotes; `key="a b"` is one token.
    private func tokens(_ s: Substring) throws(NotebookError) -> [(String, String?)] {
        var result: [(String, String?)] = []
        var i = s.startIndex
        while i < s.endIndex {
            if s[i].isWhitespace { i = s.index(after: i); continue }
            var key = ""
            while i < s.endIndex, !s[i].isWhitespace, s[i] != "=" {
                key.append(s[i])
                i = s.index(after: i)
            }
            guard i < s.endIndex, s[i] == "=" else { result.append((key, nil)); continue }
            guard !key.isEmpty else { throw fail("a cell option is missing its name before `=`") }
            i = s.index(after: i)
            var value = ""
            if i < s.endIndex, s[i] == "\"" {
                i = s.index(after: i)
                var closed = false
                while i < s.endIndex {
                    let c = s[i]
                    i = s.index(after: i)
                    if c == "\"" { closed = true; break }
                    if c == "\\", i < s.endIndex { value.append(s[i]); i = s.index(after: i); continue }
                    value.append(c)
                }
                guard closed else { throw fail("the value of `\(key)` is missing its closing `\"`") }
                if i < s.endIndex, !s[i].isWhitespace { throw fail("expected a space after the quoted value of `\(key)`") }
            } else {
                while i < s.endIndex, !s[i].isWhitespace {
                    if s[i] == "\"" { throw fail("a quote inside the value of `\(key)`: quote the whole value") }
                    value.append(s[i])
                    i = s.index(after: i)
                }
            }
            result.append((key, value))
        }
        return result
    }
}
