import Foundation

extension MangoSelector.Node {
    /// Whether `value` matches this node; `raw` compares in Erlang's term
    /// order instead of CouchDB's collation, as CouchDB does under `_id`.
    func matches(_ value: JSON, raw: Bool) -> Bool {
        switch self {
        case .all: return true
        case .and(let children): return children.allSatisfy { $0.matches(value, raw: raw) }
        case .or(let children):
            return children.isEmpty || children.contains { $0.matches(value, raw: raw) }
        case .not(let child): return !child.matches(value, raw: raw)
        case .nor(let children): return !children.contains { $0.matches(value, raw: raw) }
        case .field(let path, let condition):
            switch path.lookup(in: value) {
            case .missing:
                if case .exists(false) = condition { return true }
                return false
            case .badPath:
                return false
            case .found(let found):
                return condition.matches(found, raw: raw || path.name == "_id")
            }
        }
    }
}

extension MangoSelector.Condition {
    /// Whether a value present in the document satisfies this condition.
    func matches(_ value: JSON, raw: Bool) -> Bool {
        let compare = raw ? RawOrder.compare : JSON.collate
        switch self {
        case .compare(let op, let argument): return op.holds(compare(value, argument))
        case .in(let arguments):
            let candidates = value.arrayValue ?? [value]
            return arguments.contains { a in candidates.contains { compare($0, a) == 0 } }
        case .notIn(let arguments):
            let candidates = value.arrayValue ?? [value]
            return !arguments.contains { a in candidates.contains { compare($0, a) == 0 } }
        case .exists(let exists): return exists
        case .type(let name): return value.typeName == name
        case .mod(let divisor, let remainder):
            guard case .int(let number) = value else { return false }
            return (divisor == -1 ? 0 : number % divisor) == remainder
        case .regex(let regex):
            guard case .string(let string) = value else { return false }
            let range = NSRange(string.startIndex..<string.endIndex, in: string)
            return regex.firstMatch(in: string, range: range) != nil
        case .beginsWith(let prefix):
            guard case .string(let string) = value else { return false }
            return string.utf8.starts(with: prefix.utf8)
        case .size(let size): return value.arrayValue?.count == size
        case .all(let arguments): return Self.containsAll(value, arguments)
        default: return matchesSubSelector(value, raw: raw)
        }
    }

    private func matchesSubSelector(_ value: JSON, raw: Bool) -> Bool {
        switch self {
        case .elemMatch(let node):
            guard let array = value.arrayValue else { return false }
            return array.contains { node.matches($0, raw: raw) }
        case .allMatch(let node):
            guard let array = value.arrayValue, !array.isEmpty else { return false }
            return array.allSatisfy { node.matches($0, raw: raw) }
        case .keyMapMatch(let node):
            guard let object = value.objectValue else { return false }
            return object.keys.contains { node.matches(.string($0), raw: raw) }
        case .not(let condition):
            return !condition.matches(value, raw: raw)
        default:
            return false
        }
    }

    /// `$all`: every argument is an element of the array, or the single
    /// argument is the array itself; `$all: []` matches nothing.
    private static func containsAll(_ value: JSON, _ arguments: [JSON]) -> Bool {
        guard let array = value.arrayValue, !arguments.isEmpty else { return false }
        if arguments.count == 1, case .array(let only) = arguments[0], only == array {
            return true
        }
        return arguments.allSatisfy { array.contains($0) }
    }
}

/// Erlang's term order over decoded JSON, which CouchDB's Mango uses to
/// compare `_id`: numbers < `false` < `null` < `true` < objects < arrays <
/// strings, strings by their UTF-8 bytes.
enum RawOrder {
    static func compare(_ lhs: JSON, _ rhs: JSON) -> Int {
        let left = rank(lhs)
        let right = rank(rhs)
        if left != right { return left < right ? -1 : 1 }
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)):
            return a.utf8.lexicographicallyPrecedes(b.utf8)
                ? -1 : (a.utf8.elementsEqual(b.utf8) ? 0 : 1)
        case (.array(let a), .array(let b)):
            for (x, y) in zip(a, b) {
                let result = compare(x, y)
                if result != 0 { return result }
            }
            return JSON.compareInts(a.count, b.count)
        case (.object(let a), .object(let b)):
            return compareObjects(a, b)
        default:
            return left == 0 ? JSON.compareNumbers(lhs, rhs) : 0
        }
    }

    private static func compareObjects(_ a: JSONObject, _ b: JSONObject) -> Int {
        for (x, y) in zip(a.members, b.members) {
            let keys = compare(.string(x.key), .string(y.key))
            if keys != 0 { return keys }
            let values = compare(x.value, y.value)
            if values != 0 { return values }
        }
        return JSON.compareInts(a.count, b.count)
    }

    private static func rank(_ value: JSON) -> Int {
        switch value {
        case .int, .double: return 0
        case .bool(false): return 1
        case .null: return 2
        case .bool(true): return 3
        case .object: return 4
        case .array: return 5
        case .string: return 6
        }
    }
}
