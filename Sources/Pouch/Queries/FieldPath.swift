/// A dotted Mango field name such as `contact.parent._id`, split into its
/// parts as CouchDB splits it: at every dot not escaped by a backslash,
/// with the backslashes then removed (`a\.b` is the one field `a.b`).
package struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    /// The field name as written.
    package let name: String
    /// The member names (or array positions) from the document's root.
    package let parts: [String]

    /// Splits `name`; an empty part (as in `a..b`) is a `bad_request`-kind
    /// error.
    package init(_ name: String) throws(PouchError) {
        self.name = name
        self.parts = try FieldPath.split(name)
    }

    /// The path of the value itself, used inside `$elemMatch`.
    package static let root = FieldPath(uncheckedName: "", parts: [])

    private init(uncheckedName: String, parts: [String]) {
        self.name = uncheckedName
        self.parts = parts
    }

    package var description: String { name }

    /// What a lookup of a path in a document finds.
    package enum Lookup: Equatable {
        case found(JSON)
        /// The document lacks the field.
        case missing
        /// The path runs through a value that is neither an object nor an
        /// array, or indexes an array with something not a position in it.
        case badPath
    }

    /// The value at this path, with CouchDB's rules: a part indexes an
    /// array when it is a non-negative integer within its bounds.
    package func lookup(in value: JSON) -> Lookup {
        var current = value
        for part in parts {
            switch current {
            case .object(let object):
                guard let next = object[part] else { return .missing }
                current = next
            case .array(let array):
                guard let index = Int(part), index >= 0, index < array.count else {
                    return .badPath
                }
                current = array[index]
            default:
                return .badPath
            }
        }
        return .found(current)
    }

    /// The value at this path, or `nil` when there is none.
    package func value(in document: JSON) -> JSON? {
        if case .found(let value) = lookup(in: document) { return value }
        return nil
    }

    private static func split(_ name: String) throws(PouchError) -> [String] {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for character in name {
            if escaped {
                escaped = false
                if character == "." {
                    current.append(character)
                    continue
                }
            }
            if character == "\\" {
                escaped = true
            } else if character == "." {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        if parts.contains(where: \.isEmpty) {
            throw MangoError.invalidFieldName(name)
        }
        return parts
    }
}
