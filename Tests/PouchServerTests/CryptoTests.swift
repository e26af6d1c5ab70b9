import Testing

@testable import PouchServer

/// SHA-256, HMAC-SHA256 and PBKDF2-SHA256 against published test vectors.
@Suite struct CryptoTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    private func hex(_ text: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            result.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return result
    }

    // FIPS 180-2 appendix B examples.
    @Test func sha256OfAbc() {
        #expect(
            SHA256.digest(bytes("abc")).hexDigits
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func sha256OfTheTwoBlockMessage() {
        let message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(
            SHA256.digest(bytes(message)).hexDigits
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func sha256OfAMillionAs() {
        let message = [UInt8](repeating: 0x61, count: 1_000_000)
        #expect(
            SHA256.digest(message).hexDigits
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func sha256OfNothing() {
        #expect(
            SHA256.digest([UInt8]()).hexDigits
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    // RFC 4231 test cases 1, 2, 6.
    @Test func hmacCase1() {
        let key = [UInt8](repeating: 0x0b, count: 20)
        #expect(
            HMACSHA256.authenticationCode(key: key, message: bytes("Hi There")).hexDigits
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    @Test func hmacCase2() {
        let code = HMACSHA256.authenticationCode(
            key: bytes("Jefe"), message: bytes("what do ya want for nothing?"))
        #expect(
            code.hexDigits == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func hmacCase6WithAKeyLongerThanABlock() {
        let key = [UInt8](repeating: 0xaa, count: 131)
        let message = bytes("Test Using Larger Than Block-Size Key - Hash Key First")
        #expect(
            HMACSHA256.authenticationCode(key: key, message: message).hexDigits
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    // PBKDF2-HMAC-SHA256 vectors of RFC 7914 section 11.
    @Test func pbkdf2OneIteration() {
        let key = PBKDF2.derive(
            password: bytes("passwd"), salt: bytes("salt"), iterations: 1, length: 64)
        let expected =
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
            + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
        #expect(key == hex(expected))
    }

    // PBKDF2-HMAC-SHA256 with 4096 iterations, the RFC 6070 inputs; the
    // expected keys computed independently with Python's hashlib.
    @Test func pbkdf2ManyIterations() {
        let key = PBKDF2.derive(
            password: bytes("password"), salt: bytes("salt"), iterations: 4096, length: 32)
        #expect(key.hexDigits == "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a")
    }

    @Test func pbkdf2KeyLongerThanOneBlock() {
        let key = PBKDF2.derive(
            password: bytes("passwordPASSWORDpassword"),
            salt: bytes("saltSALTsaltSALTsaltSALTsaltSALTsalt"), iterations: 4096, length: 40)
        let expected =
            "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9"
        #expect(key.hexDigits == expected)
    }
}
