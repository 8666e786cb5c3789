/// The lexer's output: a kind, the span it covers, and for literals and names their value.
public struct Token: Sendable {
    public enum Kind: Hashable, Sendable {
        case number(Double)
        case identifier(String)
        case string(String)
        case keyword(Keyword)
        case punct(Punct)
        case newline
        case eof
    }

    public let kind: Kind
    public let span: Span
    /// True when whitespace or a comment separates this token from the one before it.
    public let spaceBefore: Bool
}

public enum Keyword: String, CaseIterable, Sendable {
    case `let`, fn, `if`, then, `else`, and, or, not, `true`, `false`, with, to, dimension, unit, native, `where`
}

public enum Punct: String, CaseIterable, Sendable {
    case lparen = "(", rparen = ")", lbracket = "[", rbracket = "]", lbrace = "{", rbrace = "}"
    case comma = ",", colon = ":", semicolon = ";", dot = ".", dotdot = "..", ellipsis = "...", arrow = "->"
    case plus = "+", minus = "-", star = "*", slash = "/", caret = "^", starstar = "**"
    case assign = "=", eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">=", at = "@"
}

extension Token.Kind: CustomStringConvertible {
    public var description: String {
        switch self {
        case .number(let v): return "number \(v)"
        case .identifier(let s): return "`\(s)`"
        case .string: return "a string"
        case .keyword(let k): return "`\(k.rawValue)`"
        case .punct(let p): return "`\(p.rawValue)`"
        case .newline: return "end of line"
        case .eof: return "end of input"
        }
    }
}
