import Testing

@testable import Pouch

private func rev(_ text: String) -> RevisionID { RevisionID(text)! }

private func revs(_ texts: String...) -> [RevisionID] { texts.map(rev) }

/// A history as `_revisions` gives it: generations counting down from
/// `start`, hashes newest first.
private func history(_ start: Int, _ hashes: [String]) -> [RevisionID] {
    hashes.enumerated().map { RevisionID(generation: start - $0.offset, hash: $0.element) }
}

@Suite struct RevisionIDTests {
    @Test(arguments: ["1-abc", "12-0123456789abcdef0123456789abcdef", "0-1"])
    func parsesValidRevisions(text: String) {
        #expect(RevisionID(text)?.description == text)
    }

    @Test(arguments: ["", "abc", "-abc", "1-", "x-abc", "1abc", "12345678901-a"])
    func rejectsMalformedRevisions(text: String) {
        #expect(RevisionID(text) == nil)
    }

    @Test func malformedRevIsBadRequest() {
        #expect(throws: PouchError.badRequest("Invalid rev format")) {
            try RevisionID(validating: "bogus")
        }
    }

    @Test func ordersByGenerationThenHashBytes() {
        #expect(rev("2-a") < rev("10-a"))
        #expect(rev("3-abc") < rev("3-abd"))
        #expect(rev("3-B") < rev("3-a"))
    }

    @Test func nextRevisionIsDeterministic() {
        let body = Array(#"{"n":1}"#.utf8)
        let first = RevisionID.next(after: nil, isDeleted: false, body: body, attachmentDigests: [])
        let again = RevisionID.next(after: nil, isDeleted: false, body: body, attachmentDigests: [])
        let deleted = RevisionID.next(
            after: nil, isDeleted: true, body: body, attachmentDigests: [])
        let child = RevisionID.next(
            after: first, isDeleted: false, body: body, attachmentDigests: [])
        let withAttachment = RevisionID.next(
            after: nil, isDeleted: false, body: body, attachmentDigests: ["md5-abc"])
        #expect(first == again)
        #expect(first.generation == 1 && child.generation == 2)
        #expect(first.hash.count == 32)
        #expect(Set([first, deleted, withAttachment]).count == 3)
    }
}

@Suite struct RevisionTreeTests {
    /// One case of the winner table: edits as (rev, parent, deleted), then
    /// the winner and conflicts CouchDB reports for that tree.
    struct WinnerCase: Sendable, CustomStringConvertible {
        var name: String
        var edits: [(String, String?, Bool)]
        var winner: String
        var conflicts: [String]
        var deletedConflicts: [String]
        var description: String { name }
    }

    static let winnerCases: [WinnerCase] = [
        WinnerCase(
            name: "linear history: newest wins",
            edits: [("1-a", nil, false), ("2-b", "1-a", false), ("3-c", "2-b", false)],
            winner: "3-c", conflicts: [], deletedConflicts: []),
        WinnerCase(
            name: "same generation: greater hash wins",
            edits: [("1-a", nil, false), ("2-b", "1-a", false), ("2-c", "1-a", false)],
            winner: "2-c", conflicts: ["2-b"], deletedConflicts: []),
        WinnerCase(
            name: "higher generation beats greater hash",
            edits: [
                ("1-a", nil, false), ("2-z", "1-a", false), ("2-b", "1-a", false),
                ("3-c", "2-b", false),
            ],
            winner: "3-c", conflicts: ["2-z"], deletedConflicts: []),
        WinnerCase(
            name: "live leaf beats a deleted leaf of higher generation",
            edits: [
                ("1-a", nil, false), ("2-b", "1-a", false), ("2-c", "1-a", false),
                ("3-d", "2-c", true),
            ],
            winner: "2-b", conflicts: [], deletedConflicts: ["3-d"]),
        WinnerCase(
            name: "all leaves deleted: highest deleted wins",
            edits: [
                ("1-a", nil, false), ("2-b", "1-a", true), ("2-c", "1-a", false),
                ("3-d", "2-c", true),
            ],
            winner: "3-d", conflicts: [], deletedConflicts: ["2-b"]),
        WinnerCase(
            name: "conflicts are listed highest first",
            edits: [
                ("1-a", nil, false), ("2-b", "1-a", false), ("2-c", "1-a", false),
                ("2-d", "1-a", false), ("2-e", "1-a", false),
            ],
            winner: "2-e", conflicts: ["2-d", "2-c", "2-b"], deletedConflicts: []),
        WinnerCase(
            name: "two roots: the longer branch wins",
            edits: [("1-a", nil, false), ("1-b", nil, false), ("2-c", "1-b", false)],
            winner: "2-c", conflicts: ["1-a"], deletedConflicts: []),
    ]

