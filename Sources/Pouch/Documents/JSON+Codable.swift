import Foundation

extension JSON {
    /// The JSON value of an `Encodable` value, through `JSONEncoder`.
    public init(encoding value: some Encodable) throws {
        let data = try JSONEncoder().encode(value)
        do {
            self = try JSON(parsing: [UInt8](data))
        } catch {
            throw PouchError.invalidJSON(error)
        }
    }

    /// Decodes this value as `type` through `JSONDecoder`; a mismatch is
    /// `bad_request` with the decoder's message as the cause.
    public func decode<T: Decodable>(as type: T.Type) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(serializedBytes()))
        } catch {
            throw PouchError(
                .badRequest, "the document does not decode as \(type)", status: 400,
                cause: "\(error)")
        }
    }
}

extension Database {
    /// Stores a `Codable` value as the document `id`, replacing `rev` when
    /// given. Members the value encodes under `_id` or `_rev` are replaced
    /// by the arguments.
    @discardableResult
    public func put(
        _ value: some Encodable, id: String, rev: RevisionID? = nil
    ) async throws
        -> WriteResult
    {
        guard case .object(var object) = try JSON(encoding: value) else {
            throw PouchError.badRequest("Document must be a JSON object")
        }
        object["_id"] = .string(id)
        object["_rev"] = rev.map { .string($0.description) }
        return try await put(.object(object))
    }

    /// The winning revision of a document decoded as `type`; `_id` and
    /// `_rev` are present for a type that wants them.
    public func get<T: Decodable>(_ id: String, as type: T.Type) async throws -> T {
        try await get(id, options: GetOptions()).decode(as: type)
    }
}
