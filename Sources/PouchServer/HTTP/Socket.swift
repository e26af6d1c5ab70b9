import Foundation
import Pouch

#if canImport(Glibc)
    import Glibc
#endif

/// Thin wrappers over the POSIX socket calls the server makes; each failure
/// becomes a `PouchError` naming the call and `errno`.
enum Socket {
    /// A listening TCP socket bound to `host:port` (0 for any free port).
    static func listen(host: String, port: Int, backlog: Int32 = 128) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw PouchError.badRequest("cannot resolve listen address \(host)")
        }
        defer { freeaddrinfo(list) }
        var lastError = errno
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            if let fd = bindListener(info.pointee, backlog: backlog) { return fd }
            lastError = errno
            entry = info.pointee.ai_next
        }
        throw failure("bind \(host):\(port)", code: lastError)
    }

    private static func bindListener(_ info: addrinfo, backlog: Int32) -> Int32? {
        // Close-on-exec, as every descriptor here: a child process (a
        // command a service runs) must not hold the server's sockets.
        let fd = socket(
            info.ai_family, info.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.ai_protocol)
        guard fd >= 0 else { return nil }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, info.ai_addr, info.ai_addrlen) == 0, Glibc.listen(fd, backlog) == 0 else {
            let saved = errno
            close(fd)
            errno = saved
            return nil
        }
        return fd
    }

    /// The port a socket is bound to.
    static func localPort(_ fd: Int32) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getsockname(fd, $0, &length)
            }
        }
        guard result == 0 else { return 0 }
        return withUnsafePointer(to: &storage) { pointer -> Int in
            if Int32(pointer.pointee.ss_family) == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin6_port))
                }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                Int(UInt16(bigEndian: $0.pointee.sin_port))
            }
        }
    }

    /// Waits up to `milliseconds` for `fd` to become readable; true when it is
    /// (or has failed, which a read then reports).
    static func waitReadable(_ fd: Int32, milliseconds: Int32) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let result = poll(&entry, 1, milliseconds)
            if result < 0 && errno == EINTR { continue }
            return result != 0
        }
    }

    /// Accepts a pending connection, or `nil` when none is ready.
    static func accept(_ fd: Int32) -> Int32? {
        let client = Glibc.accept(fd, nil, nil)
        guard client >= 0 else { return nil }
        _ = fcntl(client, F_SETFD, FD_CLOEXEC)
        var one: Int32 = 1
        setsockopt(
            client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return client
    }

    /// Reads what is available into `buffer`: the count, 0 at end of stream,
    /// or -1 on error.
    static func read(_ fd: Int32, into buffer: inout [UInt8]) -> Int {
        buffer.withUnsafeMutableBytes { raw in
            while true {
                let count = recv(fd, raw.baseAddress, raw.count, 0)
                if count < 0 && errno == EINTR { continue }
                return count
            }
        }
    }

    /// Sends every byte, waiting at most `timeoutMilliseconds` each time the
    /// peer's window is full; throws when the peer has gone or is stuck.
    static func sendAll(
        _ fd: Int32, _ bytes: UnsafeRawBufferPointer, timeoutMilliseconds: Int32
    ) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = send(
                fd, bytes.baseAddress! + offset, bytes.count - offset,
                Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            if sent >= 0 {
                offset += sent
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                try waitWritable(fd, timeoutMilliseconds)
            } else if errno != EINTR {
                throw failure("send", code: errno)
            }
        }
    }

    /// Sends what the socket takes at once, without waiting; for a short
    /// answer before closing.
    static func sendOnce(_ fd: Int32, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes {
            send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
        }
    }

    private static func waitWritable(_ fd: Int32, _ milliseconds: Int32) throws {
        var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        let result = poll(&entry, 1, milliseconds)
        if result == 0 { throw PouchError(.timeout, "client stopped reading", status: 408) }
    }

    /// Ends the sending side: the peer reads what was sent, then the end.
    static func shutdownWrite(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    static func shutdownBoth(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }

    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    private static func failure(_ call: String, code: Int32) -> PouchError {
        PouchError(
            PouchError.Code("socket_error"), "\(call) failed", status: 500,
            cause: String(cString: strerror(code)))
    }
}
