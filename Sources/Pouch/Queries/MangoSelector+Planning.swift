/// What CouchDB's query planner reads from a normalised selector: which
/// fields it requires, which it fixes to one value, and the key range it
/// allows on each field.
extension MangoSelector {
    /// Whether every matching document must have all of `fields`, as
    /// CouchDB's `has_required_fields` decides (seeing through `$and`, and
    /// through `$or` when every branch requires the field).
    package func requires(_ fields: [String]) -> Bool {
        if case .all = root { return fields.isEmpty }
        return Self.remainder([root], fields).isEmpty
    }

    private static func remainder(_ nodes: [Node], _ required: [String]) -> [String] {
        var required = required
        for (index, node) in nodes.enumerated() {
            if required.isEmpty { return [] }
            switch node {
            case .and(let children) where index == 0 && nodes.count == 1:
                return remainder(children, required)
            case .and(let children):
                required = remainder(children, required)
            case .or(let children):
                let left = children.flatMap { remainder([$0], required) }
                required = Array(Set(left)).sorted()
            case .field(_, .exists(false)):
                continue
            case .field(let path, _):
                if let position = required.firstIndex(of: path.name) {
                    required.remove(at: position)
                }
            default:
                continue
            }
        }
        return required
    }

    /// Whether the selector fixes `field` with `$eq`, as CouchDB's
    /// `is_constant_field` decides.
    package func isConstant(_ field: String) -> Bool {
        Self.isConstant([root], field)
    }

    private static func isConstant(_ nodes: [Node], _ field: String) -> Bool {
        guard let first = nodes.first else { return false }
        switch first {
        case .all:
            return false
        case .and(let children) where nodes.count == 1:
            return children.contains { isConstant([$0], field) }
        case .field(let path, let condition) where path.name == field:
            if case .compare(.eq, _) = condition { return true }
            return false
        default:
            return isConstant(Array(nodes.dropFirst()), field)
        }
    }

    /// The fields an index can narrow: those under `$and` with `$eq`,
    /// `$lt`, `$lte`, `$gt` or `$gte`, sorted.
    package var indexableFields: [String] {
        Array(Self.indexableFields(root)).sorted()
    }

    private static func indexableFields(_ node: Node) -> Set<String> {
        switch node {
        case .and(let children):
            return children.reduce(into: Set<String>()) { $0.formUnion(indexableFields($1)) }
        case .field(let path, .compare(let op, _)) where op != .ne:
            return [path.name]
        default:
            return []
        }
    }

    /// The range each indexable field allows, in field order; when one
    /// field allows nothing, only that field with an empty range.
    package var fieldRanges: [(field: String, range: KeyRange)] {
        var result: [(String, KeyRange)] = []
        for field in indexableFields {
            let range = self.range(of: field)
            if range.isEmpty { return [(field, range)] }
            result.append((field, range))
        }
        return result
    }

    /// The values of `field` the selector's `$and`ed comparisons allow.
    package func range(of field: String) -> KeyRange {
        var range = KeyRange.unbounded
        Self.narrow(&range, root, field)
        return range
    }

    private static func narrow(_ range: inout KeyRange, _ node: Node, _ field: String) {
        switch node {
        case .and(let children):
            for child in children where !range.isEmpty { narrow(&range, child, field) }
        case .field(let path, .compare(let op, let value)) where path.name == field:
            range.narrow(op, value)
        default:
            break
        }
    }
}
