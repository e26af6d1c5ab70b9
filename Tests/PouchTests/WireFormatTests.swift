import Testing

@testable import Pouch

/// The result types read and write the JSON shapes CouchDB 3.x documents
/// for its answers.
@Suite struct WireFormatTests {
    @Test func allDocsRowsForLiveDeletedAndMissingKeys() throws {
        let body = try JSON(
            parsing: """
                {"total_rows":2,"offset":0,"rows":[
                {"id":"a","key":"a","value":{"rev":"1-x"},"doc":{"_id":"a","_rev":"1-x"}},
                {"id":"b","key":"b","value":{"rev":"2-y","deleted":true},"doc":null},
                {"key":"c","error":"not_found"}]}
                """)
        let response = try AllDocsResponse(json: body)
        #expect(response.totalRows == 2)
        #expect(response.rows[0].doc?["_id"] == "a")
        #expect(response.rows[1].isDeleted && response.rows[1].doc == nil)
        #expect(response.rows[2].id == nil && response.rows[2].error == "not_found")
        #expect(response.rows[2].json == ["key": "c", "error": "not_found"])
    }

    @Test func bulkDocsErrorRowKeepsNameReasonAndStatus() throws {
        let row = try BulkDocsResult(
            json: ["id": "d", "error": "forbidden", "reason": "not allowed"])
        #expect(row.error == PouchError(.forbidden, "not allowed", status: 403))
        #expect(row.json == ["id": "d", "error": "forbidden", "reason": "not allowed"])
        let ok = try BulkDocsResult(json: ["ok": true, "id": "e", "rev": "1-abc"])
        #expect(ok.rev == RevisionID("1-abc") && ok.error == nil)
    }

    @Test func changesKeepOpaqueSequences() throws {
        let body = try JSON(
            parsing: """
                {"results":[{"seq":"3-g1AAAA","id":"x","changes":[{"rev":"2-b"},{"rev":"2-a"}],
                "deleted":true}],"last_seq":"3-g1AAAA","pending":0}
                """)
        let response = try ChangesResponse(json: body)
        #expect(response.lastSeq == "3-g1AAAA")
        #expect(response.results[0].changes == [RevisionID("2-b")!, RevisionID("2-a")!])
        #expect(response.results[0].isDeleted)
        #expect(response.pending == 0)
    }

    @Test func bulkGetErrorItems() throws {
        let body = try JSON(
            parsing: """
                {"id":"z","docs":[{"error":{"id":"z","rev":"1-q","error":"not_found",
                "reason":"missing"}}]}
                """)
        let result = BulkGetResult(json: body)
        #expect(result.docs == [.error(id: "z", rev: "1-q", error: .notFound("missing"))])
        #expect(result.json == body)
    }

    @Test func revsDiffOmitsEmptyPossibleAncestors() {
        let diff = RevsDiffResult(missing: [RevisionID("3-c")!])
        #expect(diff.json == ["missing": ["3-c"]])
    }
}
