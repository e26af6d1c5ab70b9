import Foundation

/// A Mango selector, parsed, validated and normalised once so it can be
/// matched against many documents.
///
/// Normalisation follows CouchDB's: members of an object are an implicit
/// `$and`, a bare value an implicit `$eq`, nested field names join into
/// dotted paths (`{"a": {"b": 1}}` is `{"a.b": {"$eq": 1}}`), and `$not`
/// and `$nor` are pushed down to the fields by De Morgan's laws, so
/// `{"$not": {"age": {"$gt": 20}}}` is `{"age": {"$lte": 20}}` and, as in
/// CouchDB, does not match a document without `age`.
package struct MangoSelector: Sendable, CustomStringConvertible {
    /// The selector as written.
    package let json: JSON
    /// The normalised tree.
    package let root: Node

    /// Parses and validates `json`, throwing CouchDB's error for a selector
    /// it refuses (`invalid_operator`, `bad_arg`, `invalid_selector`, ...).
    package init(_ json: JSON) throws(PouchError) {
        guard case .object(let object) = json else {
            throw MangoError.invalidSelectorJSON(json)
        }
        self.json = json
        if object.isEmpty {
            root = .all
            return
        }
        let raw = try SelectorParser.parse(json, path: "")
        if case .field(let path, _) = raw, path.isEmpty {
            throw MangoError.missingFieldName
        }
        root = try raw.normalizingNegations()
    }

    package var description: String { json.serialized() }

    /// Whether `document` matches, with CouchDB's semantics: a condition
    /// on a field never matches a document lacking it, except `$exists:
    /// false`; comparisons follow CouchDB's collation, except on `_id`,
    /// which compares raw (code point order).
    package func matches(_ document: JSON) -> Bool {
        root.matches(document, raw: false)
    }
}

extension MangoSelector {
    /// A normalised selector: logical operators over field conditions.
    package indirect enum Node: Sendable {
        /// `{}`: matches anything.
        case all
        case and([Node])
        case or([Node])
        /// A negation left in place (inside `$elemMatch` and the like,
        /// which CouchDB does not normalise).
        case not(Node)
        /// `$nor` left in place, for the same reason.
        case nor([Node])
        /// A condition on the value at a path; the root path is the value
        /// itself, as inside `$elemMatch`.
        case field(FieldPath, Condition)
    }

    /// A condition on one value.
    package indirect enum Condition: Sendable {
        case compare(Comparison, JSON)
        case `in`([JSON])
        case notIn([JSON])
        case exists(Bool)
        case type(String)
        case mod(divisor: Int64, remainder: Int64)
        case regex(NSRegularExpression)
        case beginsWith(String)
        case size(Int)
        case all([JSON])
        case elemMatch(Node)
        case allMatch(Node)
        case keyMapMatch(Node)
        case not(Condition)
    }

    /// `$eq`, `$ne`, `$lt`, `$lte`, `$gt`, `$gte`.
    package enum Comparison: String, Sendable {
        case eq = "$eq"
        case ne = "$ne"
        case lt = "$lt"
        case lte = "$lte"
        case gt = "$gt"
        case gte = "$gte"

        /// Whether a comparison result (negative, zero, positive) satisfies
        /// this operator.
        func holds(_ result: Int) -> Bool {
            switch self {
            case .eq: return result == 0
            case .ne: return result != 0
            case .lt: return result < 0
            case .lte: return result <= 0
            case .gt: return result > 0
            case .gte: return result >= 0
            }
        }

        /// The operator matching exactly the values this one does not.
        var negated: Comparison {
            switch self {
            case .eq: return .ne
            case .ne: return .eq
            case .lt: return .gte
            case .lte: return .gt
            case .gt: return .lte
            case .gte: return .lt
            }
        }
    }
}

extension MangoSelector {
    /// The normalised selector as JSON, as CouchDB's `_explain` shows it:
    /// `{"$and": [{"age": {"$gt": 5}}, ...]}`.
    package var normalizedJSON: JSON { root.json }
}

extension MangoSelector.Node {
    var json: JSON {
        switch self {
        case .all: return [:]
        case .and(let children): return ["$and": .array(children.map(\.json))]
        case .or(let children): return ["$or": .array(children.map(\.json))]
        case .nor(let children): return ["$nor": .array(children.map(\.json))]
        case .not(let child): return ["$not": child.json]
        case .field(let path, let condition):
            return .object(JSONObject([(path.name, condition.json)]))
        }
    }
}

extension MangoSelector.Condition {
    var json: JSON {
        switch self {
        case .compare(let op, let value): return .object(JSONObject([(op.rawValue, value)]))
        case .in(let values): return ["$in": .array(values)]
        case .notIn(let values): return ["$nin": .array(values)]
        case .exists(let exists): return ["$exists": .bool(exists)]
        case .type(let name): return ["$type": .string(name)]
        case .mod(let divisor, let remainder): return ["$mod": [.int(divisor), .int(remainder)]]
        case .regex(let regex): return ["$regex": .string(regex.pattern)]
        case .beginsWith(let prefix): return ["$beginsWith": .string(prefix)]
        case .size(let size): return ["$size": .int(Int64(size))]
        case .all(let values): return ["$all": .array(values)]
        case .elemMatch(let node): return ["$elemMatch": node.json]
        case .allMatch(let node): return ["$allMatch": node.json]
        case .keyMapMatch(let node): return ["$keyMapMatch": node.json]
        case .not(let condition): return ["$not": condition.json]
        }
    }
}
