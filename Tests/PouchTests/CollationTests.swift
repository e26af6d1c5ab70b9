import Foundation
import Testing

@testable import Pouch

@Suite struct CollationTests {
    /// The example from CouchDB's "Views Collation" documentation, in the
    /// order CouchDB sorts it.
    static let documentedOrder: [String] = [
        "null", "false", "true", "1", "2", "3.0", "4",
        #""a""#, #""A""#, #""aa""#, #""b""#, #""B""#, #""ba""#, #""bb""#,
        #"["a"]"#, #"["b"]"#, #"["b","c"]"#, #"["b","c","a"]"#, #"["b","d"]"#,
        #"["b","d","e"]"#,
        #"{"a":1}"#, #"{"a":2}"#, #"{"b":1}"#, #"{"b":2}"#, #"{"b":2,"a":1}"#,
        #"{"b":2,"c":2}"#,
    ]

    @Test func sortsCouchDBsDocumentedViewCollationExample() throws {
        let values = try Self.documentedOrder.map { try JSON(parsing: $0) }
        for i in values.indices {
            for j in values.indices {
                let expected = i < j ? -1 : (i == j ? 0 : 1)
                #expect(JSON.collate(values[i], values[j]) == expected, "\(values[i]) \(values[j])")
            }
        }
        var shuffled = values
        shuffled.reverse()
        shuffled.swapAt(0, 7)
        shuffled.sort { $0.collates(before: $1) }
        #expect(shuffled == values)
    }

    /// CouchDB's documentation: symbols sort before digits and letters, even
    /// `~` (0x7E); letters compare case-insensitively first, then lower case
    /// before upper case.
    @Test func ordersASCIIAsICUDoes() {
        let order = Array(#"_-,;:!?.'"()[]{}@*/\&#%`^+<=>|~$0123456789aAbBcCdDeEfFzZ"#)
            .map { String($0) }
        for (earlier, later) in zip(order, order.dropFirst()) {
            #expect(StringCollation.compare(earlier, later) < 0, "\(earlier) < \(later)")
        }
        #expect(StringCollation.compare("a", "aa") < 0)
        #expect(StringCollation.compare("A", "aa") < 0)
        #expect(StringCollation.compare("a", "AA") < 0)
        #expect(StringCollation.compare("a", "A") < 0)
        #expect(StringCollation.compare("aB", "Ab") < 0)
        #expect(StringCollation.compare("a b", "a-b") < 0)
        #expect(StringCollation.compare("a-b", "aa") < 0)
    }

    @Test func comparesAccentsAfterBaseLettersAndBeforeTheNextLetter() {
        let order = ["a", "A", "á", "ä", "Ä", "ab", "b", "e", "é", "f"]
        for (earlier, later) in zip(order, order.dropFirst()) {
            #expect(StringCollation.compare(earlier, later) < 0, "\(earlier) < \(later)")
        }
        // Canonically equivalent spellings are one string.
        #expect(StringCollation.compare("\u{E9}", "e\u{301}") == 0)
    }

    /// The ASCII fast path agrees with Foundation's ICU collation.
    @Test func asciiFastPathAgreesWithICU() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("aAbBzZ09 _-.~$\t")
        let locale = Locale(identifier: "en")
        for _ in 0..<2000 {
            let a = String(
                (0..<Int.random(in: 0...4, using: &generator)).map { _ in
                    alphabet.randomElement(using: &generator)!
                })
            let b = String(
                (0..<Int.random(in: 0...4, using: &generator)).map { _ in
                    alphabet.randomElement(using: &generator)!
                })
            let icu = a.compare(b, options: [], range: nil, locale: locale)
            let ours = StringCollation.compare(a, b)
            if icu != .orderedSame {
                #expect(ours == (icu == .orderedAscending ? -1 : 1), "\(a) vs \(b)")
            }
        }
    }

    @Test func comparesNumbersByValueAcrossIntegersAndDoubles() {
        #expect(JSON.collate(1, 1.0) == 0)
        #expect(JSON.collate(1, 1.5) < 0)
        #expect(JSON.collate(2.5, 2) > 0)
        #expect(JSON.collate(-1, -0.5) < 0)
        #expect(JSON.collate(.int(Int64.max), 9.3e18) < 0)
        #expect(JSON.collate(.int(9_007_199_254_740_993), 9_007_199_254_740_992.0) > 0)
        #expect(JSON.collate(.int(Int64.min), -9.3e18) > 0)
    }

    @Test func comparesObjectsByMembersInWrittenOrder() throws {
        let ab = try JSON(parsing: #"{"a":1,"b":2}"#)
        let ba = try JSON(parsing: #"{"b":2,"a":1}"#)
        #expect(JSON.collate(ab, ba) < 0)
        #expect(JSON.collate(["a": 1], ab) < 0)
    }
}