    @Test(arguments: winnerCases)
    func choosesCouchDBsWinner(_ example: WinnerCase) {
        var tree = RevisionTree()
        for (child, parent, deleted) in example.edits {
            tree.insert(rev(child), parent: parent.map(rev), isDeleted: deleted)
        }
        #expect(tree.winner == rev(example.winner))
        #expect(tree.conflicts == example.conflicts.map(rev))
        #expect(tree.deletedConflicts == example.deletedConflicts.map(rev))
    }

    @Test func deletingTheWinnerOfAConflictLetsTheOtherLeafWin() {
        var tree = RevisionTree()
        tree.insert(rev("1-a"), parent: nil, isDeleted: false)
        tree.merge(history: revs("2-b", "1-a"), isDeleted: false)
        tree.merge(history: revs("2-c", "1-a"), isDeleted: false)
        #expect(tree.winner == rev("2-c"))
        #expect(tree.conflicts == revs("2-b"))

        tree.insert(rev("3-d"), parent: rev("2-c"), isDeleted: true)
        #expect(tree.winner == rev("2-b"))
        #expect(!tree.isWinnerDeleted)
        #expect(tree.conflicts.isEmpty)
        #expect(tree.deletedConflicts == revs("3-d"))
    }

    @Test func recreatingADeletedDocumentExtendsTheDeletedLeaf() {
        var tree = RevisionTree()
        tree.insert(rev("1-a"), parent: nil, isDeleted: false)
        tree.insert(rev("2-b"), parent: rev("1-a"), isDeleted: true)
        #expect(tree.isWinnerDeleted)
        tree.insert(rev("3-c"), parent: rev("2-b"), isDeleted: false)
        #expect(tree.winner == rev("3-c"))
        #expect(tree.leaves == revs("3-c"))
        #expect(tree.history(of: rev("3-c")) == revs("3-c", "2-b", "1-a"))
    }

    @Test func mergeAddsOnlyTheUnknownPartOfAHistory() {
        var tree = RevisionTree()
        tree.merge(history: revs("2-b", "1-a"), isDeleted: false)
        let extended = tree.merge(history: revs("4-d", "3-c", "2-b", "1-a"), isDeleted: false)
        #expect(extended)
        #expect(tree.allRevisions == revs("1-a", "2-b", "3-c", "4-d"))
        #expect(tree.leaves == revs("4-d"))
        let repeated = tree.merge(history: revs("3-c", "2-b"), isDeleted: false)
        #expect(!repeated)
        #expect(tree.leaves == revs("4-d"))
    }

    @Test func historyReachingNoHeldRevisionBecomesANewRoot() {
        var tree = RevisionTree()
        tree.merge(history: revs("2-b", "1-a"), isDeleted: false)
        tree.merge(history: revs("3-y", "2-x"), isDeleted: false)
        #expect(tree.parent(of: rev("2-x")) == nil)
        #expect(tree.leaves == revs("3-y", "2-b"))
    }

    @Test func mergedDeletionMarksOnlyTheNewestRevision() {
        var tree = RevisionTree()
        tree.merge(history: revs("3-c", "2-b", "1-a"), isDeleted: true)
        #expect(tree.isDeleted(rev("3-c")))
        #expect(!tree.isDeleted(rev("2-b")))
    }

    @Test func longHistoryStemmedToRevsLimitIsANoOpWhenResent() {
        let hashes = (1...1500).reversed().map { "h\($0)" }
        let long = history(1500, hashes)
        var tree = RevisionTree()
        tree.merge(history: long, isDeleted: false)
        let removed = tree.stem(to: 50)
        #expect(removed.count == 1450)
        #expect(tree.count == 50)
        #expect(tree.history(of: rev("1500-h1500")).last == rev("1451-h1451"))

        let before = tree
        let added = tree.merge(history: long, isDeleted: false)
        #expect(!added)
        tree.stem(to: 50)
        #expect(tree == before)
    }

    @Test func stemmingKeepsDepthOnEveryBranch() {
        var tree = RevisionTree()
        tree.merge(history: revs("4-d", "3-c", "2-b", "1-a"), isDeleted: false)
        tree.merge(history: revs("3-x", "2-b"), isDeleted: false)
        tree.stem(to: 2)
        #expect(Set(tree.allRevisions) == Set(revs("4-d", "3-c", "3-x", "2-b")))
        #expect(tree.parent(of: rev("3-x")) == rev("2-b"))
        #expect(tree.parent(of: rev("2-b")) == nil)
    }

    @Test func latestFollowsARevisionToItsLeaves() {
        var tree = RevisionTree()
        tree.merge(history: revs("3-c", "2-b", "1-a"), isDeleted: false)
        tree.merge(history: revs("3-x", "2-b"), isDeleted: false)
        tree.merge(history: revs("2-q", "1-a"), isDeleted: false)
        #expect(tree.leaves(descendingFrom: rev("2-b")) == revs("3-x", "3-c"))
        #expect(tree.leaves(descendingFrom: rev("2-q")) == revs("2-q"))
        #expect(tree.leaves(descendingFrom: rev("9-z")).isEmpty)
    }

