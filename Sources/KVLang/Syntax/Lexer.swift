import Foundation

/// A hand-written lexer over UTF-8 bytes. Newlines are tokens (they end statements) except inside `(` and `[`,
/// where they are only whitespace. `##` comments are kept as documentation for the declaration that follows.
struct Lexer {
    let file: SourceFile
    private let b: [UInt8]
    private let fileID: Int32
    private var i = 0
    private var brackets: [UInt8] = []
    private(set) var tokens: [Token] = []
    /// Doc-comment text keyed by the byte offset of the token it documents.
    private(set) var docs = DocComments()
    /// The byte ranges of the `##` lines since the last token; their text is made once, joined by newlines, when
    /// the token they document comes (a string appended to per line cost a tenth of lexing the stdlib).
    private var pendingDoc: [Range<Int>] = []

    init(file: SourceFile) {
        self.file = file
        self.b = file.bytes
        self.fileID = file.id
        tokens.reserveCapacity(b.count / 4)
    }

    static func tokenize(_ file: SourceFile) throws(Diagnostic) -> (tokens: [Token], docs: DocComments) {
        var lexer = Lexer(file: file)
        try lexer.run()
        return (lexer.tokens, lexer.docs)
    }

    private func span(_ start: Int, _ end: Int) -> Span { Span(fileID: fileID, start: start, end: end) }

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
                i = endOfLine(from: i)
                if isDoc {
                    // One space after `##` is the comment's margin, not its text.
                    let from = start + 2 < i && b[start + 2] == UInt8(ascii: " ") ? start + 3 : start + 2
                    pendingDoc.append(from..<i)
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
        if !pendingDoc.isEmpty, kind != .newline {
            docs.append(docText(), at: start)
            pendingDoc.removeAll(keepingCapacity: true)
        }
        tokens.append(Token(kind: kind, span: span(start, i), spaceBefore: space))
    }

    /// The offset of the next newline at or after `j`, or the end (memchr: comments are most of the stdlib's bytes).
    private func endOfLine(from j: Int) -> Int {
        b.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, j < buffer.count,
                  let hit = memchr(base + j, Int32(UInt8(ascii: "\n")), buffer.count - j) else { return buffer.count }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// The pending `##` lines joined by newlines, decoded once.
    private func docText() -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(pendingDoc.reduce(0) { $0 + $1.count + 1 })
        for (n, line) in pendingDoc.enumerated() {
            if n > 0 { bytes.append(UInt8(ascii: "\n")) }
            bytes.append(contentsOf: b[line])
        }
        return String(decoding: bytes, as: UTF8.self)
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

    /// Keywords by their first eight bytes packed in an integer, their length and their ninth byte (`dimension`),
    /// so a name is checked with integer compares: no string hashed, no arrays compared.
    private static let keywordKeys: [(key: UInt64, count: Int, ninth: UInt8, keyword: Keyword)] =
        Keyword.allCases.map { k in
            let bytes = Array(k.rawValue.utf8)
            return (bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }, bytes.count, bytes.count > 8 ? bytes[8] : 0, k)
        }

    private func keyword(_ start: Int, _ end: Int) -> Keyword? {
        let count = end - start
        guard count <= 9, b[start] >= UInt8(ascii: "a") else { return nil }
        var key: UInt64 = 0
        for j in start..<min(end, start + 8) { key = key << 8 | UInt64(b[j]) }
        for k in Lexer.keywordKeys where k.key == key && k.count == count {
            if count <= 8 || b[start + 8] == k.ninth { return k.keyword }
        }
        return nil
    }

