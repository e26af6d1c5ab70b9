/// How a Mango query reads the database: which index, which part of it, in
/// which direction, chosen as CouchDB's query planner chooses.
package struct QueryPlan: Sendable {
    /// What the plan scans.
    package enum Source: Sendable, Equatable {
        /// `_all_docs`, by document id in raw order.
        case allDocs
        case index(MangoIndex)
    }

    package var source: Source
    /// For an index: the smallest key to read, a prefix of its columns.
    package var startKey: [JSON] = []
    /// For an index: keys starting with this prefix are the last read.
    package var endKey: [JSON] = []
    /// For `_all_docs`: the first and last ids to read.
    package var startID: String?
    package var endID: String?
    /// No document can match, so nothing is read.
    package var isEmpty = false
    package var isDescending = false
    /// Warnings for the answer, such as the one for a query no index serves.
    package var warnings: [String] = []

    /// The `index` member of CouchDB's `_explain` answer.
    package var indexInfo: IndexInfo {
        switch source {
        case .allDocs: return MangoIndex.allDocsInfo
        case .index(let index): return index.info
        }
    }
}

/// CouchDB's Mango query planner over a database's JSON indexes.
package enum QueryPlanner {
    /// The warning CouchDB adds when a query reads `_all_docs`.
    package static let noIndexWarning =
        "No matching index found, create an index to optimize query time."

    /// Chooses how to run `query`.
    ///
    /// An index is usable when the selector requires every one of its
    /// fields not sorted on, and the sort is a prefix of its fields after
    /// fields the selector fixes with `$eq`. Among usable indexes the one
    /// whose leading fields the selector narrows most wins, then the one
    /// with fewer fields, then by design document and name; `use_index`
    /// picks one when it is usable, with a warning when it is not.
    ///
    /// - Throws: `400 no_usable_index` for a sort no index serves,
    ///   `400 unsupported_mixed_sort` for sorts in two directions.
    package static func plan(
        _ query: FindQuery, selector: MangoSelector, indexes: [MangoIndex]
    ) throws(PouchError) -> QueryPlan {
        if Set(query.sort.map(\.isAscending)).count > 1 { throw MangoError.mixedSort }
        let sortFields = query.sort.map(\.field)
        let candidates = indexes.filter { index in
            index.partialFilterSelector == nil || matches(index, query.useIndex)
        }
        let usable = candidates.filter { isUsable($0, selector: selector, sort: sortFields) }
        guard !usable.isEmpty || sortFields.isEmpty || sortFields == ["_id"] else {
            throw MangoError.noIndexForSort
        }
        let preferred = usable.filter { matches($0, query.useIndex) }
        var plan: QueryPlan
        if let best = choose(preferred.isEmpty ? usable : preferred, selector: selector) {
            plan = indexPlan(best, selector: selector)
        } else {
            plan = allDocsPlan(selector)
        }
        if !query.allowFallback, !isServed(plan, useIndex: query.useIndex) {
            throw MangoError.fallbackRefused
        }
        plan.isDescending = query.sort.first.map { !$0.isAscending } ?? false
        plan.isEmpty = plan.isEmpty || isNoop(selector)
        plan.warnings = warnings(plan, useIndex: query.useIndex)
        return plan
    }

    private static func isUsable(
        _ index: MangoIndex, selector: MangoSelector, sort: [String]
    ) -> Bool {
        let columns = index.columns
        let required = Set(columns).subtracting(sort).subtracting(["_id", "_rev"]).sorted()
        return selector.requires(required)
            && canUseSort(columns[...], sort: sort, selector: selector)
    }

    /// Whether the plan reads an index, the one `use_index` names if any.
    private static func isServed(_ plan: QueryPlan, useIndex: [String]?) -> Bool {
        guard case .index(let index) = plan.source else { return false }
        return useIndex == nil || matches(index, useIndex)
    }

    private static func canUseSort(
        _ columns: ArraySlice<String>, sort: [String], selector: MangoSelector
    ) -> Bool {
        guard let first = sort.first else { return true }
        guard let column = columns.first else { return false }
        if column == first { return columns.starts(with: sort) }
        guard selector.isConstant(column) else { return false }
        return canUseSort(columns.dropFirst(), sort: sort, selector: selector)
    }

    /// Whether `index` is the one `use_index` names (`[ddoc]` or
    /// `[ddoc, name]`, with or without `_design/`).
    private static func matches(_ index: MangoIndex, _ useIndex: [String]?) -> Bool {
        guard let useIndex, let ddoc = useIndex.first else { return false }
        let id = ddoc.hasPrefix("_design/") ? ddoc : "_design/" + ddoc
        guard index.ddoc == id else { return false }
        return useIndex.count < 2 || index.name == useIndex[1]
    }

    private static func choose(_ indexes: [MangoIndex], selector: MangoSelector) -> MangoIndex? {
        let ranges = selector.fieldRanges.map(\.field)
        func score(_ index: MangoIndex) -> (Int, Int, String, String) {
            let prefix = index.columns.prefix { ranges.contains($0) }.count
            return (ranges.count - prefix, index.columns.count, index.ddoc, index.name)
        }
        return indexes.min { score($0) < score($1) }
    }

    private static func indexPlan(_ index: MangoIndex, selector: MangoSelector) -> QueryPlan {
        let ranges = Dictionary(
            selector.fieldRanges.map { ($0.field, $0.range) }, uniquingKeysWith: { a, _ in a })
        let prefix = index.columns.prefix { ranges[$0] != nil }.map { ranges[$0]! }
        var plan = QueryPlan(source: .index(index))
        plan.isEmpty = prefix.contains(.empty)
        plan.startKey = startKey(prefix)
        plan.endKey = endKey(prefix)
        return plan
    }

    private static func startKey(_ ranges: [KeyRange]) -> [JSON] {
        var key: [JSON] = []
        for case .range(_, let low, _, _) in ranges {
            guard case .value(let value) = low else { break }
            key.append(value)
        }
        return key
    }

    private static func endKey(_ ranges: [KeyRange]) -> [JSON] {
        var key: [JSON] = []
        for case .range(_, _, _, let high) in ranges {
            guard case .value(let value) = high else { break }
            key.append(value)
        }
        return key
    }

    private static func allDocsPlan(_ selector: MangoSelector) -> QueryPlan {
        var plan = QueryPlan(source: .allDocs)
        guard selector.indexableFields.contains("_id") else { return plan }
        let range = selector.range(of: "_id")
        guard case .range(_, let low, _, let high) = range else {
            plan.isEmpty = true
            return plan
        }
        if case .value(.string(let start)) = low { plan.startID = start }
        if case .value(.string(let end)) = high { plan.endID = end }
        return plan
    }

    /// `{"$or": []}` and `{"$and": []}` at the top read nothing, as in
    /// CouchDB.
    private static func isNoop(_ selector: MangoSelector) -> Bool {
        switch selector.root {
        case .and(let children), .or(let children): return children.isEmpty
        default: return false
        }
    }

    private static func warnings(_ plan: QueryPlan, useIndex: [String]?) -> [String] {
        var warnings: [String] = []
        if let useIndex, let ddoc = useIndex.first {
            let isUsed: Bool
            if case .index(let index) = plan.source {
                isUsed = matches(index, useIndex)
            } else {
                isUsed = false
            }
            let name = ddoc.hasPrefix("_design/") ? String(ddoc.dropFirst(8)) : ddoc
            if !isUsed && useIndex.count == 1 {
                warnings.append(
                    "_design/\(name) was not used because it does not contain a valid index "
                        + "for this query.")
            } else if !isUsed {
                warnings.append(
                    "_design/\(name), \(useIndex[1]) was not used because it is not a valid "
                        + "index for this query.")
            }
        }
        if plan.source == .allDocs { warnings.append(noIndexWarning) }
        return warnings
    }
}
