import KVLang
import KVRuntime
@testable import KVNotebook
import XCTest

/// Running notebooks: parameters and their overrides, expect-error, skip, keep-going, and where errors point.
final class RunnerTests: XCTestCase {
    private func run(_ text: String, _ overrides: [String] = [], keepGoing: Bool = false) throws -> (Notebook, NotebookRun) {
        let nb = try NotebookParser.parse(text, path: "dir/nb.kvnb")
        let runner = NotebookRunner(overrides: overrides.compactMap(ParameterOverride.init), keepGoing: keepGoing)
        return (nb, try runner.run(nb))
    }

    private func values(_ outcome: NotebookRun.Outcome, _ run: NotebookRun) -> [String] {
        guard case .values(let v) = outcome else { return ["not values: \(outcome)"] }
        return v.map(run.formatter.format)
    }

    private let params = """
        ```kv params
        batch = 8
        seq = 1024 tokens
        total = batch * seq
        ```

        ```kv
        total
        ```

        """

    func testParametersAndTheirOverrides() throws {
        let (nb, r) = try run(params)
        XCTAssertEqual(values(r.outcome(of: nb.cells[1]), r), ["8192 tokens"])
        XCTAssertEqual(r.parameters.map(\.name), ["batch", "seq", "total"])
        let (nb2, r2) = try run(params, ["batch=2", "seq = 2 Ki tokens"])
        // Later parameters see the overrides of earlier ones.
        XCTAssertEqual(values(r2.outcome(of: nb2.cells[1]), r2), ["4096 tokens"])
        XCTAssertEqual(r2.parameters.map(\.overridden), [true, true, false])
    }

    func testOverrideErrors() throws {
        XCTAssertThrowsError(try run(params, ["batc=2"])) { e in
            XCTAssertEqual((e as? ParameterError)?.message, "-p batc: no such parameter (its parameters: batch, seq, total)")
        }
        XCTAssertThrowsError(try run(params, ["seq=2 GiB"])) { e in
            XCTAssertEqual((e as? ParameterError)?.message,
                           "-p seq: `2 GiB` is Information, but the default (1024 tokens) is Token")
        }
        XCTAssertThrowsError(try run(params, ["batch=\"eight\""])) { e in
            XCTAssertEqual((e as? ParameterError)?.message, "-p batch: `\"eight\"` is a string, but the default is a number")
        }
        XCTAssertThrowsError(try run(params, ["batch=1 +"])) { e in
            XCTAssertTrue((e as? ParameterError)?.message.hasPrefix("-p batch:1:") ?? false, "\(e)")
        }
        XCTAssertThrowsError(try run("```kv\n1\n```\n", ["x=1"]))
        XCTAssertNil(ParameterOverride("x"))
        XCTAssertNil(ParameterOverride("=1"))
    }

    func testParamsCellHoldsOnlyAssignments() throws {
        let (nb, r) = try run("```kv params\na = 1\na + 1\n```\n")
        guard case .failed(_, let message) = r.outcome(of: nb.cells[0]) else { return XCTFail("should fail") }
        XCTAssertTrue(message.hasPrefix("nb.kvnb:3:1: error: a `kv params` cell holds only assignments"), message)
    }

    func testExpectErrorBothWays() throws {
        let (nb, r) = try run("""
            ```kv expect-error="cannot add"
            1 GB + 1 s
            ```

            ```kv expect-error
            1 GB + 1 GB
            ```

            ```kv expect-error="unknown name"
            1 GB + 1 s
            ```
            """, keepGoing: true)
        guard case .expectedError(_, let message) = r.outcome(of: nb.cells[0]) else { return XCTFail("cell 1") }
        XCTAssertTrue(message.hasPrefix("nb.kvnb:2:6: error: cannot add"), message)
        guard case .failed(_, let m2) = r.outcome(of: nb.cells[1]) else { return XCTFail("cell 2") }
        XCTAssertEqual(m2, "nb.kvnb:5: error: cell cell-2 was to fail with an error (expect-error), but it ran without one")
        guard case .failed(_, let m3) = r.outcome(of: nb.cells[2]) else { return XCTFail("cell 3") }
        XCTAssertTrue(m3.contains("was to fail with an error containing \"unknown name\""), m3)
        XCTAssertEqual(r.errors.count, 2)
    }

    func testSkipIsShownNotRun() throws {
        let (nb, r) = try run("```kv skip\nundefined_name\n```\n\n```kv\n1\n```\n")
        guard case .skipped = r.outcome(of: nb.cells[0]) else { return XCTFail("not skipped") }
        XCTAssertFalse(r.failed)
    }

    func testErrorsPointAtTheNotebooksLineAndColumn() throws {
        let (nb, r) = try run("# T\n\nText `{kv} 2 GB +  1 s` here.\n\n```kv\nlet x = 1\nx + 1 GB\n```\n", keepGoing: true)
        XCTAssertEqual(r.errors.count, 2)
        XCTAssertTrue(r.errors[0].hasPrefix("nb.kvnb:3:17: error: cannot add Information and Time"), r.errors[0])
        XCTAssertTrue(r.errors[1].hasPrefix("nb.kvnb:7:3: error: cannot add Scalar and Information"), r.errors[1])
        XCTAssertTrue(r.errors[1].contains("7 | x + 1 GB"), r.errors[1])
        guard case .failed = r.outcome(of: nb.cells[0]) else { return XCTFail() }
    }