    private mutating func identifier(_ start: Int, _ space: Bool) {
        var ascii = true
        while i < b.count {
            let c = b[i]
            // ASCII letters, digits and `_` inline (most names are only these); other bytes by the general test.
            if c < 0x80 {
                guard (c | 0x20) &- UInt8(ascii: "a") < 26 || c &- UInt8(ascii: "0") < 10 || c == UInt8(ascii: "_")
                else { break }
            } else {
                guard isIdentContinue(at: i) else { break }
                ascii = false
            }
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
        func scanDigits(_ lexer: inout Lexer) {
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
        if b[i - 1] == UInt8(ascii: "_") {
            throw Diagnostic(.syntax, "a number cannot end with `_`", at: span(start, i))
        }
        if let value = exactValue(start, i) {
            add(.number(value), start, space)
            return
        }
        var digits = String(decoding: b[start..<i], as: UTF8.self)
        if underscores { digits.removeAll { $0 == "_" } }
        guard let value = Double(digits), value.isFinite else {
            throw Diagnostic(.syntax, "number `\(String(decoding: b[start..<i], as: UTF8.self))` is out of range",
                             at: span(start, i))
        }
        add(.number(value), start, space)
    }

    /// Powers of ten that are exact doubles.
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ]

    /// The literal's value without making a string or calling strtod, when that is exact: digits below 2⁵³ and a
    /// net power of ten within ±22 are both exact doubles, so one multiplication or division rounds once, to the
    /// value strtod gives (Clinger's fast path). Nil otherwise; the caller then parses the text.
    private func exactValue(_ start: Int, _ end: Int) -> Double? {
        var mantissa: UInt64 = 0, fractionDigits = 0, exponent = 0, negativeExponent = false
        var j = start, inFraction = false
        while j < end {
            let c = b[j]
            if isDigit(c) {
                guard mantissa < (1 << 53) / 10 else { return nil }
                mantissa = mantissa * 10 + UInt64(c - UInt8(ascii: "0"))
                if inFraction { fractionDigits += 1 }
            } else if c == UInt8(ascii: ".") {
                inFraction = true
            } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                break
            } else if c != UInt8(ascii: "_") {
                return nil
            }
            j += 1
        }
        if j < end {
            j += 1  // the `e`
            if b[j] == UInt8(ascii: "-") { negativeExponent = true; j += 1 } else if b[j] == UInt8(ascii: "+") { j += 1 }
            while j < end {
                let c = b[j]
                if isDigit(c) {
                    guard exponent < 1000 else { return nil }
                    exponent = exponent * 10 + Int(c - UInt8(ascii: "0"))
                } else if c != UInt8(ascii: "_") {
                    return nil
                }
                j += 1
            }
        }
        if mantissa == 0 { return 0 }
        let power = (negativeExponent ? -exponent : exponent) - fractionDigits
        guard power >= -22, power <= 22 else { return nil }
        let m = Double(mantissa)
        return power >= 0 ? m * Lexer.exactPowersOfTen[power] : m / Lexer.exactPowersOfTen[-power]
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

    /// Punctuation by a switch on its byte and the next: no tables behind a lazy global (each use went through
    /// swift_once) and no strings made. Two-byte operators (`->`, `**`, `==`, `!=`, `<=`, `>=`) win over their
    /// first byte.
    private mutating func operatorOrPunct(_ start: Int, _ space: Bool) throws(Diagnostic) {
        if let (p, n) = operatorScalar(at: i) { i += n; add(.punct(p), start, space); return }
        let c = b[i]
        let next: UInt8 = i + 1 < b.count ? b[i + 1] : 0
        let p: Punct
        var width = 1
        switch c {
        case UInt8(ascii: "("): p = .lparen
        case UInt8(ascii: ")"): p = .rparen
        case UInt8(ascii: "["): p = .lbracket
        case UInt8(ascii: "]"): p = .rbracket
        case UInt8(ascii: "{"): p = .lbrace
        case UInt8(ascii: "}"): p = .rbrace
        case UInt8(ascii: ","): p = .comma
        case UInt8(ascii: ":"): p = .colon
        case UInt8(ascii: ";"): p = .semicolon
        case UInt8(ascii: "."): p = .dot
        case UInt8(ascii: "+"): p = .plus
        case UInt8(ascii: "/"): p = .slash
        case UInt8(ascii: "^"): p = .caret
        case UInt8(ascii: "@"): p = .at
        case UInt8(ascii: "-"): if next == UInt8(ascii: ">") { p = .arrow; width = 2 } else { p = .minus }
        case UInt8(ascii: "*"): if next == UInt8(ascii: "*") { p = .starstar; width = 2 } else { p = .star }
        case UInt8(ascii: "="): if next == UInt8(ascii: "=") { p = .eq; width = 2 } else { p = .assign }
        case UInt8(ascii: "<"): if next == UInt8(ascii: "=") { p = .le; width = 2 } else { p = .lt }
        case UInt8(ascii: ">"): if next == UInt8(ascii: "=") { p = .ge; width = 2 } else { p = .gt }
        case UInt8(ascii: "!") where next == UInt8(ascii: "="): p = .ne; width = 2
        default: throw unexpectedCharacter(at: i)
        }
        switch p {
        case .lparen, .lbracket, .lbrace: brackets.append(c)
        case .rparen, .rbracket, .rbrace: if !brackets.isEmpty { brackets.removeLast() }
        default: break
        }
        i += width
        add(.punct(p), start, space)
    }
}
