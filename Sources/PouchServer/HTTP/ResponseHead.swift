import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The status line and header fields of an answer, with the fields every
/// CouchDB answer carries (`Server`, `Date`, `Cache-Control`).
struct ResponseHead {
    let response: HTTPResponse
    let keepAlive: Bool

    init(_ response: HTTPResponse, request: HTTPRequest, keepAlive: Bool) {
        self.response = response
        self.keepAlive = keepAlive
    }

    /// The head as bytes: `Content-Length` when the length is known,
    /// otherwise chunked (or, for HTTP/1.0, delimited by closing).
    func bytes(contentLength: Int?, chunked: Bool = false) -> [UInt8] {
        var text = "HTTP/1.1 \(response.status) \(reasonPhrase(response.status))\r\n"
        var headers = response.headers
        if !headers.contains("Server") { headers["Server"] = "CouchDB/3.5.0 (Pouch)" }
        headers["Date"] = httpDate(time(nil))
        if !headers.contains("Cache-Control") { headers["Cache-Control"] = "must-revalidate" }
        if let contentLength {
            headers["Content-Length"] = String(contentLength)
        } else if chunked {
            headers["Transfer-Encoding"] = "chunked"
        }
        if !keepAlive { headers["Connection"] = "close" }
        for field in headers.fields { text += "\(field.name): \(field.value)\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }
}

/// An IMF-fixdate (RFC 9110 section 5.6.7), such as
/// `Sun, 06 Nov 1994 08:49:37 GMT`.
func httpDate(_ seconds: time_t) -> String {
    var clock = seconds
    var parts = tm()
    gmtime_r(&clock, &parts)
    let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    let day = days[Int(parts.tm_wday)]
    let month = months[Int(parts.tm_mon)]
    let clockText = "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    return "\(day), \(two(parts.tm_mday)) \(month) \(parts.tm_year + 1900) \(clockText) GMT"
}
