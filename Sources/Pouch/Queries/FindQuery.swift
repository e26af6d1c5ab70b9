/// A field and direction in a Mango `sort` or index.
public struct SortField: Sendable, Equatable, Hashable {
    /// A dotted path, such as `contact.parent._id`.
    public var field: String
    public var isAscending: Bool

    public init(_ field: String, ascending: Bool = true) {
        self.field = field
        self.isAscending = ascending
    }
}

/// A Mango query, after CouchDB's `POST /db/_find` body.
public struct FindQuery: Sendable, Equatable {
    public var selector: JSON
    /// The fields to return (dotted paths); all when `nil`.
    public var fields: [String]? = nil
    public var sort: [SortField] = []
    /// At most this many documents (CouchDB's default is 25).
    public var limit: Int = 25
    public var skip: Int = 0
    /// `ddoc` or `[ddoc, name]` of the index to use.
    public var useIndex: [String]? = nil
    public var executionStats = false
    public var conflicts = false
    public var bookmark: String? = nil
    /// Whether another index (or `_all_docs`) may serve the query when the
    /// one `useIndex` names cannot, or when no index can; CouchDB 3.4's
    /// `allow_fallback`. When `false`, such a query is `400
    /// no_usable_index`.
    public var allowFallback = true

    public init(
        selector: JSON, fields: [String]? = nil, sort: [SortField] = [], limit: Int = 25,
        skip: Int = 0, useIndex: [String]? = nil, executionStats: Bool = false
    ) {
        self.selector = selector
        self.fields = fields
        self.sort = sort
        self.limit = limit
        self.skip = skip
        self.useIndex = useIndex
        self.executionStats = executionStats
    }
}

/// The answer of `find`.
public struct FindResponse: Sendable, Equatable {
    public var docs: [JSON]
    public var bookmark: String?
    public var warning: String?
    /// `total_keys_examined`, `total_docs_examined`, `results_returned`,
    /// `execution_time_ms`, when asked.
    public var executionStats: JSON?

    public init(
        docs: [JSON], bookmark: String? = nil, warning: String? = nil,
        executionStats: JSON? = nil
    ) {
        self.docs = docs
        self.bookmark = bookmark
        self.warning = warning
        self.executionStats = executionStats
    }
}

/// A Mango JSON index to create, after CouchDB's `POST /db/_index`.
public struct IndexDefinition: Sendable, Equatable {
    public var fields: [SortField]
    public var name: String?
    public var ddoc: String?
    /// Only documents matching this selector are indexed.
    public var partialFilterSelector: JSON?

    public init(
        fields: [SortField], name: String? = nil, ddoc: String? = nil,
        partialFilterSelector: JSON? = nil
    ) {
        self.fields = fields
        self.name = name
        self.ddoc = ddoc
        self.partialFilterSelector = partialFilterSelector
    }
}

/// An index as `indexes()` lists it; the primary index has no `ddoc`.
public struct IndexInfo: Sendable, Equatable {
    public var ddoc: String?
    public var name: String
    /// `special` for the primary index, `json` for the others.
    public var type: String
    public var fields: [SortField]
    public var partialFilterSelector: JSON?

    public init(
        ddoc: String?, name: String, type: String, fields: [SortField],
        partialFilterSelector: JSON? = nil
    ) {
        self.ddoc = ddoc
        self.name = name
        self.type = type
        self.fields = fields
        self.partialFilterSelector = partialFilterSelector
    }
}

/// The answer of `createIndex`: `created`, or `exists` for an identical one.
public struct CreateIndexResult: Sendable, Equatable {
    public var result: String
    public var id: String
    public var name: String

    public init(result: String, id: String, name: String) {
        self.result = result
        self.id = id
        self.name = name
    }
}
