import Foundation
import Pouch

/// Writes the body of a streaming response as it is produced; each write
/// goes out at once as one HTTP chunk.
public protocol ResponseBodyWriter: Sendable {
    /// Sends `bytes` to the client; throws once the client has gone away.
    func write(_ bytes: [UInt8]) throws
}

/// An HTTP response: a status, header fields and a body sent whole or
/// streamed in chunks (as CouchDB streams a continuous changes feed).
public struct HTTPResponse: Sendable {
    /// How the body is sent.
    public enum Body: Sendable {
        /// Bytes known in full, sent with `Content-Length`.
        case bytes(Data)
        /// Bytes produced over time, sent with `Transfer-Encoding: chunked`.
        case stream(@Sendable (any ResponseBodyWriter) async throws -> Void)
    }

    public var status: Int
    public var headers: HTTPHeaders
    public var body: Body

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: Body = .bytes(Data())) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON answer, serialised as CouchDB sends it, with a trailing newline.
    public static func json(
        _ value: JSON, status: Int = 200, headers: HTTPHeaders = HTTPHeaders()
    ) -> HTTPResponse {
        var bytes = value.serializedBytes()
        bytes.append(0x0A)
        var headers = headers
        headers["Content-Type"] = "application/json"
        return HTTPResponse(status: status, headers: headers, body: .bytes(Data(bytes)))
    }

    /// A JSON answer whose text is already written, with a trailing newline.
    package static func json(text: [UInt8], status: Int = 200) -> HTTPResponse {
        var bytes = text
        bytes.append(0x0A)
        var headers = HTTPHeaders()
        headers["Content-Type"] = "application/json"
        return HTTPResponse(status: status, headers: headers, body: .bytes(Data(bytes)))
    }

    /// CouchDB's `{"error", "reason"}` answer for `error`, with its status.
    public static func error(_ error: PouchError) -> HTTPResponse {
        json(error.body, status: error.status)
    }

    /// A streamed answer of the given content type.
    public static func stream(
        status: Int = 200, contentType: String = "application/json",
        headers: HTTPHeaders = HTTPHeaders(),
        _ produce: @escaping @Sendable (any ResponseBodyWriter) async throws -> Void
    ) -> HTTPResponse {
        var headers = headers
        headers["Content-Type"] = contentType
        return HTTPResponse(status: status, headers: headers, body: .stream(produce))
    }
}

/// The reason phrase of a status code.
func reasonPhrase(_ status: Int) -> String {
    switch status {
    case 100: return "Continue"
    case 200: return "OK"
    case 201: return "Created"
    case 202: return "Accepted"
    case 204: return "No Content"
    case 206: return "Partial Content"
    case 304: return "Not Modified"
    case 400: return "Bad Request"
    case 401: return "Unauthorized"
    case 403: return "Forbidden"
    case 404: return "Object Not Found"
    case 405: return "Method Not Allowed"
    case 406: return "Not Acceptable"
    case 408: return "Request Timeout"
    case 409: return "Conflict"
    case 412: return "Precondition Failed"
    case 413: return "Request Entity Too Large"
    case 415: return "Unsupported Media Type"
    case 416: return "Requested Range Not Satisfiable"
    case 417: return "Expectation Failed"
    case 431: return "Request Header Fields Too Large"
    case 500: return "Internal Server Error"
    case 501: return "Not Implemented"
    case 503: return "Service Unavailable"
    default: return "Unknown"
    }
}
