import Foundation

/// Puts a Markdown page and its chart folder in place together, or neither: everything is written into a staging
/// folder beside the page first, and moved in only when all of it was written. The chart folder (`NAME_files/`)
/// is kvcalc's: a new rendering replaces it whole, so charts of cells since deleted do not linger; a folder
/// holding anything but SVG files is not kvcalc's and is refused rather than emptied.
struct PageWriter {
    let page: URL
    let text: String
    /// The chart folder's name beside the page, with its files by path relative to the page's folder.
    let chartFolder: String?
    let files: [Rendering.File]

    private var fm: FileManager { .default }
    private func failure(_ message: String) -> AtomicFile.Failure { AtomicFile.Failure(description: message) }

    func write() throws(AtomicFile.Failure) {
        let folder = page.deletingLastPathComponent()
        let charts = chartFolder.map { folder.appendingPathComponent($0) }
        if let charts { try checkReplaceable(charts) }
        let staging = folder.appendingPathComponent(".\(page.lastPathComponent).\(UUID().uuidString).staging")
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw failure("cannot write \(page.path): \(error.localizedDescription)")
        }
        defer { try? fm.removeItem(at: staging) }
        do {
            for f in files {
                let url = staging.appendingPathComponent(f.path)
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(f.contents.utf8).write(to: url)
            }
            try Data(text.utf8).write(to: staging.appendingPathComponent("page"))
        } catch {
            throw failure("cannot write \(page.path): \(error.localizedDescription)")
        }
        // Everything is written; now the moves, the old chart folder kept aside until the page is in place.
        var movedOld = false, movedNew = false
        let old = staging.appendingPathComponent("old")
        if let charts, let name = chartFolder {
            if fm.fileExists(atPath: charts.path) {
                guard rename(charts.path, old.path) == 0 else { throw failure(moveError(charts)) }
                movedOld = true
            }
            let staged = staging.appendingPathComponent(name)
            if fm.fileExists(atPath: staged.path) {
                guard rename(staged.path, charts.path) == 0 else {
                    if movedOld { rename(old.path, charts.path) }
                    throw failure(moveError(charts))
                }
                movedNew = true
            }
        }
        guard rename(staging.appendingPathComponent("page").path, page.path) == 0 else {
            let message = moveError(page)
            if let charts, let name = chartFolder {
                if movedNew { rename(charts.path, staging.appendingPathComponent(name).path) }
                if movedOld { rename(old.path, charts.path) }
            }
            throw failure(message)
        }
    }

    private func moveError(_ url: URL) -> String { "cannot write \(url.path): \(String(cString: strerror(errno)))" }

    /// The chart folder may be replaced when it is absent, or a folder of SVG files only.
    private func checkReplaceable(_ charts: URL) throws(AtomicFile.Failure) {
        guard let attributes = try? fm.attributesOfItem(atPath: charts.path) else { return }
        guard attributes[.type] as? FileAttributeType == .typeDirectory else {
            throw failure("cannot write the charts to \(charts.path): something other than a folder is there")
        }
        let entries = (try? fm.contentsOfDirectory(atPath: charts.path)) ?? []
        let foreign = entries.filter { name in
            let attributes = try? fm.attributesOfItem(atPath: charts.appendingPathComponent(name).path)
            return !name.hasSuffix(".svg") || attributes?[.type] as? FileAttributeType != .typeRegular
        }
        guard foreign.isEmpty else {
            throw failure("\(charts.path) holds files kvcalc did not write (\(foreign.sorted().prefix(3).joined(separator: ", "))); "
                          + "kvcalc replaces that folder with each rendering: move them elsewhere")
        }
    }
}
