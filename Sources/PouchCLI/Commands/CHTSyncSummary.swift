import Pouch
import PouchCHT

/// The counts `pouch cht-sync` prints after each round.
struct CHTSyncSummary: Sendable {
    var report: CHTSyncReport
    var seconds: Double

    /// One line for a reader.
    var text: String {
        let parts = [
            "listed \(report.listed)", "fetched \(report.downloaded)",
            "purged \(report.purged.count)", "pushed \(report.uploaded)",
            "denied \(report.forbidden.count)", "failed \(report.failed)",
            "meta pulled \(report.metaDownloaded)",
            "meta pushed \(report.metaUploaded)",
            "seconds " + String(format: "%.2f", seconds),
        ]
        return parts.joined(separator: ", ")
    }

    /// The counts as one JSON object.
    var json: JSON {
        [
            "listed": .int(Int64(report.listed)), "fetched": .int(Int64(report.downloaded)),
            "purged": .int(Int64(report.purged.count)), "pushed": .int(Int64(report.uploaded)),
            "denied": .int(Int64(report.forbidden.count)), "failed": .int(Int64(report.failed)),
            "meta_pulled": .int(Int64(report.metaDownloaded)),
            "meta_pushed": .int(Int64(report.metaUploaded)),
            "meta_removed": .int(Int64(report.metaRemoved.count)),
            "warn": .bool(report.warn), "seconds": .double(seconds),
        ]
    }
}
