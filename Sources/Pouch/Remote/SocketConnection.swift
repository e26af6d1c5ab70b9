import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One blocking HTTP/1.1 connection over a TCP socket: connects, sends a
/// request and reads the answer (`Content-Length`, chunked, or to the end
/// of the connection), for `SocketTransport`.
///
/// Used by one request at a time; `SocketTransport` keeps idle ones for
/// reuse (keep-alive).
final class SocketConnection: @unchecked Sendable {
    /// How a read or write ended short.
    enum Failure: Error {
        /// Nothing of an answer arrived: refused, reset or closed.
        case noAnswer(String)
        /// The head arrived, then the connection closed `received` bytes in.
        case truncated(received: Int, expected: Int?, cause: String)
        /// No bytes for longer than the timeout.
        case timedOut(String)
    }

    let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Connects to `host`:`port` (any address it resolves to), waiting at
    /// most `timeout` seconds for each step.
    static func connect(
        host: String, port: Int, timeout: TimeInterval
    ) throws(Failure)
        -> SocketConnection
    {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .noAnswer("cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var cause = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            let fd = socket(
                address.pointee.ai_family,
                address.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd >= 0 {
                setTimeout(fd, timeout)
                if Glibc.connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 {
                    var one: Int32 = 1
                    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, 4)
                    return SocketConnection(descriptor: fd)
                }
                cause = "connect: \(String(cString: strerror(errno)))"
                close(fd)
            }
            entry = address.pointee.ai_next
        }
        throw .noAnswer(cause)
    }

    /// Sets how long one send or receive may wait.
    static func setTimeout(_ fd: Int32, _ seconds: TimeInterval) {
        let whole = max(0, seconds)
        var value = timeval(
            tv_sec: Int(whole), tv_usec: Int((whole - whole.rounded(.down)) * 1_000_000))
        if value.tv_sec == 0 && value.tv_usec == 0 { value.tv_usec = 1000 }
        let size = socklen_t(MemoryLayout<timeval>.size)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, size)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, size)
    }

    /// Writes all of `bytes`.
    func send(_ bytes: [UInt8]) throws(Failure) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                Glibc.send(
                    descriptor, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
            }
            if count > 0 {
                sent += count
            } else if count < 0, errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                throw .timedOut("send timed out")
            } else {
                throw .noAnswer("send: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Reads more bytes into the buffer; `false` at the end of the stream.
    private func fill() throws(Failure) -> Bool {
        if start > 0, start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        let chunk = 65_536
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunk))
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in
                recv(descriptor, raw.baseAddress! + old, chunk, 0)
            }
            if count >= 0 {
                buffer.removeLast(chunk - count)
                return count > 0
            }
            if errno == EINTR { continue }
            buffer.removeLast(chunk)
            if errno == EAGAIN || errno == EWOULDBLOCK { throw .timedOut("no bytes in time") }
            throw .noAnswer("recv: \(String(cString: strerror(errno)))")
        }
    }

    /// The bytes up to the next CRLF (excluded); `nil` at the end of the
    /// stream.
    func readLine() throws(Failure) -> [UInt8]? {
        var scanned = start
        while true {
            if let end = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[start..<end])
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                start = end + 1
                return line
            }
            // `fill` may move the unread bytes to the front of the buffer.
            let alreadyScanned = buffer.count - start
            guard try fill() else { return nil }
            scanned = start + alreadyScanned
        }
    }

    /// Up to `count` bytes, fewer only at the end of the stream.
    func read(upTo count: Int, into body: inout [UInt8]) throws(Failure) -> Bool {
        var missing = count
        while missing > 0 {
            if start == buffer.count, !(try fill()) { return false }
            let take = min(missing, buffer.count - start)
            body.append(contentsOf: buffer[start..<(start + take)])
            start += take
            missing -= take
        }
        return true
    }

    /// Everything until the connection closes.
    func readToEnd(into body: inout [UInt8]) throws(Failure) {
        repeat {
            body.append(contentsOf: buffer[start...])
            start = buffer.count
        } while try fill()
    }

    /// Whether bytes of another answer are already buffered, which means
    /// the connection is out of step and must not be reused.
    var hasBufferedBytes: Bool { start < buffer.count }
}
