import KVLang
import Foundation

/// Native implementations of the builtins `stdlib/core.kv` declares (math, lists, records, assertions).
enum CoreBuiltins {
    static let x = [ParameterSpec("x", .quantity)]

    static var specs: [BuiltinSpec] {
        var specs: [BuiltinSpec] = []
        for (name, f) in [("sqrt", 0.5)] as [(String, Double)] {
            specs.append(BuiltinSpec.reading(name, x) { c throws(Diagnostic) in
                let q = try c.quantity(0)
                guard q.value >= 0 else { throw c.error("the square root of a negative number", at: 0, kind: .numeric) }
                return try c.interpreter.binary(.pow, .quantity(q), .number(f), op: c.callSpan, left: c.spans[0],
                                                right: c.callSpan)
            })
        }
        let rounding: [(String, (Double) -> Double)] = [
            ("abs", { Swift.abs($0) }), ("floor", { $0.rounded(.down) }), ("ceil", { $0.rounded(.up) }),
            ("round", { $0.rounded(.toNearestOrAwayFromZero) }),
        ]
        for (name, op) in rounding {
            specs.append(BuiltinSpec.reading(name, x) { c throws(Diagnostic) in
                var q = try c.quantity(0)
                q.value = op(q.value)
                return .quantity(q)
            })
        }
        let transcendental: [(String, (Double) -> Double)] = [("ln", Foundation.log), ("log2", Foundation.log2),
                                                               ("log10", Foundation.log10), ("exp", Foundation.exp)]
        for (name, op) in transcendental {
            specs.append(BuiltinSpec.reading(name, [ParameterSpec("x", .plain)]) { c throws(Diagnostic) in
                let v = op(try c.number(0))
                guard v.isFinite else { throw c.error("\(name) of this number is not finite", at: 0, kind: .numeric) }
                return .number(v)
            })
        }
        let ab = [ParameterSpec("a", .any), ParameterSpec("b", .any)]
        specs.append(BuiltinSpec.reading("min", ab) { c throws(Diagnostic) in try extremum(&c, smaller: true) })
        specs.append(BuiltinSpec.reading("max", ab) { c throws(Diagnostic) in try extremum(&c, smaller: false) })
        return specs + collections + assertions + RemainderBuiltins.specs
    }

    /// min(a, b) or min(list): values of one dimension.
    private static func extremum(_ c: inout CallContext, smaller: Bool) throws(Diagnostic) -> Value {
        // Two quantities of one dimension, the common case, without building lists: the second wins only when
        // strictly smaller (larger), as below, so `max(1 GiB, 1024 MiB)` keeps the first one's display unit.
        if case .quantity(let x) = c.arguments[0], case .quantity(let y) = c.arguments[1], x.dimension == y.dimension {
            return (smaller ? y.value < x.value : y.value > x.value) ? c.arguments[1] : c.arguments[0]
        }
        var items: [Value]
        var spans: [Span]
        if case .list(let l) = c.arguments[1], l.isEmpty {
            items = try c.list(0)
            spans = Array(repeating: c.spans[0], count: items.count)
            guard !items.isEmpty else { throw c.error("\(c.name) of an empty list", at: 0) }
        } else {
            items = [c.arguments[0], c.arguments[1]]
            spans = c.spans
        }
        var best = items[0]
        for (item, span) in zip(items.dropFirst(), spans.dropFirst()) {
            guard case .bool(let less) = try c.interpreter.binary(.lt, item, best, op: span, left: span,
                                                                  right: spans[0]) else { continue }
            if less == smaller, !(try c.interpreter.equal(item, best, op: span)) { best = item }
        }
        return best
    }

    private static let collections: [BuiltinSpec] = [
        BuiltinSpec.reading("len", [ParameterSpec("x", .any)]) { c throws(Diagnostic) in
            switch c.arguments[0] {
            case .list(let l): return .number(Double(l.count))
            case .table(let t): return .number(Double(t.rows.count))
            case .record(let r): return .number(Double(r.count))
            case .string(let s): return .number(Double(s.count))
            default: throw c.error("len needs a list, record or string, not \(c.arguments[0].typeName)", at: 0, kind: .type)
            }
        },
        BuiltinSpec.reading("sum", [ParameterSpec("list", .list)]) { c throws(Diagnostic) in
            let items = try c.list(0)
            guard var total = items.first else { return .number(0) }
            for item in items.dropFirst() {
                total = try c.interpreter.binary(.add, total, item, op: c.spans[0], left: c.spans[0], right: c.spans[0])
            }
            return total
        },
        BuiltinSpec.reading("map", [ParameterSpec("list", .list), ParameterSpec("f", .function)]) { c throws(Diagnostic) in
            let items = try c.list(0), f = try c.function(1)
            var out: [Value] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try c.call(f, item, at: 1)) }
            return .list(out)
        },
        BuiltinSpec.reading("filter", [ParameterSpec("list", .list), ParameterSpec("f", .function)]) { c throws(Diagnostic) in
            let items = try c.list(0), f = try c.function(1)
            var out: [Value] = []
            for item in items {
                guard case .bool(let keep) = try c.call(f, item, at: 1) else {
                    throw c.error("the filter function must return true or false", at: 1, kind: .type)
                }
                if keep { out.append(item) }
            }
            return .list(out)
        },
        BuiltinSpec.reading("fields", [ParameterSpec("record", .record)]) { c throws(Diagnostic) in
            .list(try c.record(0).keys.map { .string($0) })
        },
        BuiltinSpec.reading("dimension_of", [ParameterSpec("x", .any)]) { c throws(Diagnostic) in
            guard case .quantity(let q) = c.arguments[0] else { return .string(c.arguments[0].typeName) }
            return .string(c.interpreter.units.name(of: q.dimension))
        },
        BuiltinSpec.reading("str", [ParameterSpec("x", .any)]) { c throws(Diagnostic) in
            .string(ValueFormatter(units: c.interpreter.units).format(c.arguments[0]))
        },
    ]

    private static let assertions: [BuiltinSpec] = [
        BuiltinSpec.reading("assert", [ParameterSpec("condition", .bool), ParameterSpec("message", .string)]) { c throws(Diagnostic) in
            guard try c.bool(0) else {
                let message = try c.string(1)
                throw c.error(message.isEmpty ? "assertion failed: \(c.spans[0].text)" : message, kind: .assertion)
            }
            return .bool(true)
        },
        BuiltinSpec.reading("assert_eq", [ParameterSpec("a", .any), ParameterSpec("b", .any),
                                  ParameterSpec("tol", .number(0...1))]) { c throws(Diagnostic) in
            let tol = try c.number(2)
            let (a, b) = (c.arguments[0], c.arguments[1])
            var same: Bool
            if case .quantity(let x) = a, case .quantity(let y) = b {
                try c.interpreter.sameDimension(x, y, op: c.callSpan, left: c.spans[0], right: c.spans[1],
                                                verb: "compare")
                same = Swift.abs(x.value - y.value) <= tol * Swift.max(Swift.abs(x.value), Swift.abs(y.value))
            } else {
                same = try c.interpreter.equal(a, b, op: c.callSpan)
            }
            guard same else {
                let f = ValueFormatter(units: c.interpreter.units)
                var detail = ""
                if case .quantity(let x) = a, case .quantity(let y) = b {
                    detail = " (difference \(f.quantity(Quantity(x.value - y.value, x.dimension, display: x.display))))"
                }
                throw c.error("assertion failed: \(f.format(a)) ≠ \(f.format(b))\(detail)", kind: .assertion)
            }
            return .bool(true)
        },
    ]
}
