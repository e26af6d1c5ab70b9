import Testing

@testable import Pouch

@Suite struct JSONTests {
    @Test func keepsMemberOrderAndExactIntegers() throws {
        let text = #"{"z":1,"a":9223372036854775807,"m":-9223372036854775808,"d":0.1}"#
        let value = try JSON(parsing: text)
        #expect(value.objectValue?.keys == ["z", "a", "m", "d"])
        #expect(value["a"] == .int(Int64.max))
        #expect(value["m"] == .int(Int64.min))
        #expect(value.serialized() == text)
    }

    @Test func roundTripsDoubles() throws {
        for number in [0.1, 1e-7, 1.5e300, -2.25, 123456.789, Double.leastNonzeroMagnitude] {
            let text = JSON.double(number).serialized()
            #expect(try JSON(parsing: text).doubleValue == number)
        }
        #expect(JSON.double(2).serialized() == "2.0")
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSON(parsing: #""a\"b\\c\/\n\u00e9\ud83d\ude00""#)
        #expect(value == .string("a\"b\\c/\né😀"))
        #expect(JSON.string("q\"\u{1}").serialized() == #""q\"\u0001""#)
    }

    @Test(arguments: [
        ("[1,2,]", 5), ("{\"a\":1,}", 7), ("\"\\x\"", 1), ("\"\\ud800\"", 1),
        ("\"a\u{1}\"", 2), ("01", 1), ("[1] x", 4), ("{\"a\" 1}", 5), ("tru", 0),
        ("\"\\udc00\"", 1), ("-", 1), ("1.", 2), ("", 0),
    ])
    func rejectsInvalidTextAtItsOffset(text: String, offset: Int) {
        #expect(throws: JSONParseError.self) { try JSON(parsing: text) }
        do {
            _ = try JSON(parsing: text)
        } catch {
            #expect(error.offset == offset, "\(text): \(error)")
        }
    }

    @Test func rejectsNestingDeeperThanTheLimit() throws {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParseError.self) { try JSON(parsing: deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(try JSON(parsing: fine).arrayValue?.count == 1)
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSON(parsing: [0x22, 0xFF, 0x22]) }
    }

    @Test func objectsCompareWithoutRegardToOrder() throws {
        #expect(try JSON(parsing: #"{"a":1,"b":2}"#) == JSON(parsing: #"{"b":2,"a":1}"#))
    }
}

@Suite struct MD5Tests {
    // Test vectors from RFC 1321, appendix A.5.
    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        (
            "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
            "57edf4a22be3c955ac49da2e2107b67a"
        ),
    ])
    func matchesRFC1321Vectors(input: String, hex: String) {
        #expect(MD5.digest(Array(input.utf8)).hexString == hex)
    }

    // Lengths around the padding boundaries (55/56 bytes fit one block's
    // padding or spill into a second); digests from Python's hashlib.
    @Test(arguments: [
        (55, "8d24280288a696559fd8d5aa1b6d8c6e"), (56, "ef2c72b7254c92459e498eddd4ace573"),
        (57, "5e319059f1ba9373988437b589fb9f21"), (63, "c4c8c6d513f4e1604eb18508a1769364"),
        (64, "a2fcb39a253b9b785b1f97518fa37683"), (65, "e49fe82d0bb12967a196c85de313e446"),
        (119, "1640deea49ebb258ec6ede18d4b2d2d7"), (120, "05f879f7b542a7ebf0605adff67d4423"),
        (128, "fe942895e9aae953f3e246e5fd00739d"),
    ])
    func matchesHashlibAroundBlockBoundaries(length: Int, hex: String) {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 7) }
        #expect(MD5.digest(bytes).hexString == hex)
        var streamed = MD5()
        for chunk in stride(from: 0, to: length, by: 5) {
            streamed.update(bytes[chunk..<min(chunk + 5, length)])
        }
        #expect(streamed.finalize().hexString == hex)
    }

    @Test func streamingEqualsOneShot() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        var md5 = MD5()
        for chunk in stride(from: 0, to: bytes.count, by: 37) {
            md5.update(bytes[chunk..<min(chunk + 37, bytes.count)])
        }
        #expect(md5.finalize() == MD5.digest(bytes))
    }
}