    func testWithoutKeepGoingTheRunStopsAtTheFirstError() throws {
        let text = "```kv\n1 + \"a\"\n```\n\nthen `{kv} 2`\n\n```kv\n3\n```\n"
        let (nb, r) = try run(text)
        XCTAssertTrue(r.stopped)
        XCTAssertEqual(r.stoppedAtCell, 1)
        guard case .notRun = r.outcome(of: nb.cells[1]) else { return XCTFail("ran past the error") }
        let (nb2, r2) = try run(text, keepGoing: true)
        XCTAssertFalse(r2.stopped)
        XCTAssertEqual(values(r2.outcome(of: nb2.cells[1]), r2), ["3"])
        XCTAssertTrue(r2.failed)
    }

    func testAnInlineErrorStopsTheRunToo() throws {
        let (nb, r) = try run("Text `{kv} 1 + \"a\"`.\n\n```kv\n2\n```\n")
        XCTAssertTrue(r.stopped)
        XCTAssertNil(r.stoppedAtCell)
        guard case .notRun = r.outcome(of: nb.cells[0]) else { return XCTFail("ran past the error") }
        let md = Rendering.markdown(nb, r, pagePath: "nb.md").text
        XCTAssertTrue(md.contains("Text **⚠ nb.kvnb:1:14: error: "), md)
        XCTAssertTrue(md.hasSuffix("*The run stopped at the inline error marked ⚠ above; nothing after it ran. "
                                   + "`kvcalc run --keep-going` runs past it.*\n"), md)
    }

    func testCellsShareOneEnvironmentTopToBottom() throws {
        let (nb, r) = try run("```kv\nlet a = 2 GiB\n```\n\n`{kv} a * 2`\n\n```kv\na -> MiB\n```\n")
        XCTAssertEqual(values(r.outcome(of: nb.cells[1]), r), ["2048 MiB"])
        guard case .value(let v) = r.outcome(of: InlineExpression(code: "a * 2", line: 5, column: 7)) else {
            return XCTFail("inline not evaluated")
        }
        XCTAssertEqual(r.formatter.format(v), "4 GiB")
    }
}

/// Parameters given twice and inline expressions that try to bind: errors, not silent choices.
final class RunnerStrictnessTests: XCTestCase {
    private func run(_ text: String, keepGoing: Bool = true) throws -> (Notebook, NotebookRun) {
        let nb = try NotebookParser.parse(text, path: "nb.kvnb")
        return (nb, try NotebookRunner(keepGoing: keepGoing).run(nb))
    }

    func testADuplicateParameterIsAnError() throws {
        let (nb, r) = try run("```kv params\nbatch = 4\nseq = 8\nbatch = 16\n```\n\n```kv\nbatch\n```\n", keepGoing: false)
        guard case .failed(_, let message) = r.outcome(of: nb.cells[0]) else { return XCTFail("\(r.outcome(of: nb.cells[0]))") }
        XCTAssertTrue(message.hasPrefix("nb.kvnb:4:1: error: the parameter `batch` is given twice in the `kv params` cell"),
                      message)
        XCTAssertTrue(r.stopped)
    }

    func testAnOverrideGivenTwiceIsAnError() throws {
        let nb = try NotebookParser.parse("```kv params\nbatch = 4\n```\n", path: "nb.kvnb")
        let runner = NotebookRunner(overrides: ["batch=1", "batch=2"].compactMap(ParameterOverride.init))
        XCTAssertThrowsError(try runner.run(nb)) { XCTAssertEqual(($0 as? ParameterError)?.message, "-p batch is given twice") }
    }

    func testAnInlineIsOneExpressionAndBindsNothing() throws {
        let (nb, r) = try run("Text `{kv} let x = 5` and `{kv} 1; 2`.\n\n```kv\nx\n```\n")
        guard case .prose(let segments) = nb.blocks[0] else { return XCTFail() }
        let inlines = segments.compactMap { if case .inline(let e) = $0 { return e } else { return nil } }
        XCTAssertEqual(inlines.count, 2)
        for e in inlines {
            guard case .failed(let message) = r.outcome(of: e) else { return XCTFail("\(r.outcome(of: e))") }
            XCTAssertTrue(message.contains("an inline `{kv}` is one expression"), message)
        }
        XCTAssertTrue(r.errors[0].hasPrefix("nb.kvnb:1:12: error:"), r.errors[0])
        // The `let` did not run: the cell after it does not know x.
        guard case .failed(_, let message) = r.outcome(of: nb.cells[0]) else { return XCTFail() }
        XCTAssertTrue(message.contains("unknown name `x`"), message)
    }

    func testAFailingInlineBindsNothingEither() throws {
        let (_, r) = try run("`{kv} 1 GB + 1 s` then `{kv} 2 * 3`\n")
        XCTAssertEqual(r.errors.count, 1)
        XCTAssertTrue(r.errors[0].contains("cannot add"), r.errors[0])
    }
}
