import Foundation

/// MD5 (RFC 1321), streaming: feed bytes with `update`, read the digest with
/// `finalize`. CouchDB names attachment digests and revision hashes by it.
public struct MD5: Sendable {
    private var state: (UInt32, UInt32, UInt32, UInt32) =
        (0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476)
    /// Bytes waiting for a whole 64-byte block, kept inline so hashing
    /// allocates nothing; `pendingCount` of them are used.
    private var pending: Block = (0, 0, 0, 0, 0, 0, 0, 0)
    private var pendingCount = 0
    private var length: UInt64 = 0

    private typealias Block = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    @inline(__always)
    private static func word(_ raw: UnsafeRawPointer, _ index: Int) -> UInt32 {
        UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self))
    }

    @inline(__always)
    private static func step(
        _ a: UInt32, _ b: UInt32, _ mixed: UInt32, _ word: UInt32, _ shift: UInt32,
        _ constant: UInt32
    ) -> UInt32 {
        let sum = a &+ mixed &+ word &+ constant
        return b &+ (sum << shift | sum >> (32 &- shift))
    }

    @inline(__always)
    private static func f(
        _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ x: UInt32, _ s: UInt32,
        _ t: UInt32
    ) -> UInt32 { step(a, b, (b & c) | (~b & d), x, s, t) }

    @inline(__always)
    private static func g(
        _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ x: UInt32, _ s: UInt32,
        _ t: UInt32
    ) -> UInt32 { step(a, b, (b & d) | (c & ~d), x, s, t) }

    @inline(__always)
    private static func h(
        _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ x: UInt32, _ s: UInt32,
        _ t: UInt32
    ) -> UInt32 { step(a, b, b ^ c ^ d, x, s, t) }

    @inline(__always)
    private static func i(
        _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ x: UInt32, _ s: UInt32,
        _ t: UInt32
    ) -> UInt32 { step(a, b, c ^ (b | ~d), x, s, t) }

    public init() {}

    /// The digest of `bytes` in one call.
    public static func digest<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8]
    where Bytes.Element == UInt8 {
        var md5 = MD5()
        md5.update(bytes)
        return md5.finalize()
    }

    /// Adds `bytes` to the message.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            update(buffer: buffer)
        }
        if handled == nil {
            let copy = Array(bytes)
            copy.withUnsafeBufferPointer { update(buffer: $0) }
        }
    }

    private mutating func update(buffer: UnsafeBufferPointer<UInt8>) {
        length &+= UInt64(buffer.count)
        var offset = 0
        if pendingCount > 0 {
            offset = min(64 - pendingCount, buffer.count)
            let start = pendingCount
            withUnsafeMutableBytes(of: &pending) { block in
                block.baseAddress!.advanced(by: start).copyMemory(
                    from: buffer.baseAddress!, byteCount: offset)
            }
            pendingCount += offset
            guard pendingCount == 64 else { return }
            processPending()
        }
        while offset + 64 <= buffer.count {
            process(block: buffer.baseAddress! + offset)
            offset += 64
        }
        if offset < buffer.count {
            let rest = buffer.count - offset
            withUnsafeMutableBytes(of: &pending) { block in
                block.baseAddress!.copyMemory(from: buffer.baseAddress! + offset, byteCount: rest)
            }
            pendingCount = rest
        }
    }

    /// Hashes the full pending block and empties it.
    private mutating func processPending() {
        var block = pending
        withUnsafeBytes(of: &block) { process(block: $0.bindMemory(to: UInt8.self).baseAddress!) }
        pendingCount = 0
    }

    /// Pads the message and returns the 16-byte digest.
    public mutating func finalize() -> [UInt8] {
        let bitLength = length &* 8
        let zeros = (55 - Int(length % 64) + 64) % 64
        var tail: (Block, UInt64) = ((0, 0, 0, 0, 0, 0, 0, 0), 0)
        withUnsafeMutableBytes(of: &tail) { bytes in
            bytes[0] = 0x80
            for shift in 0..<8 {
                bytes[1 + zeros + shift] = UInt8(truncatingIfNeeded: bitLength >> UInt64(shift * 8))
            }
        }
        let savedLength = length
        withUnsafeBytes(of: &tail) { bytes in
            update(
                buffer: UnsafeBufferPointer(
                    rebasing: bytes.bindMemory(to: UInt8.self)[0..<(9 + zeros)]))
        }
        length = savedLength
        let (a, b, c, d) = state
        return [UInt8](unsafeUninitializedCapacity: 16) { output, count in
            MD5.store(a, in: &output, at: 0)
            MD5.store(b, in: &output, at: 4)
            MD5.store(c, in: &output, at: 8)
            MD5.store(d, in: &output, at: 12)
            count = 16
        }
    }

    /// Writes `word` little-endian at `offset`.
    private static func store(
        _ word: UInt32, in output: inout UnsafeMutableBufferPointer<UInt8>, at offset: Int
    ) {
        for byte in 0..<4 {
            output[offset + byte] = UInt8(truncatingIfNeeded: word >> UInt32(byte * 8))
        }
    }

    private mutating func process(block: UnsafePointer<UInt8>) {
        // The 64 steps of RFC 1321, unrolled; words are read in place.
        let raw = UnsafeRawPointer(block)
        let x0 = MD5.word(raw, 0)
        let x1 = MD5.word(raw, 1)
        let x2 = MD5.word(raw, 2)
        let x3 = MD5.word(raw, 3)
        let x4 = MD5.word(raw, 4)
        let x5 = MD5.word(raw, 5)
        let x6 = MD5.word(raw, 6)
        let x7 = MD5.word(raw, 7)
        let x8 = MD5.word(raw, 8)
        let x9 = MD5.word(raw, 9)
        let x10 = MD5.word(raw, 10)
        let x11 = MD5.word(raw, 11)
        let x12 = MD5.word(raw, 12)
        let x13 = MD5.word(raw, 13)
        let x14 = MD5.word(raw, 14)
        let x15 = MD5.word(raw, 15)
        var (a, b, c, d) = state
        a = MD5.f(a, b, c, d, x0, 7, 0xd76aa478)
        d = MD5.f(d, a, b, c, x1, 12, 0xe8c7b756)
        c = MD5.f(c, d, a, b, x2, 17, 0x242070db)
        b = MD5.f(b, c, d, a, x3, 22, 0xc1bdceee)
        a = MD5.f(a, b, c, d, x4, 7, 0xf57c0faf)
        d = MD5.f(d, a, b, c, x5, 12, 0x4787c62a)
        c = MD5.f(c, d, a, b, x6, 17, 0xa8304613)
        b = MD5.f(b, c, d, a, x7, 22, 0xfd469501)
        a = MD5.f(a, b, c, d, x8, 7, 0x698098d8)
        d = MD5.f(d, a, b, c, x9, 12, 0x8b44f7af)
        c = MD5.f(c, d, a, b, x10, 17, 0xffff5bb1)
        b = MD5.f(b, c, d, a, x11, 22, 0x895cd7be)
        a = MD5.f(a, b, c, d, x12, 7, 0x6b901122)
        d = MD5.f(d, a, b, c, x13, 12, 0xfd987193)
        c = MD5.f(c, d, a, b, x14, 17, 0xa679438e)
        b = MD5.f(b, c, d, a, x15, 22, 0x49b40821)
        a = MD5.g(a, b, c, d, x1, 5, 0xf61e2562)
        d = MD5.g(d, a, b, c, x6, 9, 0xc040b340)
        c = MD5.g(c, d, a, b, x11, 14, 0x265e5a51)
        b = MD5.g(b, c, d, a, x0, 20, 0xe9b6c7aa)
        a = MD5.g(a, b, c, d, x5, 5, 0xd62f105d)
        d = MD5.g(d, a, b, c, x10, 9, 0x02441453)
        c = MD5.g(c, d, a, b, x15, 14, 0xd8a1e681)
        b = MD5.g(b, c, d, a, x4, 20, 0xe7d3fbc8)
        a = MD5.g(a, b, c, d, x9, 5, 0x21e1cde6)
        d = MD5.g(d, a, b, c, x14, 9, 0xc33707d6)
        c = MD5.g(c, d, a, b, x3, 14, 0xf4d50d87)
        b = MD5.g(b, c, d, a, x8, 20, 0x455a14ed)
        a = MD5.g(a, b, c, d, x13, 5, 0xa9e3e905)
        d = MD5.g(d, a, b, c, x2, 9, 0xfcefa3f8)
        c = MD5.g(c, d, a, b, x7, 14, 0x676f02d9)
        b = MD5.g(b, c, d, a, x12, 20, 0x8d2a4c8a)
        a = MD5.h(a, b, c, d, x5, 4, 0xfffa3942)
        d = MD5.h(d, a, b, c, x8, 11, 0x8771f681)
        c = MD5.h(c, d, a, b, x11, 16, 0x6d9d6122)
        b = MD5.h(b, c, d, a, x14, 23, 0xfde5380c)
        a = MD5.h(a, b, c, d, x1, 4, 0xa4beea44)
        d = MD5.h(d, a, b, c, x4, 11, 0x4bdecfa9)
        c = MD5.h(c, d, a, b, x7, 16, 0xf6bb4b60)
        b = MD5.h(b, c, d, a, x10, 23, 0xbebfbc70)
        a = MD5.h(a, b, c, d, x13, 4, 0x289b7ec6)
        d = MD5.h(d, a, b, c, x0, 11, 0xeaa127fa)
        c = MD5.h(c, d, a, b, x3, 16, 0xd4ef3085)
        b = MD5.h(b, c, d, a, x6, 23, 0x04881d05)
        a = MD5.h(a, b, c, d, x9, 4, 0xd9d4d039)
        d = MD5.h(d, a, b, c, x12, 11, 0xe6db99e5)
        c = MD5.h(c, d, a, b, x15, 16, 0x1fa27cf8)
        b = MD5.h(b, c, d, a, x2, 23, 0xc4ac5665)
        a = MD5.i(a, b, c, d, x0, 6, 0xf4292244)
        d = MD5.i(d, a, b, c, x7, 10, 0x432aff97)
        c = MD5.i(c, d, a, b, x14, 15, 0xab9423a7)
        b = MD5.i(b, c, d, a, x5, 21, 0xfc93a039)
        a = MD5.i(a, b, c, d, x12, 6, 0x655b59c3)
        d = MD5.i(d, a, b, c, x3, 10, 0x8f0ccc92)
        c = MD5.i(c, d, a, b, x10, 15, 0xffeff47d)
        b = MD5.i(b, c, d, a, x1, 21, 0x85845dd1)
        a = MD5.i(a, b, c, d, x8, 6, 0x6fa87e4f)
        d = MD5.i(d, a, b, c, x15, 10, 0xfe2ce6e0)
        c = MD5.i(c, d, a, b, x6, 15, 0xa3014314)
        b = MD5.i(b, c, d, a, x13, 21, 0x4e0811a1)
        a = MD5.i(a, b, c, d, x4, 6, 0xf7537e82)
        d = MD5.i(d, a, b, c, x11, 10, 0xbd3af235)
        c = MD5.i(c, d, a, b, x2, 15, 0x2ad7d2bb)
        b = MD5.i(b, c, d, a, x9, 21, 0xeb86d391)
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
    }
}

extension Array where Element == UInt8 {
    /// The bytes as lowercase hexadecimal.
    public var hexString: String {
        String(unsafeUninitializedCapacity: count * 2) { output in
            for (index, byte) in enumerated() {
                output[index * 2] = hexDigit(byte >> 4)
                output[index * 2 + 1] = hexDigit(byte & 0x0F)
            }
            return count * 2
        }
    }

    private func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
