import CZlib
import Pouch

/// Decompresses a gzip stream (RFC 1952) read from another byte stream,
/// one chunk at a time, as `gunzip` does; concatenated members are read in
/// turn.
final class GzipByteStream: ByteStream {
    private let source: any ByteStream
    private let stream: UnsafeMutablePointer<z_stream>
    private let outputSize: Int
    private var input: [UInt8] = []
    private var inputOffset = 0
    private var sourceEnded = false
    private var memberEnded = false
    private var finished = false

    /// Prepares to inflate `source`; zlib's gzip header detection is asked
    /// for with window bits `16 + MAX_WBITS`.
    init(source: any ByteStream, outputSize: Int = 1 << 16) throws(PouchError) {
        self.source = source
        self.outputSize = outputSize
        // zlib keeps a pointer back to the z_stream, so it must not move.
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = inflateInit2_(
            stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deallocate()
            throw PouchError(.internalError, "zlib inflateInit2 failed (\(status))", status: 500)
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    func nextChunk() throws(PouchError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: outputSize)
        var produced = 0
        while produced == 0, !finished {
            try refillInput()
            if finished { break }
            produced = try inflateStep(into: &output)
        }
        output.removeSubrange(produced...)
        return output
    }

    /// Reads more compressed bytes when zlib has used all it was given,
    /// and ends or restarts at a member boundary.
    private func refillInput() throws(PouchError) {
        if inputOffset == input.count, !sourceEnded {
            input = try source.nextChunk()
            inputOffset = 0
            sourceEnded = input.isEmpty
        }
        guard memberEnded else {
            if inputOffset == input.count, sourceEnded {
                throw PouchError.badRequest("gzip data ends before its end marker")
            }
            return
        }
        // After a member, only another member may follow.
        if inputOffset == input.count, sourceEnded {
            finished = true
        } else {
            inflateReset(stream)
            memberEnded = false
        }
    }

    /// Runs one `inflate` call over the pending input; returns the bytes it
    /// wrote into `output`.
    private func inflateStep(into output: inout [UInt8]) throws(PouchError) -> Int {
        let outputCount = output.count
        let (status, consumed, produced) = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                let available = inBuffer.count - inputOffset
                stream.pointee.next_in = inBuffer.baseAddress.map { $0 + inputOffset }
                stream.pointee.avail_in = UInt32(available)
                stream.pointee.next_out = outBuffer.baseAddress
                stream.pointee.avail_out = UInt32(outputCount)
                let status = inflate(stream, Z_NO_FLUSH)
                let consumed = available - Int(stream.pointee.avail_in)
                return (status, consumed, outputCount - Int(stream.pointee.avail_out))
            }
        }
        inputOffset += consumed
        switch status {
        case Z_STREAM_END:
            memberEnded = true
        case Z_OK, Z_BUF_ERROR:
            break
        default:
            throw PouchError.badRequest("invalid gzip data (zlib status \(status))")
        }
        return produced
    }
}
