import Foundation

/// A selector after CouchDB's first two normalisation steps (operators
/// checked, field names joined into paths), before negations are pushed
/// down.
indirect enum RawSelector {
    case and([RawSelector])
    case or([RawSelector])
    case nor([RawSelector])
    case not(RawSelector)
    case field(String, MangoSelector.Condition)
}

/// Parses selector JSON into a `RawSelector`, validating each operator's
/// argument as CouchDB's `mango_selector:norm_ops` does.
enum SelectorParser {
    // Limitation: `$text` needs a text index, which Pouch does not have;
    // it is refused as `not_supported`.
    private static let unsupported: Set<String> = [
        "$where", "$geoWithin", "$geoIntersects", "$near", "$nearSphere", "$text",
        "$default",
    ]

    /// Parses `value` found at the dotted `path` ("" at the root).
    static func parse(_ value: JSON, path: String) throws(PouchError) -> RawSelector {
        guard case .object(let object) = value, !object.isEmpty else {
            return .field(path, .compare(.eq, value))
        }
        if object.count > 1 {
            var children: [RawSelector] = []
            for member in object.members {
                let single = JSON.object(JSONObject(uniqueMembers: [member]))
                children.append(try parse(single, path: path))
            }
            return .and(children)
        }
        let (key, argument) = object.members[0]
        if key.hasPrefix("$") { return try parseOperator(key, argument, path: path) }
        return try parse(argument, path: path.isEmpty ? key : path + "." + key)
    }

    private static func parseOperator(
        _ op: String, _ argument: JSON, path: String
    ) throws(PouchError) -> RawSelector {
        switch op {
        case "$and", "$or", "$nor":
            guard let array = argument.arrayValue else {
                throw MangoError.badArgument(op, argument)
            }
            var children: [RawSelector] = []
            for element in array { children.append(try parse(element, path: path)) }
            return op == "$and" ? .and(children) : op == "$or" ? .or(children) : .nor(children)
        case "$not":
            guard argument.objectValue != nil else { throw MangoError.badArgument(op, argument) }
            return .not(try parse(argument, path: path))
        default:
            return .field(path, try parseCondition(op, argument))
        }
    }

    private static func parseCondition(
        _ op: String, _ argument: JSON
    ) throws(PouchError) -> MangoSelector.Condition {
        if let comparison = MangoSelector.Comparison(rawValue: op) {
            return .compare(comparison, argument)
        }
        if let condition = try parseSubSelector(op, argument) { return condition }
        if let condition = try parseArgument(op, argument) { return condition }
        if unsupported.contains(op) { throw MangoError.notSupported(op) }
        throw MangoError.invalidOperator(op)
    }

    /// `$elemMatch`, `$allMatch` and `$keyMapMatch`, whose argument is a
    /// selector normalised on its own.
    private static func parseSubSelector(
        _ op: String, _ argument: JSON
    ) throws(PouchError) -> MangoSelector.Condition? {
        guard ["$elemMatch", "$allMatch", "$keyMapMatch"].contains(op) else { return nil }
        guard argument.objectValue != nil else { throw MangoError.badArgument(op, argument) }
        let inner = try parse(argument, path: "").converted()
        switch op {
        case "$elemMatch": return .elemMatch(inner)
        case "$allMatch": return .allMatch(inner)
        default: return .keyMapMatch(inner)
        }
    }

    /// The operators whose argument is a value of a fixed kind.
    private static func parseArgument(
        _ op: String, _ argument: JSON
    ) throws(PouchError) -> MangoSelector.Condition? {
        let bad = MangoError.badArgument(op, argument)
        switch op {
        case "$in", "$nin", "$all":
            guard let array = argument.arrayValue else { throw bad }
            return op == "$in" ? .in(array) : op == "$nin" ? .notIn(array) : .all(array)
        case "$exists":
            guard let bool = argument.boolValue else { throw bad }
            return .exists(bool)
        case "$type":
            guard let name = argument.stringValue else { throw bad }
            return .type(name)
        case "$size":
            guard case .int(let size) = argument, size >= 0, let count = Int(exactly: size) else {
                throw bad
            }
            return .size(count)
        case "$beginsWith":
            guard let prefix = argument.stringValue else { throw bad }
            return .beginsWith(prefix)
        case "$mod": return try parseMod(argument)
        case "$regex": return try parseRegex(argument)
        default: return nil
        }
    }

