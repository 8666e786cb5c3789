@testable import KVLang
import XCTest

/// Table and chart values: sweep, table, plot, and how they print and encode.
final class TableTests: XCTestCase {
    private let kv = "fn kv(batch, seq = 1024 tokens) = batch * seq * 128 KiB/token\n"

    func testSweepIsTheCartesianProductFirstListSlowest() {
        XCTAssertEqual(Eval.text(kv + "sweep(kv, batch: [1, 8], seq: [1024 tokens, 8 Ki tokens])"), """
            batch          seq    value
            -----  -----------  -------
                1  1024 tokens  128 MiB
                1  8192 tokens    1 GiB
                8  1024 tokens    1 GiB
                8  8192 tokens    8 GiB
            """)
    }

    func testSweepOfARecordGivesAColumnPerField() {
        let program = "sweep(fn(b) = {weights: 16 GB, kv: b * 1 GB}, b: [1, 2])"
        XCTAssertEqual(Eval.text(program), """
            b  weights    kv
            -  -------  ----
            1    16 GB  1 GB
            2    16 GB  2 GB
            """)
        XCTAssertEqual(Eval.text("\(program).kv"), "[1 GB, 2 GB]")
        XCTAssertEqual(Eval.text("\(program)[-1]"), "{b: 2, weights: 16 GB, kv: 2 GB}")
        XCTAssertEqual(Eval.text("len(\(program))"), "2")
    }

    func testSweepPassesNonListArgumentsUnchanged() {
        XCTAssertEqual(Eval.text(kv + "sweep(kv, batch: [1, 2], seq: 8 Ki tokens).value"), "[1 GiB, 2 GiB]")
    }

    func testSweepErrors() {
        XCTAssertEqual(Eval.error(kv + "sweep(kv, bacth: [1])")?.message, "kv has no parameter `bacth`")
        XCTAssertEqual(Eval.error(kv + "sweep(kv, batch: [])")?.message,
                       "sweep's `batch` is an empty list: nothing to sweep")
        XCTAssertEqual(Eval.error(kv + "sweep(kv)")?.message, "sweep needs at least one named list to sweep over")
        XCTAssertEqual(Eval.error("sweep(fn(b) = if b > 1 then {x: 1} else 2, b: [1, 2])")?.kind, .type)
    }

    func testUnknownNamedArgumentsStayErrorsForOrdinaryFunctions() {
        XCTAssertEqual(Eval.error("fn f(x) = x\nf(x: 1, y: 2)")?.message, "f has no parameter `y`")
        XCTAssertEqual(Eval.error("fn f(x, ...) = x")?.message, "only a `native fn` can take any named arguments (`...`)")
        XCTAssertEqual(Eval.error("map([1], fn(x, ...) = x)")?.kind, .syntax)
        XCTAssertEqual(Eval.text("str(sweep)"), "<fn sweep(f, ...)>")
    }

    func testTableFromRecordsAndItsJSON() {
        let program = "table([{gpu: \"H100\", memory: 80 GB}, {gpu: \"H200\", memory: 141 GB}])"
        XCTAssertEqual(Eval.text(program), """
            gpu   memory
            ----  ------
            H100   80 GB
            H200  141 GB
            """)
        XCTAssertEqual(Eval.json(program), #"[{"gpu":"H100","memory":{"value":80000000000,"unit":"B"}},"#
                       + #"{"gpu":"H200","memory":{"value":141000000000,"unit":"B"}}]"#)
        XCTAssertEqual(Eval.error("table([{a: 1}, {b: 2}])")?.kind, .type)
    }

    func testPlotScalesAxesToTheLargestValuesUnit() throws {
        let s = Eval.session()
        let v = try s.run(SourceFile(name: "<test>", text: kv + "plot(sweep(kv, batch: [1, 4, 8]), x: \"batch\", y: \"value\")"))
        guard case .chart(let c)? = v.last else { return XCTFail("not a chart") }
        XCTAssertEqual(c.kind, .line)
        XCTAssertEqual(c.y.label, "value (GiB)")
        XCTAssertEqual(c.x.label, "batch")
        XCTAssertEqual(c.series[0].values, [0.125, 0.5, 1])
        XCTAssertEqual(c.xValues, [1, 4, 8])
        XCTAssertEqual(s.formatter.format(v.last!), """
            value by batch
            1 │█████ 0.125
            4 │████████████████████ 0.5
            8 │████████████████████████████████████████ 1
            x: batch, y: value (GiB)
            """)
    }

    func testPlotOfCategoriesIsABarChart() throws {
        let s = Eval.session()
        let v = try s.run(SourceFile(name: "<test>", text: """
            plot(table([{gpu: "H100", memory: 80 GB}, {gpu: "H200", memory: 141 GB}]), x: "gpu", y: "memory")
            """))
        guard case .chart(let c)? = v.last else { return XCTFail("not a chart") }
        XCTAssertEqual(c.kind, .bar)
        XCTAssertEqual(c.xLabels, ["H100", "H200"])
        XCTAssertNil(c.xValues)
        XCTAssertEqual(c.y.unit, "GB")
    }

    func testPlotErrors() {
        let t = "let t = sweep(fn(b) = {kv_cache: b * 1 GB, time: b * 1 s}, b: [1, 2])\n"
        XCTAssertEqual(Eval.error(t + "plot(t, x: \"b\", y: \"kv_cahce\")")?.hint, "did you mean `kv_cache`?")
        XCTAssertEqual(Eval.error(t + "plot(t, x: \"b\", y: [\"kv_cache\", \"time\"])")?.kind, .dimension)
        XCTAssertEqual(Eval.error(t + "plot(t, x: \"b\", y: \"time\", kind: \"pie\")")?.message,
                       "`kind` must be \"auto\", \"line\" or \"bar\", not \"pie\"")
        XCTAssertEqual(Eval.error("plot([1], x: \"a\", y: \"b\")")?.kind, .type)
    }
}
