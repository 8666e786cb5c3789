import Foundation

/// A `:command` line: its name and the rest of the line as its argument.
struct ReplCommand {
    enum Name: String, CaseIterable {
        case help, list, info, save, load, reset, quit

        /// The commands a word may name: its full name, or those it begins (`:q`, `:he`); one means a match.
        static func candidates(_ word: String) -> [Name] {
            if let exact = Name(rawValue: word) { return [exact] }
            return word.isEmpty ? allCases : allCases.filter { $0.rawValue.hasPrefix(word) }
        }

        static func resolve(_ word: String) -> Name? {
            let found = candidates(word)
            return found.count == 1 ? found[0] : nil
        }

        /// How it is typed, and what it does.
        var usage: (syntax: String, does: String) {
            switch self {
            case .help: return (":help [name]", "this text, or the documentation of a function, unit or value")
            case .list: return (":list [what]", "units, functions, models, gpus or variables (all of them without what)")
            case .info: return (":info name", "a unit's dimension and definition, a record's fields, a signature")
            case .save: return (":save FILE.kvnb", "the session's successful entries as a notebook")
            case .load: return (":load FILE", "run a script (.kv) or a notebook's kv cells (.kvnb) into the session")
            case .reset: return (":reset", "forget everything defined: a fresh session")
            case .quit: return (":quit", "leave (Ctrl-D does too)")
            }
        }
    }

    static let names = Name.allCases.map(\.rawValue)

    let name: Name
    let argument: String

    enum ParseError: Error, Equatable {
        case unknown(String)
        case ambiguous(String, [Name])
    }

    /// Parses a line that starts with `:`.
    static func parse(_ line: String) throws(ParseError) -> ReplCommand {
        let body = line.drop { $0 == " " }.dropFirst()
        let word = String(body.prefix { $0 != " " })
        let found = Name.candidates(word)
        guard found.count == 1 else { throw found.isEmpty ? .unknown(word) : .ambiguous(word, found) }
        let name = found[0]
        let argument = body.dropFirst(word.count).trimmingCharacters(in: .whitespaces)
        return ReplCommand(name: name, argument: argument)
    }
}

/// What `:list` can list.
enum ListCategory: String, CaseIterable {
    case units, functions, models, gpus, variables
}
