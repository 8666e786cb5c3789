import ArgumentParser
import Foundation
import KVNotebook

/// `kvcalc run FILE.kvnb`: runs a notebook and renders it to Markdown (or HTML), or checks the committed rendering.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a notebook (.kvnb) and render it to Markdown or HTML.",
        discussion: """
            Prints the rendering on stdout unless -o names a file; with -o, charts are written as SVG files to \
            OUT_files/ beside it. A run with an error exits 1 and writes no file (with --keep-going it renders \
            the errors under their cells, writes the output, and still exits 1).

            Examples:
              kvcalc run notebooks/tour.kvnb
              kvcalc run notebooks/kv-cache-101.kvnb -p batch=32 -o /tmp/kv.md
              kvcalc run --check notebooks/tour.kvnb   # against notebooks/tour.md
            """
    )

    @Argument(help: "The notebook (.kvnb) to run.")
    var file: String

    @Option(name: .shortAndLong, help: "Write the rendering to this file (atomically) instead of stdout.")
    var output: String?

    @Option(name: [.customShort("p"), .customLong("param")], help: "Replace a parameter's default: -p NAME=EXPR.")
    var parameters: [String] = []

    @Flag(help: "Compare a fresh rendering with the committed one beside the notebook (NAME.md, or NAME.html with --html); exit 1 with a diff when they differ.")
    var check = false

    @Flag(help: "Render one self-contained HTML page, charts inline.")
    var html = false

    @Flag(help: "With --html, pass raw HTML in the notebook's prose and javascript:/data: links into the page (trusted notebooks only).")
    var unsafeHTML = false

    @Flag(help: "Run and render past errors (the run still exits 1).")
    var keepGoing = false

    func validate() throws {
        if check, output != nil { throw ValidationError("--check compares with the file beside the notebook; drop -o.") }
        var seen: Set<String> = []
        for p in parameters {
            guard let o = ParameterOverride(p) else { throw ValidationError("-p takes NAME=EXPR, not '\(p)'.") }
            // Two values for one name: which one was meant is not ours to guess.
            guard seen.insert(o.name).inserted else { throw ValidationError("-p \(o.name) is given twice.") }
        }
    }

    func run() throws {
        // Where the page goes is settled before anything runs: a refused -o is a usage error (exit 2).
        let target: OutputTarget?
        do { target = try output.map { path throws(OutputTarget.Refusal) in try OutputTarget.resolve(path, inputs: [file]) } } catch {
            throw UsageFailed(message: "-o \(error.path): \(error.reason)")
        }
        let notebook: Notebook
        do { notebook = try NotebookParser.parse(try NotebookSource.read(file), path: file) } catch {
            // A file that cannot be read at all is bad usage, as for a script; a bad line in it is the user's program.
            if error.line == 0 { throw UsageFailed(message: "cannot read \(file): \(error.message)") }
            Terminal.writeError(error.rendered)
            throw ProgramFailed()
        }
        let runner = NotebookRunner(overrides: parameters.compactMap(ParameterOverride.init), keepGoing: keepGoing)
        let result: NotebookRun
        do { result = try runner.run(notebook) } catch {
            Terminal.writeError("error: \(error.message)")
            throw ProgramFailed()
        }
        for message in result.errors { Terminal.writeError(message) }

        let besideNotebook = URL(fileURLWithPath: file).deletingPathExtension().appendingPathExtension(html ? "html" : "md")
        var page = besideNotebook
        if case .file(let path)? = target { page = URL(fileURLWithPath: path) }
        let rendering = html ? Rendering.html(notebook, result, unsafeHTML: unsafeHTML)
            : Rendering.markdown(notebook, result, pagePath: page.path)
        if check {
            if let report = rendering.differences(from: page) {
                print(report)
                Terminal.writeError("\(page.path) differs from a fresh rendering of \(file)")
                throw ProgramFailed()
            }
        } else if let target {
            // A failed run leaves an existing output untouched, unless --keep-going asked for the rendering anyway.
            if !result.failed || keepGoing {
                do { try rendering.write(to: target) } catch {
                    Terminal.writeError("error: \(error)")
                    throw ProgramFailed()
                }
            }
        } else {
            FileHandle.standardOutput.write(Data(rendering.text.utf8))
        }
        if result.failed { throw ProgramFailed() }
    }
}
