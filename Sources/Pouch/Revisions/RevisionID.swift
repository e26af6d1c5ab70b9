/// A revision identifier, `N-hash`: the generation `N` (1 for a new
/// document, one more for each edit) and a hash naming the edit.
///
/// Revisions order by generation, then by hash compared as bytes, which is
/// how CouchDB breaks a tie between conflicting leaves. `_local` documents
/// use `0-N`, whose hash part is a decimal counter.
public struct RevisionID: Hashable, Comparable, Sendable, CustomStringConvertible,
    LosslessStringConvertible
{
    /// The number of edits from the document's first revision, counting it.
    public var generation: Int
    /// The hash part, usually 32 lowercase hexadecimal digits.
    public var hash: String

    public init(generation: Int, hash: String) {
        self.generation = generation
        self.hash = hash
    }

    /// Parses `N-hash`; `nil` when the text is not of that form.
    public init?(_ text: String) {
        guard let dash = text.utf8.firstIndex(of: UInt8(ascii: "-")) else { return nil }
        let digits = text.utf8[..<dash]
        let rest = text.utf8[text.utf8.index(after: dash)...]
        guard !digits.isEmpty, digits.count <= 9, !rest.isEmpty,
            digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let generation = Int(Substring(digits))
        else { return nil }
        self.generation = generation
        self.hash = String(Substring(rest))
    }

    /// Parses `N-hash`, throwing CouchDB's `bad_request` for anything else.
    public init(validating text: String) throws(PouchError) {
        guard let revision = RevisionID(text), revision.generation > 0 else {
            throw PouchError.badRequest("Invalid rev format")
        }
        self = revision
    }

    public var description: String { "\(generation)-\(hash)" }

    public static func < (lhs: RevisionID, rhs: RevisionID) -> Bool {
        if lhs.generation != rhs.generation { return lhs.generation < rhs.generation }
        return lhs.hash.utf8.lexicographicallyPrecedes(rhs.hash.utf8)
    }
}
