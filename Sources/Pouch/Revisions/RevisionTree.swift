// Stand-in with the lead's announced API, replaced by main's version on merge.

/// A document's revision tree (stand-in).
public struct RevisionTree: Sendable, Equatable {
    struct Node: Sendable, Equatable {
        var parent: RevisionID?
        var isDeleted: Bool
    }

    var nodes: [RevisionID: Node] = [:]

    public init() {}

    public var isEmpty: Bool { nodes.isEmpty }

    public var leaves: [RevisionID] {
        let parents = Set(nodes.values.compactMap(\.parent))
        return nodes.keys.filter { !parents.contains($0) }.sorted { lhs, rhs in
            let (l, r) = (nodes[lhs]!.isDeleted, nodes[rhs]!.isDeleted)
            if l != r { return !l }
            return lhs > rhs
        }
    }

    public var winner: RevisionID? { leaves.first }

    public func isDeleted(_ rev: RevisionID) -> Bool { nodes[rev]?.isDeleted ?? false }
    public func contains(_ rev: RevisionID) -> Bool { nodes[rev] != nil }

    public func isLeaf(_ rev: RevisionID) -> Bool {
        nodes[rev] != nil && !nodes.values.contains { $0.parent == rev }
    }

    public var conflicts: [RevisionID] {
        Array(leaves.dropFirst().filter { !isDeleted($0) })
    }

    public var deletedConflicts: [RevisionID] {
        Array(leaves.dropFirst().filter { isDeleted($0) })
    }

    public func history(of rev: RevisionID) -> [RevisionID] {
        var result: [RevisionID] = []
        var current: RevisionID? = nodes[rev] == nil ? nil : rev
        while let node = current {
            result.append(node)
            current = nodes[node]?.parent
        }
        return result
    }

    public func leaves(descendingFrom rev: RevisionID) -> [RevisionID] {
        leaves.filter { history(of: $0).contains(rev) }
    }

    public var allRevisions: [RevisionID] { nodes.keys.sorted() }

    public mutating func insert(_ rev: RevisionID, parent: RevisionID?, isDeleted: Bool) {
        nodes[rev] = Node(parent: parent, isDeleted: isDeleted)
    }

    @discardableResult
    public mutating func merge(history: [RevisionID], isDeleted: Bool) -> Bool {
        guard let first = history.first, nodes[first] == nil else { return false }
        for (index, rev) in history.enumerated() {
            let parent = index + 1 < history.count ? history[index + 1] : nil
            if var existing = nodes[rev] {
                if existing.parent == nil, let parent {
                    existing.parent = parent
                    nodes[rev] = existing
                    continue
                }
                break
            }
            nodes[rev] = Node(parent: parent, isDeleted: index == 0 ? isDeleted : false)
        }
        return true
    }

    @discardableResult
    public mutating func stem(to depth: Int) -> [RevisionID] {
        var keep = Set<RevisionID>()
        for leaf in leaves { keep.formUnion(history(of: leaf).prefix(depth)) }
        let removed = nodes.keys.filter { !keep.contains($0) }
        for rev in removed { nodes[rev] = nil }
        for (rev, node) in nodes {
            if let parent = node.parent, !keep.contains(parent) { nodes[rev]?.parent = nil }
        }
        return removed.sorted()
    }

    public func missing(_ revs: [RevisionID]) -> [RevisionID] {
        revs.filter { nodes[$0] == nil }
    }

    public func possibleAncestors(of rev: RevisionID) -> [RevisionID] {
        leaves.filter { $0.generation < rev.generation }
    }

    public func encoded() -> [UInt8] {
        let items: [JSON] = nodes.keys.sorted().map { rev in
            let node = nodes[rev]!
            return [
                .string(rev.description), node.parent.map { .string($0.description) } ?? .null,
                .bool(node.isDeleted),
            ]
        }
        return JSON.array(items).serializedBytes()
    }

    public init(encoded: [UInt8]) throws(PouchError) {
        guard let value = try? JSON(parsing: encoded), let items = value.arrayValue else {
            throw PouchError.storage("bad tree")
        }
        for item in items {
            guard let rev = item[0]?.stringValue.flatMap(RevisionID.init) else {
                throw PouchError.storage("bad tree")
            }
            let parent = item[1]?.stringValue.flatMap(RevisionID.init)
            nodes[rev] = Node(parent: parent, isDeleted: item[2]?.boolValue ?? false)
        }
    }
}
