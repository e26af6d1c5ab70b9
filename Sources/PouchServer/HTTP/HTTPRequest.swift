import Foundation

/// One HTTP request as the server received it.
public struct HTTPRequest: Sendable {
    /// The method, such as `GET`, exactly as sent (methods are case-sensitive).
    public var method: String
    /// The request target as sent: the path and, after `?`, the query.
    public var target: String
    /// The minor version of HTTP/1.x.
    public var minorVersion: Int
    public var headers: HTTPHeaders
    public var body: Data

    /// The path part of the target, still percent-encoded.
    public var rawPath: Substring {
        target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
    }

    /// The query part of the target after `?`, still encoded ("" when none).
    public var rawQuery: Substring {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count > 1 ? parts[1] : ""
    }

    /// Whether the client wants the connection kept open after this request:
    /// HTTP/1.1 unless it sends `Connection: close`, HTTP/1.0 only with
    /// `Connection: keep-alive`.
    public var wantsKeepAlive: Bool {
        let tokens = (headers["Connection"] ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        if minorVersion >= 1 {
            return !tokens.contains { $0.caseInsensitiveEquals("close") }
        }
        return tokens.contains { $0.caseInsensitiveEquals("keep-alive") }
    }

    public init(
        method: String, target: String, minorVersion: Int = 1,
        headers: HTTPHeaders = HTTPHeaders(), body: Data = Data()
    ) {
        self.method = method
        self.target = target
        self.minorVersion = minorVersion
        self.headers = headers
        self.body = body
    }
}
