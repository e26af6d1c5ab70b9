/// Whether `doc` matches the Mango `selector`, with CouchDB's semantics.
///
/// Parses the selector on every call; to match many documents, parse it
/// once with `MangoSelector` and call `matches(_:)`.
///
/// - Throws: CouchDB's error for a selector it refuses, such as
///   `400 invalid_operator` for `{"age": {"$bogus": 1}}`.
package func matchesSelector(_ selector: JSON, _ doc: JSON) throws -> Bool {
    try MangoSelector(selector).matches(doc)
}
