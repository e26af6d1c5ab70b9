import Foundation

/// Compares two index keys in CouchDB's collation by walking their JSON
/// text, without building `JSON` values: the index's B-tree calls it for
/// every comparison, so it must be cheap.
///
/// It reads the compact JSON Pouch's serialiser writes; `nil` means the
/// text is not such JSON, and the caller falls back to parsing.
struct IndexKeyComparator {
    private var a: Cursor
    private var b: Cursor

    init(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) {
        a = Cursor(bytes: left)
        b = Cursor(bytes: right)
    }

    /// Compares the two keys: their arrays element by element, a shorter
    /// array first unless it ends with the "after prefix" mark, then their
    /// suffixes (none, a document id in raw order, the mark).
    mutating func compare() -> Int? {
        guard a.take(UInt8(ascii: "[")), b.take(UInt8(ascii: "[")) else { return nil }
        while true {
            let aEnded = a.peek == UInt8(ascii: "]")
            let bEnded = b.peek == UInt8(ascii: "]")
            if aEnded || bEnded {
                a.index += aEnded ? 1 : 0
                b.index += bEnded ? 1 : 0
                return compareEnds(aEnded: aEnded, bEnded: bEnded)
            }
            guard let result = compareValue() else { return nil }
            if result != 0 { return result }
            _ = a.take(UInt8(ascii: ","))
            _ = b.take(UInt8(ascii: ","))
        }
    }

    private func compareEnds(aEnded: Bool, bEnded: Bool) -> Int {
        let aSuffix = a.suffix
        let bSuffix = b.suffix
        if aEnded && !bEnded { return aSuffix.isMax ? 1 : -1 }
        if bEnded && !aEnded { return bSuffix.isMax ? -1 : 1 }
        if aSuffix.rank != bSuffix.rank { return aSuffix.rank < bSuffix.rank ? -1 : 1 }
        guard aSuffix.rank == 1 else { return 0 }
        let left = a.bytes[(a.index + 1)...]
        let right = b.bytes[(b.index + 1)...]
        if left.elementsEqual(right) { return 0 }
        return left.lexicographicallyPrecedes(right) ? -1 : 1
    }

    /// Compares the values at both cursors and moves past them.
    private mutating func compareValue() -> Int? {
        guard let aRank = a.rank, let bRank = b.rank else { return nil }
        if aRank != bRank { return aRank < bRank ? -1 : 1 }
        switch aRank {
        case 0, 1, 2:
            a.index += aRank == 1 ? 5 : 4
            b.index += aRank == 1 ? 5 : 4
            return 0
        case 3:
            guard let x = a.number(), let y = b.number() else { return nil }
            return JSON.compareNumbers(x, y)
        case 4:
            guard let x = a.stringRange(), let y = b.stringRange() else { return nil }
            return compareStrings(x, y)
        case 5:
            return compareContainer(open: "[", close: "]", isObject: false)
        default:
            return compareContainer(open: "{", close: "}", isObject: true)
        }
    }

    private mutating func compareContainer(
        open: Unicode.Scalar, close: Unicode.Scalar, isObject: Bool
    ) -> Int? {
        guard a.take(UInt8(ascii: open)), b.take(UInt8(ascii: open)) else { return nil }
        while true {
            let aEnded = a.take(UInt8(ascii: close))
            let bEnded = b.take(UInt8(ascii: close))
            if aEnded || bEnded { return aEnded == bEnded ? 0 : (aEnded ? -1 : 1) }
            if isObject {
                guard let x = a.stringRange(), let y = b.stringRange(),
                    a.take(UInt8(ascii: ":")), b.take(UInt8(ascii: ":"))
                else { return nil }
                guard let keys = compareStrings(x, y) else { return nil }
                if keys != 0 { return keys }
            }
            guard let result = compareValue() else { return nil }
            if result != 0 { return result }
            _ = a.take(UInt8(ascii: ","))
            _ = b.take(UInt8(ascii: ","))
        }
    }

    /// Compares two string tokens (quotes included): in place when both are
    /// plain ASCII, else decoded.
    private func compareStrings(_ x: Range<Int>, _ y: Range<Int>) -> Int? {
        let left = UnsafeRawBufferPointer(
            rebasing: a.bytes[(x.lowerBound + 1)..<(x.upperBound - 1)])
        let right = UnsafeRawBufferPointer(
            rebasing: b.bytes[(y.lowerBound + 1)..<(y.upperBound - 1)])
        if !left.contains(UInt8(ascii: "\\")), !right.contains(UInt8(ascii: "\\")),
            let result = StringCollation.compareASCII(
                left.assumingMemoryBound(to: UInt8.self), right.assumingMemoryBound(to: UInt8.self))
        {
            return result
        }
        guard let leftString = try? JSON(parsing: a.bytes[x]).stringValue,
            let rightString = try? JSON(parsing: b.bytes[y]).stringValue
        else { return nil }
        return StringCollation.compare(leftString, rightString)
    }
}

extension IndexKeyComparator {
    /// A position in a key's bytes.
    fileprivate struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func take(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            index += 1
            return true
        }

        /// The collation rank of the value starting here.
        var rank: Int? {
            guard let byte = peek else { return nil }
            switch byte {
            case UInt8(ascii: "n"): return 0
            case UInt8(ascii: "f"): return 1
            case UInt8(ascii: "t"): return 2
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return 3
            case UInt8(ascii: "\""): return 4
            case UInt8(ascii: "["): return 5
            case UInt8(ascii: "{"): return 6
            default: return nil
            }
        }

        /// What follows the key's array: 0 none, 1 a document id, 2 the
        /// "after prefix" mark.
        var suffix: (rank: Int, isMax: Bool) {
            switch peek {
            case 0?: return (1, false)
            case 0xFF?: return (2, true)
            default: return (0, false)
            }
        }

        /// The number token here, read and passed.
        mutating func number() -> JSON? {
            let start = index
            var isInteger = true
            while let byte = peek, Cursor.isNumberByte(byte) {
                if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
                    || byte == UInt8(ascii: "E")
                {
                    isInteger = false
                }
                index += 1
            }
            let token = bytes[start..<index]
            guard !token.isEmpty else { return nil }
            if isInteger, let value = Cursor.integer(token) { return .int(value) }
            return try? JSON(parsing: token)
        }

        /// The range of the string token here, quotes included, passed.
        mutating func stringRange() -> Range<Int>? {
            let start = index
            guard take(UInt8(ascii: "\"")) else { return nil }
            while let byte = peek {
                index += byte == UInt8(ascii: "\\") ? 2 : 1
                if byte == UInt8(ascii: "\"") { return start..<index }
            }
            return nil
        }

        private static func isNumberByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"),
                UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                return true
            default:
                return false
            }
        }

        private static func integer(_ token: Slice<UnsafeRawBufferPointer>) -> Int64? {
            var digits = token[...]
            let isNegative = digits.first == UInt8(ascii: "-")
            if isNegative { digits = digits.dropFirst() }
            guard !digits.isEmpty else { return nil }
            var value: Int64 = 0
            for byte in digits {
                let digit = Int64(byte) - 48
                let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) =
                    isNegative
                    ? times.subtractingReportingOverflow(digit)
                    : times.addingReportingOverflow(digit)
                if overflow1 || overflow2 { return nil }
                value = sum
            }
            return value
        }
    }
}
