import Foundation
import Pouch

/// CouchDB's answer to a `Range` header on `GET /db/doc/att`
/// (`chttpd_db.erl` `parse_ranges`): the byte ranges to send, or `nil` for
/// the whole attachment.
///
/// Only `bytes=` ranges are read; a header that does not parse, or a
/// range `0-` (the whole), means the whole body. `N-` runs to the end,
/// `-N` is the last N bytes, an end past the last byte is cut to it, and a
/// range whose start comes after its end is 416
/// `requested_range_not_satisfiable`.
enum AttachmentRange {
    /// A range as the header wrote it, either end possibly missing.
    private typealias Spec = (from: Int?, to: Int?)

    /// The ranges of `header` over `length` bytes, in the order asked.
    static func ranges(_ header: String?, length: Int) throws(PouchError) -> [ClosedRange<Int>]? {
        guard let header, let specs = parse(header) else { return nil }
        var ranges: [ClosedRange<Int>] = []
        for spec in specs {
            if spec.from == 0 && spec.to == nil { return nil }
            var from = spec.from ?? max(length - (spec.to ?? 0), 0)
            var to = spec.from == nil ? length - 1 : (spec.to ?? length - 1)
            to = min(to, length - 1)
            from = max(from, 0)
            guard from <= to else { throw notSatisfiable }
            ranges.append(from...to)
        }
        return ranges
    }

    static let notSatisfiable = PouchError(
        PouchError.Code("requested_range_not_satisfiable"),
        "Requested range not satisfiable", status: 416)

    /// `bytes=a-b, c-, -d` as specs; `nil` when it does not parse.
    private static func parse(_ header: String) -> [Spec]? {
        guard header.hasPrefix("bytes=") else { return nil }
        let parts = header.dropFirst("bytes=".count).split(whereSeparator: { $0 == "," })
        var specs: [Spec] = []
        for part in parts {
            let text = part.trimmingCharacters(in: .whitespaces)
            guard let dash = text.firstIndex(of: "-") else { return nil }
            let first = String(text[..<dash])
            let second = String(text[text.index(after: dash)...])
            guard first.isEmpty || isDigits(first), second.isEmpty || isDigits(second),
                !(first.isEmpty && second.isEmpty)
            else { return nil }
            specs.append((Int(first), Int(second)))
        }
        return specs.isEmpty ? nil : specs
    }

    private static func isDigits(_ text: String) -> Bool {
        text.utf8.count <= 18 && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// `bytes FROM-TO/LENGTH`.
    static func contentRange(_ range: ClosedRange<Int>, length: Int) -> String {
        "bytes \(range.lowerBound)-\(range.upperBound)/\(length)"
    }

    /// CouchDB's `multipart/byteranges` body for several ranges: each part
    /// with its `Content-Type` and `Content-Range`.
    static func multipart(
        _ data: Data, ranges: [ClosedRange<Int>], contentType: String, boundary: String
    ) -> Data {
        var body = Data("--\(boundary)".utf8)
        for range in ranges {
            let head =
                "\r\nContent-Type: \(contentType)\r\nContent-Range: "
                + contentRange(range, length: data.count) + "\r\n\r\n"
            body.append(Data(head.utf8))
            let start = data.startIndex
            body.append(data[(start + range.lowerBound)...(start + range.upperBound)])
            body.append(Data("\r\n--\(boundary)".utf8))
        }
        body.append(Data("--".utf8))
        return body
    }
}
