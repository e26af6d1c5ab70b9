extension RevisionID {
    /// The revision a local edit makes: generation one past `parent` (1 for
    /// a new document), hash an MD5 over the parent, the deletion flag, the
    /// body and the attachment digests.
    ///
    /// The hash is deterministic: the same edit of the same parent yields the
    /// same revision, so an edit retried after a lost answer is not a
    /// conflict. `body` should be the document's serialised JSON without its
    /// `_`-prefixed members.
    public static func next(
        after parent: RevisionID?, isDeleted: Bool, body: [UInt8], attachmentDigests: [String]
    ) -> RevisionID {
        var md5 = MD5()
        if let parent { md5.update(parent.description.utf8) }
        var flag: (UInt8, UInt8) = (0x00, isDeleted ? 1 : 0)
        withUnsafeBytes(of: &flag) { md5.update($0.bindMemory(to: UInt8.self)) }
        md5.update(body)
        for digest in attachmentDigests.sorted() {
            md5.update([0x00])
            md5.update(digest.utf8)
        }
        return RevisionID(generation: (parent?.generation ?? 0) + 1, hash: md5.finalize().hexString)
    }
}
