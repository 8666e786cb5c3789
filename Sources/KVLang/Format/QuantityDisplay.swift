/// Chooses the units a quantity prints in: the ones the program used, simplified, rescaled along their prefix
/// ladder (0.5 GiB → 512 MiB; 163840 B → 160 KiB), unless an explicit `->` pinned them.
extension UnitTable {
    public struct Shown {
        public let value: Double
        public let unit: String
    }

    public func shown(_ q: Quantity) -> Shown {
        let (value, terms) = displayTerms(q)
        if terms.isEmpty { return Shown(value: value, unit: "") }
        return Shown(value: value, unit: UnitTable.product(terms.map { (units[$0.unit].name, $0.exponent) },
                                                           separator: "·"))
    }

    func displayTerms(_ q: Quantity) -> (Double, [DisplayUnit.Term]) {
        let pinned = q.display?.pinned ?? false
        if q.dimension.isDimensionless {
            // Only a dimensionless unit the program asked for (`%`, or an explicit `-> Ki`) survives.
            if let d = q.display, let t = d.terms.first(where: { units[$0.unit].name == "%" }) ?? (pinned ? d.terms.first : nil),
               units[t.unit].dimension.isDimensionless, t.exponent == .one,
               UnitTable.representable(q.value / units[t.unit].factor, q.value) {
                return (q.value / units[t.unit].factor, [t])
            }
            return (q.value, [])
        }
        var terms = q.display?.terms.filter { !units[$0.unit].dimension.isDimensionless } ?? []
        let base = baseTerms(q.dimension)
        if terms.isEmpty || dimension(of: DisplayUnit(terms: terms)) != q.dimension
            || (!pinned && terms.count > base.count) {
            terms = base
        }
        if !pinned { terms = rescaled(q.value, terms) }
        let shown = q.value / factor(of: DisplayUnit(terms: terms))
        // 1e308 in % or 1e-320 B in EiB would print as ∞ or lose its digits: base units (factor 1) show it exactly.
        if !UnitTable.representable(shown, q.value) { return (q.value, base) }
        return (shown, terms)
    }

    /// Whether `shown`, a value rescaled for display, keeps the magnitude and digits of `value`: finite, and not
    /// fallen into the subnormal range (where a double has fewer than 7 digits) unless `value` itself is there.
    static func representable(_ shown: Double, _ value: Double) -> Bool {
        shown.isFinite && (abs(shown) >= Double.leastNormalMagnitude || abs(shown) >= abs(value) || value == 0)
    }

    private func baseTerms(_ d: Dimension) -> [DisplayUnit.Term] {
        d.terms.compactMap { t in
            bases[t.base].baseUnit.flatMap { unit(named: $0) }.map { DisplayUnit.Term(unit: $0, exponent: t.exponent) }
        }
    }

    /// Moves the leading unit along its prefix ladder so the number is at least 1 and below the next rung.
    private func rescaled(_ value: Double, _ terms: [DisplayUnit.Term]) -> [DisplayUnit.Term] {
        // Rates read best per unprefixed unit: 1600 token/s, not 1.6 token/ms.
        var terms = terms
        for k in terms.indices where terms[k].exponent < .zero {
            if let root = units[terms[k].unit].prefixOf { terms[k] = DisplayUnit.Term(unit: root, exponent: terms[k].exponent) }
        }
        guard value != 0, let k = terms.firstIndex(where: { $0.exponent == .one }) else { return terms }
        let u = terms[k].unit
        let root = units[u].prefixOf ?? u
        let families = units[u].prefixOf != nil ? units[u].families : units[root].families
        let rest = factor(of: DisplayUnit(terms: terms)) / units[u].factor
        var best: (text: Int, terms: [DisplayUnit.Term])?
        for family in families {
            guard let ladder = ladder(for: u, family: family), !ladder.isEmpty else { continue }
            var rung = ladder[0]
            for r in ladder where abs(value) / (rest * units[r].factor) >= 1 { rung = r }
            var candidate = terms
            candidate[k] = DisplayUnit.Term(unit: rung, exponent: .one)
            let length = NumberFormat.format(value / (rest * units[rung].factor)).count
            // Shorter numbers win (1 GB over 953.67 MiB); on a tie the first family declared wins.
            if best == nil || length < best!.text { best = (length, candidate) }
        }
        return best?.terms ?? terms
    }
}
