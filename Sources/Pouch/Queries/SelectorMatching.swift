/// Whether `doc` matches the Mango `selector`.
///
/// Limitation: only equality of top-level fields (`{"field": value}` and
/// `{"field": {"$eq": value}}`) is understood; other operators make the
/// match fail. This affects `_selector` changes filters until the Mango
/// engine replaces it.
package func matchesSelector(_ selector: JSON, _ doc: JSON) throws -> Bool {
    guard case .object(let conditions) = selector else {
        throw PouchError.badRequest("Selector error: expected a JSON object")
    }
    for (field, condition) in conditions {
        let expected = condition["$eq"] ?? condition
        if case .object(let object) = condition,
            object.keys.contains(where: { $0.hasPrefix("$") && $0 != "$eq" })
        {
            return false
        }
        guard doc[field] == expected else { return false }
    }
    return true
}
