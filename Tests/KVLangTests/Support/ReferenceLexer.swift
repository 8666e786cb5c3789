@testable import KVLang
import Foundation

/// The lexer as it was before the second start-up round (commit bb8b72f), kept only to compare against.
/// A hand-written lexer over UTF-8 bytes. Newlines are tokens (they end statements) except inside `(` and `[`,
/// where they are only whitespace. `##` comments are kept as documentation for the declaration that follows.
struct ReferenceLexer {
    let file: SourceFile
    private let b: [UInt8]
    private var i = 0
    private var brackets: [UInt8] = []
    private(set) var tokens: [Token] = []
    /// Doc-comment text keyed by the byte offset of the token it documents.
    private(set) var docs: [Int: String] = [:]
    /// The `##` lines since the last token, joined by newlines as they come (joining an array per doc block cost
    /// more than lexing the rest of the stdlib's comments).
    private var pendingDoc: String?

    init(file: SourceFile) {
        self.file = file
        self.b = file.bytes
        tokens.reserveCapacity(b.count / 4)
    }

    static func tokenize(_ file: SourceFile) throws(Diagnostic) -> (tokens: [Token], docs: [Int: String]) {
        var lexer = ReferenceLexer(file: file)
        try lexer.run()
        return (lexer.tokens, lexer.docs)
    }

    private func span(_ start: Int, _ end: Int) -> Span { Span(file: file, start: start, end: end) }