    @Test func revsDiffAnswersMissingAndPossibleAncestors() {
        var tree = RevisionTree()
        tree.merge(history: revs("2-b", "1-a"), isDeleted: false)
        #expect(tree.missing(revs("1-a", "3-c", "2-z")) == revs("3-c", "2-z"))
        #expect(tree.possibleAncestors(of: rev("3-c")) == revs("2-b"))
        #expect(tree.possibleAncestors(of: rev("2-z")).isEmpty)
    }

    @Test func purgeRemovesALeafAndTheAncestorsOnlyItReached() {
        var tree = RevisionTree()
        tree.merge(history: revs("3-c", "2-b", "1-a"), isDeleted: false)
        tree.merge(history: revs("2-x", "1-a"), isDeleted: false)
        let first = tree.purge([rev("3-c")])
        #expect(first == revs("2-b", "3-c"))
        #expect(tree.allRevisions == revs("1-a", "2-x"))
        let second = tree.purge([rev("2-x")])
        #expect(Set(second) == Set(revs("1-a", "2-x")))
        #expect(tree.isEmpty)
    }

    @Test func encodingRoundTrips() throws {
        var tree = RevisionTree()
        tree.merge(history: revs("3-c", "2-b", "1-a"), isDeleted: true)
        tree.merge(history: revs("2-x", "1-a"), isDeleted: false)
        tree.merge(history: revs("5-q", "4-p"), isDeleted: false)
        #expect(try RevisionTree(encoded: tree.encoded()) == tree)
        #expect(throws: PouchError.self) { try RevisionTree(encoded: Array("x\t\t\n".utf8)) }
    }

    @Test func decodesTheStoredForm() throws {
        // One line per node: rev, parent's line number (from 0), "d" if deleted.
        let text = "1-a\t\t\n2-b\t0\t\n3-c\t1\td\n2-x\t0\t\n"
        let tree = try RevisionTree(encoded: Array(text.utf8))
        #expect(tree.allRevisions == revs("1-a", "2-b", "3-c", "2-x"))
        #expect(tree.parent(of: rev("3-c")) == rev("2-b"))
        #expect(tree.parent(of: rev("2-x")) == rev("1-a"))
        #expect(tree.parent(of: rev("1-a")) == nil)
        #expect(tree.isDeleted(rev("3-c")))
        // The live leaf wins over the deleted one of a higher generation.
        #expect(tree.leaves == revs("2-x", "3-c"))
        #expect(tree.encoded() == Array(text.utf8))
    }

    @Test(arguments: [
        "1-a\t1\t\n", "1-a\t\n", "1-\t\t\n", "-a\t\t\n", "1234567890-a\t\t\n",
        "1-a\tx\t\n", "1-a", "1-a\n\t\t\n",
    ])
    func rejectsACorruptStoredForm(text: String) {
        #expect(throws: PouchError.storage("corrupt revision tree")) {
            try RevisionTree(encoded: Array(text.utf8))
        }
    }

    @Test func aTreePastTheScanLimitFindsEveryRevision() {
        // Grown one edit at a time across 16 nodes, then cut back below.
        var tree = RevisionTree()
        var parent: RevisionID?
        for generation in 1...40 {
            let next = RevisionID(generation: generation, hash: "h\(generation)")
            tree.insert(next, parent: parent, isDeleted: false)
            parent = next
        }
        tree.insert(rev("2-side"), parent: rev("1-h1"), isDeleted: false)
        #expect(tree.count == 41)
        #expect(tree.history(of: rev("40-h40")).count == 40)
        #expect(tree.parent(of: rev("2-side")) == rev("1-h1"))
        #expect(tree.leaves == revs("40-h40", "2-side"))

        tree.purge([rev("2-side")])
        #expect(tree.count == 40)
        #expect(!tree.contains(rev("2-side")))
        #expect(tree.contains(rev("1-h1")))
        tree.stem(to: 5)
        let kept = revs("36-h36", "37-h37", "38-h38", "39-h39", "40-h40")
        #expect(tree.allRevisions == kept)
        #expect(tree.parent(of: rev("37-h37")) == rev("36-h36"))
        #expect(tree.history(of: rev("40-h40")) == kept.reversed())
        #expect(tree.missing(revs("1-h1", "38-h38")) == revs("1-h1"))
    }

    @Test func treesWithTheSameNodesAreEqualHoweverTheyWereBuilt() throws {
        var grown = RevisionTree()
        grown.merge(history: history(20, (1...20).reversed().map { "h\($0)" }), isDeleted: false)
        let decoded = try RevisionTree(encoded: grown.encoded())
        #expect(decoded == grown)
        #expect(decoded.history(of: rev("20-h20")) == grown.history(of: rev("20-h20")))
    }
}