    /// `$mod: [divisor, remainder]`, both integers; a zero divisor, which
    /// CouchDB fails on while matching, is refused here as `bad_arg`.
    private static func parseMod(_ argument: JSON) throws(PouchError) -> MangoSelector.Condition {
        guard let pair = argument.arrayValue, pair.count == 2,
            case .int(let divisor) = pair[0], case .int(let remainder) = pair[1], divisor != 0
        else { throw MangoError.badArgument("$mod", argument) }
        return .mod(divisor: divisor, remainder: remainder)
    }

    /// `$regex`, compiled once.
    ///
    /// Limitation: patterns run on ICU's regular expressions, not PCRE;
    /// the common syntax agrees, PCRE-only constructs (such as possessive
    /// backtracking verbs) are refused as `bad_arg`.
    private static func parseRegex(_ argument: JSON) throws(PouchError) -> MangoSelector.Condition {
        guard let pattern = argument.stringValue,
            let regex = try? NSRegularExpression(pattern: pattern)
        else { throw MangoError.badArgument("$regex", argument) }
        return .regex(regex)
    }
}

extension RawSelector {
    /// The tree with negations pushed down to the fields, as CouchDB's
    /// `norm_negations` does.
    func normalizingNegations() throws(PouchError) -> MangoSelector.Node {
        switch self {
        case .not(let child): return try child.negated()
        case .nor(let children):
            return .and(
                try children.mapNodes { child throws(PouchError) in
                    try child.negated()
                })
        case .and(let children):
            return .and(
                try children.mapNodes { child throws(PouchError) in
                    try child.normalizingNegations()
                })
        case .or(let children):
            return .or(
                try children.mapNodes { child throws(PouchError) in
                    try child.normalizingNegations()
                })
        case .field(let path, let condition): return .field(try FieldPath.parse(path), condition)
        }
    }

    /// The negation of this tree, by De Morgan's laws.
    private func negated() throws(PouchError) -> MangoSelector.Node {
        switch self {
        case .not(let child): return try child.normalizingNegations()
        case .nor(let children):
            return .or(
                try children.mapNodes { child throws(PouchError) in
                    try child.normalizingNegations()
                })
        case .and(let children):
            return .or(
                try children.mapNodes { child throws(PouchError) in
                    try child.negated()
                })
        case .or(let children):
            return .and(
                try children.mapNodes { child throws(PouchError) in
                    try child.negated()
                })
        case .field(let path, let condition):
            return .field(try FieldPath.parse(path), condition.negated)
        }
    }

    /// The tree as written, negations left in place (CouchDB does not
    /// normalise them inside `$elemMatch` and the like).
    func converted() throws(PouchError) -> MangoSelector.Node {
        switch self {
        case .not(let child): return .not(try child.converted())
        case .nor(let children):
            return .nor(
                try children.mapNodes { child throws(PouchError) in
                    try child.converted()
                })
        case .and(let children):
            return .and(
                try children.mapNodes { child throws(PouchError) in
                    try child.converted()
                })
        case .or(let children):
            return .or(
                try children.mapNodes { child throws(PouchError) in
                    try child.converted()
                })
        case .field(let path, let condition): return .field(try FieldPath.parse(path), condition)
        }
    }
}

extension [RawSelector] {
    fileprivate func mapNodes(
        _ transform: (RawSelector) throws(PouchError) -> MangoSelector.Node
    ) throws(PouchError) -> [MangoSelector.Node] {
        var nodes: [MangoSelector.Node] = []
        nodes.reserveCapacity(count)
        for element in self { nodes.append(try transform(element)) }
        return nodes
    }
}

extension FieldPath {
    /// The path for a normalised field name, the root for "".
    static func parse(_ name: String) throws(PouchError) -> FieldPath {
        name.isEmpty ? .root : try FieldPath(name)
    }
}

extension MangoSelector.Condition {
    /// The condition matching the values this one does not, as CouchDB's
    /// `negate` writes it; operators without an opposite get `$not`.
    var negated: MangoSelector.Condition {
        switch self {
        case .compare(let op, let value): return .compare(op.negated, value)
        case .in(let values): return .notIn(values)
        case .notIn(let values): return .in(values)
        case .exists(let exists): return .exists(!exists)
        default: return .not(self)
        }
    }
}