    private mutating func run() throws(Diagnostic) {
        if b.count > SourceFile.maxBytes {
            throw Diagnostic(.limit, "the source is \(b.count) bytes, over the limit of \(SourceFile.maxBytes >> 20) MiB",
                             at: span(0, 0), hint: "split it into smaller files")
        }
        if let line = file.overlongLine {
            throw Diagnostic(.limit, "this line is longer than the limit of \(SourceFile.maxLineBytes >> 20) MiB",
                             at: span(line, line + 1), hint: "break it over several lines")
        }
        var space = true
        while i < b.count {
            let c = b[i]
            let start = i
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                i += 1; space = true; continue
            case UInt8(ascii: "\\") where i + 1 < b.count && b[i + 1] == UInt8(ascii: "\n"):
                i += 2; space = true; continue  // explicit line continuation
            case UInt8(ascii: "#"):
                let isDoc = i + 1 < b.count && b[i + 1] == UInt8(ascii: "#")
                while i < b.count && b[i] != UInt8(ascii: "\n") { i += 1 }
                if isDoc {
                    // One space after `##` is the comment's margin, not its text.
                    let from = start + 2 < i && b[start + 2] == UInt8(ascii: " ") ? start + 3 : start + 2
                    if pendingDoc == nil { pendingDoc = "" } else { pendingDoc?.append("\n") }
                    pendingDoc?.append(String(decoding: b[from..<i], as: UTF8.self))
                }
                space = true; continue
            case UInt8(ascii: "\n"):
                i += 1
                if brackets.last != UInt8(ascii: "(") && brackets.last != UInt8(ascii: "[") {
                    add(.newline, start, space)
                }
                space = true; continue
            case UInt8(ascii: "\""):
                try string(start, space)
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                try number(start, space)
            case UInt8(ascii: "."):
                if i + 1 < b.count, isDigit(b[i + 1]) { try number(start, space) } else { punct(start, space) }
            default:
                if isIdentStart(at: i) {
                    identifier(start, space)
                } else if c == UInt8(ascii: "%") {
                    i += 1; add(.identifier("%"), start, space)
                } else {
                    try operatorOrPunct(start, space)
                }
            }
            space = false
        }
        add(.newline, b.count, true)
        add(.eof, b.count, true)
    }

    private mutating func add(_ kind: Token.Kind, _ start: Int, _ space: Bool) {
        if let doc = pendingDoc, kind != .newline {
            docs[start] = doc
            pendingDoc = nil
        }
        tokens.append(Token(kind: kind, span: span(start, i), spaceBefore: space))
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    private func isIdentStart(at j: Int) -> Bool {
        let c = b[j]
        return (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || c == UInt8(ascii: "_") || c >= 0xC0 && !isOperatorScalar(at: j) && !isSuspicious(at: j)
    }

    /// A non-ASCII character that must not hide inside a name: spaces, invisible and control characters, and
    /// look-alikes of operators and quotes (`1 GiB` with a no-break space would otherwise be the name ` GiB`).
    private func isSuspicious(at j: Int) -> Bool {
        guard let (scalar, _) = scalar(at: j) else { return true }
        return Confusables.describe(scalar) != nil
    }

    /// The Unicode scalar starting at byte `j` and its length in bytes; nil for malformed UTF-8.
    private func scalar(at j: Int) -> (Unicode.Scalar, Int)? {
        var end = j + 1
        while end < b.count, end - j < 4, b[end] & 0xC0 == 0x80 { end += 1 }
        var decoder = UTF8()
        var iterator = b[j..<end].makeIterator()
        guard case .scalarValue(let s) = decoder.decode(&iterator) else { return nil }
        return (s, s.utf8.count)
    }

    private func isIdentContinue(at j: Int) -> Bool {
        let c = b[j]
        return isIdentStart(at: j) || isDigit(c) || (c >= 0x80 && c < 0xC0)
    }

    /// Non-ASCII operators: × · ÷ → (their UTF-8 lead bytes are ≥ 0xC0 like letters').
    private func isOperatorScalar(at j: Int) -> Bool { operatorScalar(at: j) != nil }

    private func operatorScalar(at j: Int) -> (Punct, Int)? {
        guard b[j] >= 0xC2 else { return nil }
        let rest = b[j...]
        if rest.starts(with: [0xC3, 0x97]) { return (.star, 2) }        // ×
        if rest.starts(with: [0xC2, 0xB7]) { return (.star, 2) }        // ·
        if rest.starts(with: [0xC3, 0xB7]) { return (.slash, 2) }       // ÷
        if rest.starts(with: [0xE2, 0x86, 0x92]) { return (.arrow, 3) } // →
        return nil
    }

    /// Keywords by their bytes, so a name is checked without hashing a string (the stdlib has ~10⁴ names).
    private static let keywordBytes: [([UInt8], Keyword)] = Keyword.allCases.map { (Array($0.rawValue.utf8), $0) }

    private func keyword(_ start: Int, _ end: Int) -> Keyword? {
        guard end - start <= 9, b[start] >= UInt8(ascii: "a") else { return nil }
        for (bytes, k) in ReferenceLexer.keywordBytes where bytes.count == end - start && bytes[0] == b[start] {
            if b[start..<end].elementsEqual(bytes) { return k }
        }
        return nil
    }

    private mutating func identifier(_ start: Int, _ space: Bool) {
        var ascii = true
        while i < b.count && isIdentContinue(at: i) {
            if b[i] >= 0x80 { ascii = false }
            i += 1
        }
        if ascii, let k = keyword(start, i) {
            add(.keyword(k), start, space)
            return
        }
        var text = String(decoding: b[start..<i], as: UTF8.self)
        // Greek small mu (U+03BC) and the micro sign (U+00B5) look alike and are typed alike: both mean micro.
        if !ascii, text.unicodeScalars.contains("\u{3BC}") {
            text = text.replacingOccurrences(of: "\u{3BC}", with: "\u{B5}")
        }
        add(.identifier(text), start, space)
    }

    private mutating func number(_ start: Int, _ space: Bool) throws(Diagnostic) {
        // The literal is read from its bytes at the end; underscores (digit grouping) are dropped then.
        var underscores = false
        func scanDigits(_ lexer: inout ReferenceLexer) {
            while lexer.i < lexer.b.count, lexer.isDigit(lexer.b[lexer.i]) || lexer.b[lexer.i] == UInt8(ascii: "_") {
                if lexer.b[lexer.i] == UInt8(ascii: "_") { underscores = true }
                lexer.i += 1
            }
        }
        scanDigits(&self)
        if i < b.count, b[i] == UInt8(ascii: ","), b[start] != UInt8(ascii: "."), !underscores {
            try rejectGrouping(start)
        }
        // A fraction needs a digit after the dot, so `1..8` stays a range.
        if i + 1 < b.count, b[i] == UInt8(ascii: "."), isDigit(b[i + 1]) {
            i += 1; scanDigits(&self)
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            var j = i + 1
            if j < b.count, b[j] == UInt8(ascii: "+") || b[j] == UInt8(ascii: "-") { j += 1 }
            if j < b.count, isDigit(b[j]) {
                i = j; scanDigits(&self)
            }
        }
        var digits = String(decoding: b[start..<i], as: UTF8.self)
        if underscores { digits.removeAll { $0 == "_" } }
        if b[i - 1] == UInt8(ascii: "_") {
            throw Diagnostic(.syntax, "a number cannot end with `_`", at: span(start, i))
        }
        guard let value = Double(digits), value.isFinite else {
            throw Diagnostic(.syntax, "number `\(String(decoding: b[start..<i], as: UTF8.self))` is out of range",
                             at: span(start, i))
        }
        add(.number(value), start, space)
    }

    /// kvcalc prints `419,430.4`; read back, that would be two numbers (`max(419,430.4)` is 430.4). A literal
    /// directly followed by `,` and exactly three digits (repeated, then perhaps a fraction) is refused instead.
    /// `max(1,2)` and `max(1, 200)` stay two arguments.
    private func rejectGrouping(_ start: Int) throws(Diagnostic) {
        var j = i
        while j + 3 < b.count, b[j] == UInt8(ascii: ","), isDigit(b[j + 1]), isDigit(b[j + 2]), isDigit(b[j + 3]),
              j + 4 == b.count || !isDigit(b[j + 4]) {
            j += 4
        }
        guard j > i else { return }
        if j + 1 < b.count, b[j] == UInt8(ascii: "."), isDigit(b[j + 1]) {
            j += 1
            while j < b.count, isDigit(b[j]) { j += 1 }
        }
        let written = String(decoding: b[start..<j], as: UTF8.self)
        let plain = written.replacingOccurrences(of: ",", with: "")
        let underscored = written.replacingOccurrences(of: ",", with: "_")
        throw Diagnostic(.syntax, "`\(written)` looks like a number with thousands separators", at: span(start, j),
                         hint: "write \(plain) or \(underscored), or put a space after the comma to separate two items")
    }

    private mutating func string(_ start: Int, _ space: Bool) throws(Diagnostic) {
        i += 1
        var bytes: [UInt8] = []
        while i < b.count, b[i] != UInt8(ascii: "\"") {
            if b[i] == UInt8(ascii: "\n") { break }
            if b[i] == UInt8(ascii: "\\"), i + 1 < b.count {
                i += 1
                switch b[i] {
                case UInt8(ascii: "n"): bytes.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): bytes.append(UInt8(ascii: "\t"))
                case UInt8(ascii: "r"): bytes.append(UInt8(ascii: "\r"))
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(b[i])
                default:
                    throw Diagnostic(.syntax, "unknown escape `\\\(Character(UnicodeScalar(b[i])))` in string",
                                     at: span(i - 1, i + 1), hint: "use \\n, \\t, \\r, \\\" or \\\\")
                }
                i += 1
                continue
            }
            bytes.append(b[i]); i += 1
        }
        guard i < b.count, b[i] == UInt8(ascii: "\"") else {
            throw Diagnostic(.syntax, "unterminated string", at: span(start, start + 1),
                             hint: "close it with `\"` on the same line")
        }
        i += 1
        add(.string(String(decoding: bytes, as: UTF8.self)), start, space)
    }

    /// Names the character by code point, and says what it probably should be when it is invisible or a
    /// look-alike.
    private func unexpectedCharacter(at j: Int) -> Diagnostic {
        guard let (scalar, n) = scalar(at: j) else {
            return Diagnostic(.syntax, "invalid UTF-8 byte 0x\(String(b[j], radix: 16, uppercase: true))", at: span(j, j + 1),
                              hint: "save the file as UTF-8")
        }
        let code = Confusables.codePoint(scalar)
        if let (name, hint) = Confusables.describe(scalar) {
            return Diagnostic(.syntax, "unexpected character \(code) (\(name))", at: span(j, j + n), hint: hint)
        }
        return Diagnostic(.syntax, "unexpected character `\(Character(scalar))` (\(code))", at: span(j, j + n))
    }

    private mutating func punct(_ start: Int, _ space: Bool) {
        if i + 2 < b.count, b[i + 1] == UInt8(ascii: "."), b[i + 2] == UInt8(ascii: ".") {
            i += 3; add(.punct(.ellipsis), start, space)
        } else if i + 1 < b.count, b[i + 1] == UInt8(ascii: ".") { i += 2; add(.punct(.dotdot), start, space) } else {
            i += 1; add(.punct(.dot), start, space)
        }
    }

    /// Two-byte operators first (`->`, `**`, `==`, `!=`, `<=`, `>=`), then one-byte ones, by byte: no strings made.
    private static let twoByte: [(UInt8, UInt8, Punct)] = [
        (UInt8(ascii: "-"), UInt8(ascii: ">"), .arrow), (UInt8(ascii: "*"), UInt8(ascii: "*"), .starstar),
        (UInt8(ascii: "="), UInt8(ascii: "="), .eq), (UInt8(ascii: "!"), UInt8(ascii: "="), .ne),
        (UInt8(ascii: "<"), UInt8(ascii: "="), .le), (UInt8(ascii: ">"), UInt8(ascii: "="), .ge),
    ]

    /// One-byte punctuation by byte value: a table, not a dictionary (a UInt8-keyed dictionary's first use costs a
    /// conformance scan at start-up).
    private static let oneByte: [Punct?] = {
        var table = [Punct?](repeating: nil, count: 256)
        for p in Punct.allCases where p.rawValue.utf8.count == 1 { table[Int(p.rawValue.utf8.first ?? 0)] = p }
        return table
    }()

    private mutating func operatorOrPunct(_ start: Int, _ space: Bool) throws(Diagnostic) {
        if let (p, n) = operatorScalar(at: i) { i += n; add(.punct(p), start, space); return }
        if i + 1 < b.count {
            for (x, y, p) in ReferenceLexer.twoByte where b[i] == x && b[i + 1] == y {
                i += 2
                add(.punct(p), start, space)
                return
            }
        }
        guard let p = ReferenceLexer.oneByte[Int(b[i])] else { throw unexpectedCharacter(at: i) }
        switch p {
        case .lparen, .lbracket, .lbrace: brackets.append(b[i])
        case .rparen, .rbracket, .rbrace: if !brackets.isEmpty { brackets.removeLast() }
        default: break
        }
        i += 1
        add(.punct(p), start, space)
    }
}
