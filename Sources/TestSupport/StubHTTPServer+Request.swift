import Foundation
import Pouch

extension StubHTTPServer {
    /// A request as the stub server received it.
    public struct Request: Sendable {
        /// `GET`, `PUT`, `POST`, `DELETE`, `HEAD`...
        public var method: String
        /// The request target exactly as sent, such as `/db/a%2Fb?rev=1-x`.
        public var target: String
        /// The header fields in the order sent.
        public var headers: [(name: String, value: String)]
        /// The body bytes (decoded when sent chunked).
        public var body: [UInt8]

        /// The path part of the target, still percent-encoded.
        public var path: String {
            String(target.prefix { $0 != "?" })
        }

        /// The query part of the target, still percent-encoded; empty when
        /// there is none.
        public var rawQuery: String {
            guard let mark = target.firstIndex(of: "?") else { return "" }
            return String(target[target.index(after: mark)...])
        }

        /// The query parameters, percent-decoded (`+` stays a plus sign).
        public var query: [String: String] {
            var items: [String: String] = [:]
            for pair in rawQuery.split(separator: "&") {
                let parts = pair.split(
                    separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
                let value = parts.count > 1 ? String(parts[1]) : ""
                items[name] = value.removingPercentEncoding ?? value
            }
            return items
        }

        /// The value of header `name`, whatever its case.
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        /// The body parsed as JSON, or `nil`.
        public var json: JSON? {
            try? JSON(parsing: body)
        }

        /// The body as UTF-8 text.
        public var text: String {
            String(decoding: body, as: UTF8.self)
        }
    }
}
