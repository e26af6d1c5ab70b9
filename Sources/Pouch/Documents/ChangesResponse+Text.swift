extension Change {
    /// Writes the text of `json` (one row of CouchDB's `_changes` answer)
    /// without building the JSON value first.
    package func serialize(into output: inout [UInt8]) {
        output.append(contentsOf: #"{"seq":"#.utf8)
        seq.serialize(into: &output)
        output.append(contentsOf: #","id":"#.utf8)
        JSON.string(id).serialize(into: &output)
        output.append(contentsOf: #","changes":["#.utf8)
        for (index, rev) in changes.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: #"{"rev":"#.utf8)
            JSON.string(rev.description).serialize(into: &output)
            output.append(UInt8(ascii: "}"))
        }
        output.append(UInt8(ascii: "]"))
        if isDeleted { output.append(contentsOf: #","deleted":true"#.utf8) }
        if let doc {
            output.append(contentsOf: #","doc":"#.utf8)
            doc.serialize(into: &output)
        }
        output.append(UInt8(ascii: "}"))
    }
}

extension ChangesResponse {
    /// The text of `json` (CouchDB's `_changes` body, normal feed), written
    /// row by row without building the JSON value first.
    package func serializedBytes() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(64 + results.count * 96)
        output.append(contentsOf: #"{"results":["#.utf8)
        for (index, change) in results.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            change.serialize(into: &output)
        }
        output.append(contentsOf: #"],"last_seq":"#.utf8)
        lastSeq.serialize(into: &output)
        if let pending {
            output.append(contentsOf: #","pending":"#.utf8)
            JSON.int(Int64(pending)).serialize(into: &output)
        }
        output.append(UInt8(ascii: "}"))
        return output
    }
}
