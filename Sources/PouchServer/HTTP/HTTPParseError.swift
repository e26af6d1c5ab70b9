import Pouch

/// A request the server refuses to read further: its status and the
/// CouchDB-style error to answer with before closing the connection.
struct HTTPParseError: Error, Equatable {
    var error: PouchError

    static func malformed(_ reason: String) -> HTTPParseError {
        HTTPParseError(error: .badRequest(reason))
    }

    static let headerTooLarge = HTTPParseError(
        error: PouchError(.tooLarge, "the request header is too large", status: 431))

    static let bodyTooLarge = HTTPParseError(
        error: PouchError(.tooLarge, "the request entity is too large", status: 413))

    static func notImplemented(_ reason: String) -> HTTPParseError {
        HTTPParseError(
            error: PouchError(Pouch.PouchError.Code("not_implemented"), reason, status: 501))
    }
}
