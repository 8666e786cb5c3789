import Foundation
@testable import KVNotebook
import XCTest

/// Where `-o` may write: never the notebook itself (through a symlink or a hard link), never a folder; devices and
/// FIFOs written through, never replaced by a regular file.
final class OutputTargetTests: XCTestCase {
    private var dir: URL!
    private var input: String { dir.appendingPathComponent("nb.kvnb").path }
    private let fm = FileManager.default

    override func setUpWithError() throws {
        dir = fm.temporaryDirectory.appendingPathComponent("target-\(UUID().uuidString)")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        try "```kv\n1\n```\n".write(toFile: input, atomically: false, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? fm.removeItem(at: dir) }

    private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    private func reason(_ output: String) -> String? {
        do { _ = try OutputTarget.resolve(output, inputs: [input]); return nil } catch { return error.reason }
    }

    func testNewAndRegularFilesAreFiles() throws {
        XCTAssertEqual(try OutputTarget.resolve(path("new.md"), inputs: [input]), .file(path("new.md")))
        try "old".write(toFile: path("old.md"), atomically: false, encoding: .utf8)
        XCTAssertEqual(try OutputTarget.resolve(path("old.md"), inputs: [input]), .file(path("old.md")))
    }

    func testTheNotebookItselfIsRefusedHoweverNamed() throws {
        let itself = "is the notebook \(input) itself; writing would replace its source"
        XCTAssertEqual(reason(input), itself)
        XCTAssertEqual(reason(dir.path + "/./nb.kvnb"), itself)
        try fm.createSymbolicLink(atPath: path("link.md"), withDestinationPath: input)
        XCTAssertEqual(reason(path("link.md")), itself)
        try fm.linkItem(atPath: input, toPath: path("hard.md"))
        XCTAssertEqual(reason(path("hard.md")), itself)
    }

    func testFoldersAndDanglingLinksAreRefused() throws {
        XCTAssertEqual(reason(dir.path), "is a folder, not a file")
        XCTAssertEqual(reason(dir.path + "/sub/"), "names a folder, not a file")
        try fm.createSymbolicLink(atPath: path("dangling.md"), withDestinationPath: path("nowhere"))
        XCTAssertEqual(reason(path("dangling.md")), "is a symlink to nothing; remove it or name another file")
        XCTAssertEqual(reason(""), "not a file name")
    }

    func testASymlinkToAFileWritesItsTarget() throws {
        try "old".write(toFile: path("real.md"), atomically: false, encoding: .utf8)
        try fm.createSymbolicLink(atPath: path("link.md"), withDestinationPath: path("real.md"))
        let target = try OutputTarget.resolve(path("link.md"), inputs: [input])
        guard case .file(let real) = target else { return XCTFail("\(target)") }
        XCTAssertEqual(URL(fileURLWithPath: real).resolvingSymlinksInPath().path,
                       URL(fileURLWithPath: path("real.md")).resolvingSymlinksInPath().path)
        try OutputTarget.write("new\n", to: target)
        XCTAssertEqual(try fm.destinationOfSymbolicLink(atPath: path("link.md")), path("real.md"), "the link stays")
        XCTAssertEqual(try String(contentsOfFile: path("real.md"), encoding: .utf8), "new\n")
    }

    func testDevicesAndFIFOsAreWrittenThrough() throws {
        XCTAssertEqual(try OutputTarget.resolve("/dev/null", inputs: [input]), .stream("/dev/null"))
        try OutputTarget.write("page\n", to: .stream("/dev/null"))
        var st = stat()
        XCTAssertEqual(stat("/dev/null", &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFCHR, "/dev/null is still a device")
        XCTAssertEqual(mkfifo(path("fifo"), 0o600), 0)
        XCTAssertEqual(try OutputTarget.resolve(path("fifo"), inputs: [input]), .stream(path("fifo")))
    }
}

/// The page and its chart folder go in together or not at all; the chart folder is replaced whole.
final class PageWriterTests: XCTestCase {
    private var dir: URL!
    private let fm = FileManager.default

    override func setUpWithError() throws {
        dir = fm.temporaryDirectory.appendingPathComponent("pages-\(UUID().uuidString)")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? fm.removeItem(at: dir) }

    private func listing(_ url: URL) -> [String] { ((try? fm.contentsOfDirectory(atPath: url.path)) ?? []).sorted() }

    func testStaleChartsGoAndForeignFilesAreKept() throws {
        let page = dir.appendingPathComponent("out.md")
        let charts = dir.appendingPathComponent("out_files")
        try Rendering(text: "one\n", files: [.init(path: "out_files/a.svg", contents: "<svg/>"),
                                             .init(path: "out_files/b.svg", contents: "<svg/>")]).write(to: page)
        XCTAssertEqual(listing(charts), ["a.svg", "b.svg"])
        // The next rendering has one chart: b.svg, from a cell since deleted, goes.
        try Rendering(text: "two\n", files: [.init(path: "out_files/a.svg", contents: "<svg></svg>")]).write(to: page)
        XCTAssertEqual(listing(charts), ["a.svg"])
        XCTAssertEqual(try String(contentsOf: charts.appendingPathComponent("a.svg"), encoding: .utf8), "<svg></svg>")
        // No charts at all: the folder goes too.
        try Rendering(text: "three\n", files: [], chartFolder: "out_files").write(to: page)
        XCTAssertEqual(listing(dir), ["out.md"])
        // A file kvcalc did not write: refused, and nothing changes.
        try fm.createDirectory(at: charts, withIntermediateDirectories: true)
        try "mine".write(to: charts.appendingPathComponent("notes.txt"), atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try Rendering(text: "four\n", files: [.init(path: "out_files/a.svg", contents: "")])
            .write(to: page)) { error in
            XCTAssertTrue("\(error)".contains("holds files kvcalc did not write (notes.txt)"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOf: page, encoding: .utf8), "three\n")
        XCTAssertEqual(listing(charts), ["notes.txt"])
        XCTAssertEqual(listing(dir), ["out.md", "out_files"], "no staging folder left behind")
    }

    func testAPageThatCannotBeWrittenLeavesNoCharts() throws {
        // A folder stands where the page should go: the rename fails after the charts were staged.
        let page = dir.appendingPathComponent("out.md")
        try fm.createDirectory(at: page.appendingPathComponent("inside"), withIntermediateDirectories: true)
        XCTAssertThrowsError(try Rendering(text: "x\n", files: [.init(path: "out_files/a.svg", contents: "<svg/>")])
            .write(to: page))
        XCTAssertEqual(listing(dir), ["out.md"], "no out_files/, no staging folder")
    }
}
