/// A document's revision tree: every revision held, with its parent and
/// whether it is a deletion.
///
/// The tree merges local edits and replicated histories, stems old
/// revisions to the database's `revs_limit`, and picks the winning leaf by
/// CouchDB's rule: live leaves before deleted ones, then the higher
/// generation, then the greater hash. Several roots can exist: a replicated
/// history that reaches no revision held becomes a new root, and stemming
/// turns the oldest kept revisions into roots.
public struct RevisionTree: Sendable, Equatable {
    struct Node: Sendable, Equatable {
        var rev: RevisionID
        /// The index of the parent in `nodes`, or -1 for a root.
        var parent: Int
        var isDeleted: Bool
    }

    /// Nodes in insertion order, so a parent always precedes its children.
    private(set) var nodes: [Node] = []
    /// Each revision's place in `nodes`, kept only once the tree is larger
    /// than `indexedSize`: smaller trees (most documents) are scanned,
    /// which costs less than hashing revision ids.
    private var positions: [RevisionID: Int]?
    private static let indexedSize = 16

    /// An empty tree.
    public init() {}

    /// Trees are equal when they hold the same nodes in the same order.
    public static func == (lhs: RevisionTree, rhs: RevisionTree) -> Bool {
        lhs.nodes == rhs.nodes
    }

    /// Where `rev` is in `nodes`.
    private func position(of rev: RevisionID) -> Int? {
        if let positions { return positions[rev] }
        return nodes.firstIndex { $0.rev == rev }
    }

    /// Adds a node after the others, indexing it when the tree is large.
    private mutating func append(_ node: Node) {
        if positions?[node.rev] == nil { positions?[node.rev] = nodes.count }
        nodes.append(node)
        if positions == nil, nodes.count > RevisionTree.indexedSize { indexPositions() }
    }

    /// Rebuilds `positions` from `nodes` (dropped for a small tree).
    private mutating func indexPositions() {
        guard nodes.count > RevisionTree.indexedSize else {
            positions = nil
            return
        }
        var index: [RevisionID: Int] = [:]
        index.reserveCapacity(nodes.count)
        for (position, node) in nodes.enumerated() where index[node.rev] == nil {
            index[node.rev] = position
        }
        positions = index
    }

    /// Whether the tree holds no revision.
    public var isEmpty: Bool { nodes.isEmpty }

    /// The number of revisions held.
    public var count: Int { nodes.count }

    /// Every revision held, parents before children.
    public var allRevisions: [RevisionID] { nodes.map(\.rev) }

    /// Whether `rev` is held.
    public func contains(_ rev: RevisionID) -> Bool { position(of: rev) != nil }

    /// Whether `rev` is held and is a deletion.
    public func isDeleted(_ rev: RevisionID) -> Bool {
        guard let position = self.position(of: rev) else { return false }
        return nodes[position].isDeleted
    }

    /// Whether `rev` is held and has no children.
    public func isLeaf(_ rev: RevisionID) -> Bool {
        guard let position = self.position(of: rev) else { return false }
        return !nodes.contains { $0.parent == position }
    }

    /// The parent of `rev`, when both are held.
    public func parent(of rev: RevisionID) -> RevisionID? {
        guard let position = self.position(of: rev), nodes[position].parent >= 0 else { return nil }
        return nodes[nodes[position].parent].rev
    }

    /// The leaves in CouchDB's order, winner first: live before deleted,
    /// then higher generation, then greater hash.
    ///
    /// - Complexity: O(n log n) in the number of revisions held.
    public var leaves: [RevisionID] {
        if nodes.count == 1 { return [nodes[0].rev] }
        var hasChild = [Bool](repeating: false, count: nodes.count)
        for node in nodes where node.parent >= 0 { hasChild[node.parent] = true }
        var leafNodes: [Node] = []
        for (position, node) in nodes.enumerated() where !hasChild[position] {
            leafNodes.append(node)
        }
        leafNodes.sort(by: RevisionTree.winsOver)
        return leafNodes.map(\.rev)
    }

    private static func winsOver(_ lhs: Node, _ rhs: Node) -> Bool {
        if lhs.isDeleted != rhs.isDeleted { return !lhs.isDeleted }
        return lhs.rev > rhs.rev
    }

