import Foundation
import Pouch

extension StubHTTPServer {
    /// How the stub server answers one request.
    public indirect enum Reply: Sendable {
        /// A complete answer with `Content-Length`.
        case response(status: Int, headers: [(String, String)], body: [UInt8])
        /// An answer declaring `declaredLength` body bytes that sends only
        /// `body`, then closes the connection.
        case truncated(status: Int, declaredLength: Int, body: [UInt8])
        /// Closes the connection without answering.
        case drop
        /// Waits, then answers with `reply`.
        case delayed(Duration, Reply)
        /// A chunked answer sending each chunk after a pause of `interval`,
        /// as a long poll sends heartbeat newlines before its result.
        case chunked(status: Int, chunks: [[UInt8]], interval: Duration)

        /// A JSON answer.
        public static func json(
            _ status: Int = 200, _ body: JSON, headers: [(String, String)] = []
        ) -> Reply {
            .response(
                status: status, headers: [("Content-Type", "application/json")] + headers,
                body: body.serializedBytes())
        }

        /// CouchDB's error body `{"error", "reason"}` with `status`.
        public static func error(_ status: Int, _ error: String, _ reason: String) -> Reply {
            .json(status, ["error": .string(error), "reason": .string(reason)])
        }

        /// A text answer, such as the HTML page of a proxy.
        public static func text(
            _ status: Int, _ text: String, contentType: String = "text/plain"
        ) -> Reply {
            .response(
                status: status, headers: [("Content-Type", contentType)], body: Array(text.utf8))
        }

        /// An answer with raw bytes under a content type and extra headers.
        public static func bytes(
            _ status: Int, _ body: [UInt8], contentType: String,
            headers: [(String, String)] = []
        ) -> Reply {
            .response(
                status: status, headers: [("Content-Type", contentType)] + headers, body: body)
        }
    }
}

/// The reason phrases the stub server sends.
func reasonPhrase(_ status: Int) -> String {
    switch status {
    case 200: return "OK"
    case 201: return "Created"
    case 202: return "Accepted"
    case 400: return "Bad Request"
    case 401: return "Unauthorized"
    case 403: return "Forbidden"
    case 404: return "Object Not Found"
    case 405: return "Method Not Allowed"
    case 409: return "Conflict"
    case 412: return "Precondition Failed"
    case 413: return "Request Entity Too Large"
    case 500: return "Internal Server Error"
    case 502: return "Bad Gateway"
    case 503: return "Service Unavailable"
    default: return "Status"
    }
}
