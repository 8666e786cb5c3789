/// A parsed `.kvnb` file (DESIGN §4): prose and `kv` cells in file order. Nothing here has run yet.
public struct Notebook: Sendable {
    /// The path the notebook was read from; diagnostics name it.
    public let path: String
    public let blocks: [Block]

    public enum Block: Sendable {
        case prose([ProseSegment])
        case cell(Cell)
    }

    public init(path: String, blocks: [Block]) {
        self.path = path
        self.blocks = blocks
    }

    /// The file's name without its folder. Diagnostics in a rendering use it, so a rendering does not depend on the
    /// directory `kvcalc run` ran from (and `--check` works from anywhere).
    public var name: String { path.split(separator: "/").last.map(String.init) ?? path }

    public var cells: [Cell] {
        blocks.compactMap { if case .cell(let c) = $0 { return c } else { return nil } }
    }

    /// The `kv params` cell, if there is one (at most one).
    public var parameters: Cell? { cells.first { $0.isParameters } }
}

/// Prose, passed through as written, and the inline expressions in it.
public enum ProseSegment: Sendable, Equatable {
    case text(String)
    case inline(InlineExpression)
}

/// `` `{kv} expr` `` in prose: the expression and where it starts in the notebook (1-based).
public struct InlineExpression: Sendable, Equatable {
    public let code: String
    public let line: Int
    public let column: Int
}

/// A fenced ```` ```kv ```` block.
public struct Cell: Sendable, Equatable {
    /// 1-based ordinal among the notebook's cells.
    public let number: Int
    /// The code between the fences, without the final newline.
    public let code: String
    public let options: CellOptions
    /// 1-based line of the opening fence; the code starts on the next line.
    public let fenceLine: Int
    /// `kv params`: plain assignments whose values `-p name=expr` may replace.
    public let isParameters: Bool

    /// The name charts and errors use for this cell: its `id`, else `cell-N`.
    public var name: String { options.id ?? "cell-\(number)" }
}

/// What a cell's info string asks for: `kv hide-code expect-error="cannot add" id=sizes`.
public struct CellOptions: Sendable, Equatable {
    public var hideCode = false
    public var hideOutput = false
    /// Present when the cell must fail; `substring` (when not empty) must occur in the error's message.
    public var expectError: ExpectedError?
    public var skip = false
    public var id: String?

    public struct ExpectedError: Sendable, Equatable {
        public var substring: String
    }

    public init() {}
}

/// A notebook that cannot be parsed: what is wrong and on which line.
public struct NotebookError: Error, Equatable, Sendable {
    public let path: String
    public let line: Int
    public let message: String

    public init(path: String, line: Int, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    /// `nb.kvnb:12: error: …`, as compilers print it; line 0 is the file as a whole (it cannot be read).
    public var rendered: String { line > 0 ? "\(path):\(line): error: \(message)" : "\(path): error: \(message)" }
}
