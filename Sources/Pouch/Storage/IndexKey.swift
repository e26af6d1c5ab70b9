import CSQLite

/// The text of a Mango index key in SQLite, ordered by the `pouch_mango`
/// collation in CouchDB's view order.
///
/// An entry is the JSON array of the indexed values, a NUL byte and the
/// document id: entries sort by their values in CouchDB's collation, then
/// by id in raw order, as CouchDB orders view rows. A bound is a JSON
/// array of leading values, optionally followed by a 0xFF byte that puts
/// it after every entry starting with those values. Neither byte occurs
/// in serialised JSON.
package enum IndexKey {
    /// The collation's name in SQL.
    static let collation = "pouch_mango"

    /// An entry's text.
    static func entry(_ values: [JSON], id: String) -> [UInt8] {
        JSON.array(values).serializedBytes() + [0] + Array(id.utf8)
    }

    /// A bound's text; `afterPrefix` places it after every key with these
    /// leading values.
    static func bound(_ values: [JSON], afterPrefix: Bool) -> [UInt8] {
        JSON.array(values).serializedBytes() + (afterPrefix ? [0xFF] : [])
    }

    /// The entry for a bookmark's key: `[values..., id]`.
    static func entry(bookmark: JSON) -> [UInt8]? {
        guard var values = bookmark.arrayValue, let id = values.popLast()?.stringValue else {
            return nil
        }
        return entry(values, id: id)
    }

    /// An entry's values and id, as a bookmark's key `[values..., id]`.
    static func bookmark(_ text: [UInt8]) -> JSON {
        text.withUnsafeBytes { bytes in
            let parts = split(bytes)
            var values = parts.values
            if case .id(let id) = parts.suffix {
                values.append(.string(String(decoding: id, as: UTF8.self)))
            }
            return .array(values)
        }
    }

    /// Registers the collation on a connection.
    package static func register(on handle: OpaquePointer) {
        sqlite3_create_collation_v2(
            handle, collation, SQLITE_UTF8, nil,
            { _, leftCount, left, rightCount, right in
                IndexKey.compare(
                    UnsafeRawBufferPointer(start: left, count: Int(leftCount)),
                    UnsafeRawBufferPointer(start: right, count: Int(rightCount)))
            }, nil)
    }

    private enum Suffix: Equatable {
        case none
        case id([UInt8])
        case max

        var rank: Int {
            switch self {
            case .none: return 0
            case .id: return 1
            case .max: return 2
            }
        }
    }

    /// Compares two keys: negative, zero or positive.
    static func compare(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Int32 {
        var comparator = IndexKeyComparator(left, right)
        if let result = comparator.compare() { return Int32(result.signum()) }
        return compareParsed(left, right)
    }

    /// Compares two keys by parsing them.
    static func compareParsed(
        _ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer
    ) -> Int32 {
        let a = split(left)
        let b = split(right)
        for (x, y) in zip(a.values, b.values) {
            let result = JSON.collate(x, y)
            if result != 0 { return Int32(result) }
        }
        if a.values.count != b.values.count {
            let shorterIsLeft = a.values.count < b.values.count
            let shorter = shorterIsLeft ? a : b
            let sign: Int32 = shorter.suffix == .max ? 1 : -1
            return shorterIsLeft ? sign : -sign
        }
        switch (a.suffix, b.suffix) {
        case (.id(let x), .id(let y)):
            if x == y { return 0 }
            return x.lexicographicallyPrecedes(y) ? -1 : 1
        default:
            return Int32(JSON.compareInts(a.suffix.rank, b.suffix.rank))
        }
    }

    private static func split(_ bytes: UnsafeRawBufferPointer) -> (values: [JSON], suffix: Suffix) {
        let end = bytes.firstIndex { $0 == 0 || $0 == 0xFF } ?? bytes.count
        let values = (try? JSON(parsing: bytes[..<end]))?.arrayValue ?? []
        guard end < bytes.count else { return (values, .none) }
        if bytes[end] == 0xFF { return (values, .max) }
        return (values, .id(Array(bytes[(end + 1)...])))
    }
}