    /// The winning leaf, or `nil` for an empty tree.
    public var winner: RevisionID? { leaves.first }

    /// Whether the winning leaf is a deletion (the document is deleted).
    public var isWinnerDeleted: Bool {
        guard let winner else { return false }
        return isDeleted(winner)
    }

    /// The live leaves other than the winner, in CouchDB's order.
    public var conflicts: [RevisionID] {
        leaves.dropFirst().filter { !isDeleted($0) }
    }

    /// The deleted leaves other than the winner, in CouchDB's order.
    public var deletedConflicts: [RevisionID] {
        leaves.dropFirst().filter { isDeleted($0) }
    }

    /// `rev`, its parent, and so on to the oldest ancestor held.
    ///
    /// - Complexity: O(depth of `rev`).
    public func history(of rev: RevisionID) -> [RevisionID] {
        guard var position = self.position(of: rev) else { return [] }
        var path = [nodes[position].rev]
        while nodes[position].parent >= 0 {
            position = nodes[position].parent
            path.append(nodes[position].rev)
        }
        return path
    }

    /// The leaves that `rev` is an ancestor of, or `rev` itself when it is a
    /// leaf; what CouchDB's `latest=true` answers.
    public func leaves(descendingFrom rev: RevisionID) -> [RevisionID] {
        guard let start = self.position(of: rev) else { return [] }
        return leaves.filter { leaf in
            var position = self.position(of: leaf)!
            while true {
                if position == start { return true }
                position = nodes[position].parent
                if position < 0 { return false }
            }
        }
    }

    /// Adds a local edit: `rev` as a child of `parent` (a new root when
    /// `parent` is `nil` or not held). Adding a held revision does nothing.
    public mutating func insert(_ rev: RevisionID, parent: RevisionID?, isDeleted: Bool) {
        guard position(of: rev) == nil else { return }
        let parentPosition = parent.flatMap { position(of: $0) } ?? -1
        append(Node(rev: rev, parent: parentPosition, isDeleted: isDeleted))
    }

    /// Merges a replicated history, newest first (`_revisions` expanded).
    ///
    /// The revisions after the newest one already held are added beneath it;
    /// a history that reaches no held revision becomes a new root. Only the
    /// newest revision takes `isDeleted`.
    ///
    /// - Returns: whether `history[0]` was new.
    @discardableResult
    public mutating func merge(history: [RevisionID], isDeleted: Bool) -> Bool {
        guard let newest = history.first, position(of: newest) == nil else { return false }
        let known = history.firstIndex { position(of: $0) != nil } ?? history.count
        var parent: RevisionID? = known < history.count ? history[known] : nil
        for index in stride(from: known - 1, through: 0, by: -1) {
            insert(history[index], parent: parent, isDeleted: index == 0 && isDeleted)
            parent = history[index]
        }
        return true
    }

    /// Keeps only the `depth` newest revisions of every path from a leaf,
    /// as CouchDB does to honour `revs_limit`.
    ///
    /// - Returns: the revisions removed.
    /// - Complexity: O(n + leaves × depth).
    @discardableResult
    public mutating func stem(to depth: Int) -> [RevisionID] {
        guard depth > 0, nodes.count > depth else { return [] }
        var keep = [Bool](repeating: false, count: nodes.count)
        for leaf in leaves {
            var position = self.position(of: leaf)!
            for _ in 0..<depth {
                keep[position] = true
                position = nodes[position].parent
                if position < 0 { break }
            }
        }
        guard keep.contains(false) else { return [] }
        return rebuild(keeping: keep)
    }

    /// Removes leaf revisions entirely, as CouchDB's `_purge` does, along
    /// with ancestors no remaining leaf reaches.
    ///
    /// - Returns: the revisions removed.
    @discardableResult
    public mutating func purge(_ revisions: Set<RevisionID>) -> [RevisionID] {
        let remainingLeaves = leaves.filter { !revisions.contains($0) }
        var keep = [Bool](repeating: false, count: nodes.count)
        for leaf in remainingLeaves {
            var position = self.position(of: leaf)!
            while position >= 0, !keep[position] {
                keep[position] = true
                position = nodes[position].parent
            }
        }
        guard keep.contains(false) else { return [] }
        return rebuild(keeping: keep)
    }

