import Testing

@testable import Pouch

/// The order of Mango index keys in SQLite: CouchDB's collation of the
/// values, then the document id in raw order.
@Suite struct IndexKeyTests {
    static func compare(_ a: [UInt8], _ b: [UInt8]) -> (fast: Int32, parsed: Int32) {
        a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in
                (IndexKey.compare(left, right), IndexKey.compareParsed(left, right))
            }
        }
    }

    static let values: [JSON] = [
        .null, false, true, -5, 0, 1, 1.5, 2, 1e300, "", "a", "A", "aa", "b", "é", "a\"b", "\u{1}",
        [], ["a"], ["a", 1], [:], ["a": 1], ["a": ["b": .null]], ["b": 1],
    ]

    @Test func walkingTheTextAgreesWithParsingIt() {
        for x in Self.values {
            for y in Self.values {
                let a = IndexKey.entry([x, 1], id: "id1")
                let b = IndexKey.entry([y, 1], id: "id2")
                let (fast, parsed) = Self.compare(a, b)
                #expect(fast == parsed, "\(x) vs \(y)")
                #expect(Int(parsed) == JSON.collate(x, y) || JSON.collate(x, y) == 0)
            }
        }
    }

    @Test func ordersEntriesBetweenTheirBounds() {
        let entry = IndexKey.entry(["visit", "2024-01-15"], id: "r2")
        let start = IndexKey.bound(["visit"], afterPrefix: false)
        let end = IndexKey.bound(["visit"], afterPrefix: true)
        #expect(Self.compare(start, entry).fast < 0)
        #expect(Self.compare(entry, end).fast < 0)
        #expect(Self.compare(IndexKey.bound(["viz"], afterPrefix: false), entry).fast > 0)
        // Equal values: ids in raw order, "B" before "a".
        let upper = IndexKey.entry(["v"], id: "B")
        let lower = IndexKey.entry(["v"], id: "a")
        #expect(Self.compare(upper, lower) == (-1, -1))
        #expect(IndexKey.bookmark(lower) == ["v", "a"])
        #expect(IndexKey.entry(bookmark: ["v", "a"]) == lower)
    }
}
