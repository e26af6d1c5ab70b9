import Foundation

extension JSON {
    /// Compares two values in CouchDB's collation order, the order of view
    /// keys and of Mango comparisons.
    ///
    /// `null` < `false` < `true` < numbers < strings < arrays < objects.
    /// Numbers compare by value, so `1` and `1.0` are equal. Strings compare
    /// as ICU's root collation does (`"a"` < `"A"` < `"aa"` < `"b"`). Arrays
    /// compare element by element, a prefix first; objects member by member
    /// (key, then value) in their written order, a prefix first.
    ///
    /// - Returns: a negative number, zero or a positive number as `lhs`
    ///   sorts before, with or after `rhs`.
    /// - Complexity: O(n) in the size of the smaller value.
    public static func collate(_ lhs: JSON, _ rhs: JSON) -> Int {
        let leftRank = lhs.collationRank
        let rightRank = rhs.collationRank
        if leftRank != rightRank { return leftRank < rightRank ? -1 : 1 }
        switch (lhs, rhs) {
        case (.string(let left), .string(let right)):
            return StringCollation.compare(left, right)
        case (.array(let left), .array(let right)):
            return collateArrays(left, right)
        case (.object(let left), .object(let right)):
            return collateObjects(left, right)
        default:
            return leftRank == 3 ? compareNumbers(lhs, rhs) : 0
        }
    }

    /// Whether this value sorts before `other` in CouchDB's collation.
    public func collates(before other: JSON) -> Bool {
        JSON.collate(self, other) < 0
    }

    /// The position of this value's type in CouchDB's collation.
    var collationRank: Int {
        switch self {
        case .null: return 0
        case .bool(let value): return value ? 2 : 1
        case .int, .double: return 3
        case .string: return 4
        case .array: return 5
        case .object: return 6
        }
    }

    private static func collateArrays(_ left: [JSON], _ right: [JSON]) -> Int {
        for (a, b) in zip(left, right) {
            let result = collate(a, b)
            if result != 0 { return result }
        }
        return compareInts(left.count, right.count)
    }

    private static func collateObjects(_ left: JSONObject, _ right: JSONObject) -> Int {
        for (a, b) in zip(left.members, right.members) {
            let keys = StringCollation.compare(a.key, b.key)
            if keys != 0 { return keys }
            let values = collate(a.value, b.value)
            if values != 0 { return values }
        }
        return compareInts(left.count, right.count)
    }

    /// Compares two numbers by value, exactly even for integers beyond 2^53.
    static func compareNumbers(_ lhs: JSON, _ rhs: JSON) -> Int {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return compareInts(a, b)
        case (.int(let a), .double(let b)): return compare(a, b)
        case (.double(let a), .int(let b)): return -compare(b, a)
        case (.double(let a), .double(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        default: return 0
        }
    }

    private static func compare(_ integer: Int64, _ double: Double) -> Int {
        if double >= 9_223_372_036_854_775_808.0 { return -1 }
        if double < -9_223_372_036_854_775_808.0 { return 1 }
        let whole = double.rounded(.towardZero)
        let result = compareInts(integer, Int64(whole))
        if result != 0 { return result }
        let fraction = double - whole
        return fraction > 0 ? -1 : (fraction < 0 ? 1 : 0)
    }

    static func compareInts<T: Comparable>(_ a: T, _ b: T) -> Int {
        a < b ? -1 : (a == b ? 0 : 1)
    }
}

/// CouchDB's string collation: ICU's root collation at tertiary strength
/// with punctuation not ignored, which CouchDB uses for view keys and Mango.
///
/// ASCII strings are compared by a table of ICU's weights without leaving
/// Swift; other strings go through Foundation's ICU-backed comparison.
///
/// Limitation: strings ICU finds equal (such as ones differing only by
/// control characters) are ordered by code point here, where CouchDB treats
/// them as equal keys; this affects `$eq` on such strings only.
package enum StringCollation {
    private static let locale = Locale(identifier: "en")

    /// Compares two strings: negative, zero or positive.
    package static func compare(_ lhs: String, _ rhs: String) -> Int {
        if lhs == rhs { return 0 }
        var left = lhs
        var right = rhs
        let ascii = left.withUTF8 { a in right.withUTF8 { b in compareASCII(a, b) } }
        if let ascii { return ascii }
        switch lhs.compare(rhs, options: [], range: nil, locale: locale) {
        case .orderedAscending: return -1
        case .orderedDescending: return 1
        case .orderedSame: return compareScalars(lhs, rhs)
        }
    }

    /// The comparison of two ASCII strings by ICU's weights, or `nil` when
    /// either holds a byte outside ASCII.
    static func compareASCII(
        _ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>
    ) -> Int? {
        var i = 0
        var j = 0
        var caseDifference = 0
        while true {
            guard let left = nextWeight(a, &i), let right = nextWeight(b, &j) else {
                return nil
            }
            if left.primary != right.primary {
                return left.primary < right.primary ? -1 : 1
            }
            if left.primary == endWeight {
                return caseDifference != 0 ? caseDifference : compareBytes(a, b)
            }
            if caseDifference == 0 && left.isUpper != right.isUpper {
                caseDifference = left.isUpper ? 1 : -1
            }
        }
    }

    private static let endWeight: UInt8 = 0

    /// The weight of the next non-ignorable byte from `index`, `endWeight`
    /// at the end, or `nil` for a byte outside ASCII.
    private static func nextWeight(
        _ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int
    ) -> (primary: UInt8, isUpper: Bool)? {
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte >= 0x80 { return nil }
            let weight = primaryWeights[Int(byte)]
            if weight != 0 { return (weight, byte >= 0x41 && byte <= 0x5A) }
        }
        return (endWeight, false)
    }

    /// ICU's root order of the ASCII characters that are not ignorable:
    /// whitespace, punctuation and symbols, digits, then letters with each
    /// upper-case letter sharing its lower-case letter's primary weight.
    private static let primaryWeights: [UInt8] = {
        var weights = [UInt8](repeating: 0, count: 128)
        let order = "\t\n\u{0B}\u{0C}\r _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789"
        var next: UInt8 = 1
        for byte in order.utf8 {
            weights[Int(byte)] = next
            next += 1
        }
        for letter in UInt8(ascii: "a")...UInt8(ascii: "z") {
            weights[Int(letter)] = next
            weights[Int(letter - 0x20)] = next
            next += 1
        }
        return weights
    }()

    private static func compareBytes(
        _ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>
    ) -> Int {
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return JSON.compareInts(a.count, b.count)
    }

    private static func compareScalars(_ lhs: String, _ rhs: String) -> Int {
        for (x, y) in zip(lhs.unicodeScalars, rhs.unicodeScalars) where x != y {
            return x.value < y.value ? -1 : 1
        }
        return JSON.compareInts(lhs.unicodeScalars.count, rhs.unicodeScalars.count)
    }
}
