// Stand-in with the lead's announced API, replaced by main's version on merge.

extension RevisionID {
    /// The revision an edit makes (stand-in).
    public static func next(
        after parent: RevisionID?, isDeleted: Bool, body: [UInt8], attachmentDigests: [String]
    ) -> RevisionID {
        var md5 = MD5()
        md5.update(Array((parent?.description ?? "").utf8))
        md5.update([isDeleted ? 1 : 0])
        md5.update(body)
        for digest in attachmentDigests { md5.update(Array(digest.utf8)) }
        return RevisionID(generation: (parent?.generation ?? 0) + 1, hash: md5.finalize().hexString)
    }
}
