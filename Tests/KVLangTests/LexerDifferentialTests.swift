@testable import KVLang
import Foundation
import XCTest

/// The lexer against the one before the second start-up round (Support/ReferenceLexer.swift): the same tokens,
/// spans, spacing, doc comments and errors on the stdlib, the fuzz corpus, the error-test programs, the fuzz
/// dictionary's words alone and in pairs, and hand-picked odd inputs.
final class LexerDifferentialTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    private enum Outcome: Equatable {
        case tokens([String], docs: [String])
        case failure(String)
    }

    private func describe(_ t: Token) -> String {
        "\(t.kind) \(t.span.start)..<\(t.span.end)\(t.spaceBefore ? " space" : "")"
    }

    private func failure(_ d: Diagnostic) -> Outcome {
        .failure("\(d.kind) \(d.message) @\(d.span.start)..<\(d.span.end) hint: \(d.hint ?? "-")")
    }

    private func new(_ text: String) -> Outcome {
        let file = SourceFile(name: "t", text: text)
        do {
            let (tokens, docs) = try Lexer.tokenize(file)
            let texts = tokens.map { docs[$0.span.start].map { "\($0)" } ?? "" }
            return .tokens(tokens.map(describe), docs: texts + ["\(docs.count)"])
        } catch { return failure(error) }
    }

    private func old(_ text: String) -> Outcome {
        let file = SourceFile(name: "t", text: text)
        do {
            let (tokens, docs) = try ReferenceLexer.tokenize(file)
            let texts = tokens.map { docs[$0.span.start].map { "\($0)" } ?? "" }
            return .tokens(tokens.map(describe), docs: texts + ["\(docs.count)"])
        } catch { return failure(error) }
    }

    private func files(_ folder: String, _ suffix: String = "") -> [String] {
        let dir = Self.root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted().compactMap {
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent($0).path) else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// The fuzz dictionary's entries: `"…"` with `\xNN`, `\\` and `\"` escapes.
    private func dictionaryWords() -> [String] {
        let path = Self.root.appendingPathComponent("Fuzz/dict/program.dict").path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line -> String? in
            guard let open = line.firstIndex(of: "\""), line.last == "\"", line.index(after: open) < line.endIndex
            else { return nil }
            let body = Array(line[line.index(after: open)..<line.index(before: line.endIndex)].utf8)
            var bytes: [UInt8] = [], i = 0
            while i < body.count {
                if body[i] == UInt8(ascii: "\\"), i + 1 < body.count {
                    if body[i + 1] == UInt8(ascii: "x"), i + 3 < body.count,
                       let v = UInt8(String(decoding: body[(i + 2)...(i + 3)], as: UTF8.self), radix: 16) {
                        bytes.append(v); i += 4; continue
                    }
                    bytes.append(body[i + 1]); i += 2; continue
                }
                bytes.append(body[i]); i += 1
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    func testSameTokensAsTheReferenceLexer() {
        let stdlib = files("stdlib", ".kv")
        let corpus = files("Fuzz/corpus/program")
        let errors = files("Tests/KVLangTests/Errors", ".kv")
        let words = dictionaryWords()
        XCTAssertGreaterThan(stdlib.count, 5)
        XCTAssertGreaterThan(corpus.count, 10)
        XCTAssertGreaterThan(words.count, 50)
        let odd = [
            "", "\n", "##", "## doc", "## a\n## b\n\n\nlet x = 1", "1.", ".5", "1..8", "1...", "1e", "1e+", "1e+5x",
            "0x10", "1__0", "1_", "1,000", "1,000,000.5", "max(1,2)", "3 μs", "5 µs", "20 °C", "m²", "a·b×c÷d→e",
            "\u{A0}1", "x\u{200B}y", "\"unterminated", "\"esc \\q\"", "\"ok \\n \\t \\\" \\\\\"", "a\\\nb",
            "(1 +\n 2)\n3", "[1,\n2]", "{a: 1,\n b: 2}", "1 GiB/s", "$", "€5", "\u{FEFF}let x = 1", "x\r\ny\rz",
            "9007199254740993", "1e22 1e23 1e-22 1e-23", "123456789012345678901234567890", "2.675", "1e309",
            "%", "a%b", "_x", "x_1", "é", "e\u{301}", "ﬁ", "\u{1F600}", "a\u{7F}b", "1.5e-7_", "1e5_0",
        ]
        var inputs = stdlib + corpus + errors + words + odd
        for a in words.prefix(60) { for b in words.prefix(60) { inputs.append(a + b) } }
        XCTAssertNotEqual(new("1"), new("2"))  // the comparison sees values,
        XCTAssertNotEqual(new("## a\nx"), new("## b\nx"))  // doc texts,
        XCTAssertNotEqual(new("a  b"), new("a b"))  // and spans
        var mismatches = 0
        for text in inputs {
            let (o, n) = (old(text), new(text))
            if o != n {
                mismatches += 1
                if mismatches <= 5 { XCTFail("lexers differ on \(text.debugDescription):\nold \(o)\nnew \(n)") }
            }
        }
        XCTAssertEqual(mismatches, 0, "of \(inputs.count) inputs")
    }
}
