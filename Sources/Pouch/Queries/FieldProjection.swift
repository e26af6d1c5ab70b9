/// Mango's `fields`: the document reduced to the listed fields, as
/// CouchDB's `mango_fields:extract` builds it.
///
/// A dotted field comes back nested (`addr.city` gives
/// `{"addr": {"city": ...}}`); a field the document lacks is left out.
package struct FieldProjection: Sendable {
    private let paths: [FieldPath]

    /// A projection onto `fields`, which must be valid field names.
    package init(_ fields: [String]) throws(PouchError) {
        var paths: [FieldPath] = []
        for field in fields { paths.append(try FieldPath(field)) }
        self.paths = paths
    }

    /// The projected document.
    package func apply(to document: JSON) -> JSON {
        var result = JSON.object(JSONObject())
        for path in paths {
            guard let value = path.value(in: document) else { continue }
            FieldProjection.set(value, at: path.parts[...], in: &result)
        }
        return result
    }

    private static func set(_ value: JSON, at parts: ArraySlice<String>, in target: inout JSON) {
        guard let first = parts.first, case .object(var object) = target else { return }
        let rest = parts.dropFirst()
        if rest.isEmpty {
            object[first] = value
        } else {
            var child = object[first] ?? .object(JSONObject())
            set(value, at: rest, in: &child)
            object[first] = child
        }
        target = .object(object)
    }
}
