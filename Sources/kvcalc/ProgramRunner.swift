import KVLang
import KVRuntime

/// Runs a program and prints what it computes; on an error, renders the diagnostic to stderr and fails with exit
/// code 1. Values computed before the error have already been printed.
struct ProgramRunner {
    let session: Session
    var json = false

    static func makeSession() throws(ProgramFailed) -> Session {
        do {
            let session = try Session()
            // The command's one session lives until the process exits: tearing down its stdlib (every function,
            // unit and preset) on the way out cost ~3 M instructions, a tenth of `kvcalc eval 1`.
            _ = Unmanaged.passRetained(session)
            return session
        } catch {
            // The stdlib ships inside the binary; failing here is a bug, reported as such.
            Terminal.writeError("kvcalc: internal error loading the standard library:\n"
                                + DiagnosticRenderer().render(error))
            throw ProgramFailed()
        }
    }

    func run(_ file: SourceFile) throws(ProgramFailed) {
        var encodingError: String?
        do throws(Diagnostic) {
            try session.run(file) { value in
                guard encodingError == nil else { return }
                if json {
                    do throws(JSONFormatter.Failure) { print(try session.json.encode(value)) } catch {
                        if case .notEncodable(let why) = error { encodingError = why }
                    }
                } else {
                    print(session.formatter.format(value))
                }
            }
        } catch {
            Terminal.writeError(DiagnosticRenderer(color: Terminal.wantsColor(2)).render(error))
            throw ProgramFailed()
        }
        if let encodingError {
            Terminal.writeError("error: \(encodingError)")
            throw ProgramFailed()
        }
    }
}

/// The user's program failed; the message is already on stderr. Exit code 1.
struct ProgramFailed: Error {}