    private mutating func rebuild(keeping keep: [Bool]) -> [RevisionID] {
        var newPosition = [Int](repeating: -1, count: nodes.count)
        var kept: [Node] = []
        var removed: [RevisionID] = []
        for (position, node) in nodes.enumerated() {
            guard keep[position] else {
                removed.append(node.rev)
                continue
            }
            newPosition[position] = kept.count
            var copy = node
            copy.parent = node.parent >= 0 ? newPosition[node.parent] : -1
            kept.append(copy)
        }
        nodes = kept
        indexPositions()
        return removed
    }

    /// The revisions among `revs` that are not held (CouchDB's revs diff).
    public func missing(_ revs: [RevisionID]) -> [RevisionID] {
        revs.filter { position(of: $0) == nil }
    }

    /// Held leaves of a lower generation than `rev`, which could be its
    /// ancestors: CouchDB's `possible_ancestors` in a revs diff.
    public func possibleAncestors(of rev: RevisionID) -> [RevisionID] {
        leaves.filter { $0.generation < rev.generation }
    }
}

extension RevisionTree {
    /// A compact text form for storage: one line per node,
    /// `rev<TAB>parent index<TAB>d or empty`.
    public func encoded() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(nodes.count * 48)
        for node in nodes {
            output.append(contentsOf: node.rev.description.utf8)
            output.append(0x09)
            if node.parent >= 0 { output.append(contentsOf: String(node.parent).utf8) }
            output.append(0x09)
            if node.isDeleted { output.append(UInt8(ascii: "d")) }
            output.append(0x0A)
        }
        return output
    }

    /// Decodes the form written by `encoded()`.
    public init(encoded bytes: [UInt8]) throws(PouchError) {
        self.init()
        var reader = EncodedTreeReader(bytes: bytes)
        while let node = try reader.next() {
            guard node.parent < nodes.count else {
                throw PouchError.storage("corrupt revision tree")
            }
            append(node)
        }
    }
}

/// Reads the lines of `RevisionTree.encoded()` one node at a time, from
/// the bytes in place.
private struct EncodedTreeReader {
    let bytes: [UInt8]
    var index = 0

    static let tab: UInt8 = 0x09
    static let newline: UInt8 = 0x0A

    /// The next node, `nil` at the end; blank lines are skipped.
    mutating func next() throws(PouchError) -> RevisionTree.Node? {
        while index < bytes.count, bytes[index] == Self.newline { index += 1 }
        guard index < bytes.count else { return nil }
        let rev = try revision()
        let parent = try number(upTo: Self.tab) ?? -1
        let flagStart = index
        while index < bytes.count, bytes[index] != Self.newline { index += 1 }
        let isDeleted = index > flagStart
        index += 1
        return RevisionTree.Node(rev: rev, parent: parent, isDeleted: isDeleted)
    }

    /// `N-hash` up to its tab, which it passes.
    private mutating func revision() throws(PouchError) -> RevisionID {
        guard let generation = try number(upTo: UInt8(ascii: "-")) else { throw corrupt }
        let start = index
        while index < bytes.count, bytes[index] != Self.tab, bytes[index] != Self.newline {
            index += 1
        }
        guard index > start, index < bytes.count, bytes[index] == Self.tab else { throw corrupt }
        let hash = String(decoding: bytes[start..<index], as: UTF8.self)
        index += 1
        return RevisionID(generation: generation, hash: hash)
    }

    /// Up to 9 decimal digits ending at `terminator`, which it passes;
    /// `nil` when there are none.
    private mutating func number(upTo terminator: UInt8) throws(PouchError) -> Int? {
        var value = 0
        let start = index
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            value = value * 10 + Int(bytes[index] - 0x30)
            index += 1
        }
        guard index - start <= 9, index < bytes.count, bytes[index] == terminator else {
            throw corrupt
        }
        index += 1
        return index - start > 1 ? value : nil
    }

    private var corrupt: PouchError { PouchError.storage("corrupt revision tree") }
}
