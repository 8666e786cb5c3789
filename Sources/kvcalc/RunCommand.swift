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

    @Flag(help: "Run and render past errors (the run still exits 1).")
    var keepGoing = false

    func validate() throws {
        if check, output != nil { throw ValidationError("--check compares with the file beside the notebook; drop -o.") }
        for p in parameters where ParameterOverride(p) == nil {
            throw ValidationError("-p takes NAME=EXPR, not '\(p)'.")
        }
    }

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("Cannot read '\(file)'.")
        }
        let notebook: Notebook
        do { notebook = try NotebookParser.parse(String(decoding: data, as: UTF8.self), path: file) } catch {
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
        let page = output.map { URL(fileURLWithPath: $0) } ?? besideNotebook
        let rendering = html ? Rendering.html(notebook, result) : Rendering.markdown(notebook, result, pagePath: page.path)
        if check {
            if let report = rendering.differences(from: page) {
                print(report)
                Terminal.writeError("\(page.path) differs from a fresh rendering of \(file)")
                throw ProgramFailed()
            }
        } else if let output {
            // A failed run leaves an existing output untouched, unless --keep-going asked for the rendering anyway.
            if !result.failed || keepGoing {
                do { try rendering.write(to: URL(fileURLWithPath: output)) } catch {
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
