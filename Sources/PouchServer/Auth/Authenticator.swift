import Foundation
import Pouch
import Synchronization

/// Checks credentials as CouchDB's `default` (basic) and `cookie`
/// authentication handlers do, and issues `AuthSession` cookies signed
/// with HMAC-SHA256 over the user name and issue time.
final class Authenticator: Sendable {
    /// What a request's credentials amount to.
    enum Outcome: Sendable, Equatable {
        case anonymous
        /// `refreshedCookie`: a `Set-Cookie` value renewing a session
        /// cookie once a tenth of its lifetime has passed, as CouchDB does.
        case user(UserContext, method: String, refreshedCookie: String? = nil)
        /// Credentials were given and are wrong.
        case rejected
    }

    private let users: [String: ServerUser]
    private let secret: [UInt8]
    /// Seconds a session cookie stays valid (CouchDB's `timeout`, 600).
    let sessionTimeout: Int
    /// Hashes of `Authorization` values already verified, so a client
    /// sending basic credentials on every request pays PBKDF2 once.
    private let verifiedBasic = Mutex<Set<[UInt8]>>([])

    /// `secret` signs session cookies; `nil` picks a random one, valid
    /// for this process only.
    init(users: [ServerUser], sessionTimeout: Int, secret: [UInt8]? = nil) {
        var table: [String: ServerUser] = [:]
        for user in users { table[user.name] = user }
        self.users = table
        self.sessionTimeout = sessionTimeout
        var generator = SystemRandomNumberGenerator()
        self.secret = secret ?? (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// Whether any user is configured; without one every request is an
    /// admin's (CouchDB 1.x's "admin party").
    var hasUsers: Bool { !users.isEmpty }

    /// Who sent `request`: basic credentials first, then the cookie.
    func authenticate(_ headers: HTTPHeaders) -> Outcome {
        if !hasUsers { return .user(UserContext(name: nil, roles: ["_admin"]), method: "default") }
        if let authorization = headers["Authorization"] {
            return basic(authorization)
        }
        if let cookie = Self.cookie(named: "AuthSession", in: headers),
            let (user, issued) = session(cookie)
        {
            let now = Int(Date().timeIntervalSince1970)
            let refresh = now - issued > sessionTimeout / 10 ? setCookieHeader(for: user.name) : nil
            return .user(user.context, method: "cookie", refreshedCookie: refresh)
        }
        return .anonymous
    }

    /// The user whose name and password these are.
    func login(name: String, password: String) -> ServerUser? {
        guard let user = users[name], user.verifies(password) else { return nil }
        return user
    }

    private func basic(_ authorization: String) -> Outcome {
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let decoded = Data(base64Encoded: String(parts[1])),
            let text = String(data: decoded, encoding: .utf8),
            let colon = text.firstIndex(of: ":")
        else { return .rejected }
        let name = String(text[..<colon])
        guard let user = users[name] else { return .rejected }
        let fingerprint = SHA256.digest(Array(authorization.utf8) + secret)
        if verifiedBasic.withLock({ $0.contains(fingerprint) }) {
            return .user(user.context, method: "default")
        }
        guard user.verifies(String(text[text.index(after: colon)...])) else { return .rejected }
        verifiedBasic.withLock { set in
            if set.count > 1000 { set.removeAll() }
            set.insert(fingerprint)
        }
        return .user(user.context, method: "default")
    }

    // MARK: - Session cookies

    /// A signed cookie value for `user`, issued at `time` (seconds since 1970).
    func sessionCookie(for name: String, at time: Int = Int(Date().timeIntervalSince1970)) -> String
    {
        let payload = "\(name):\(String(time, radix: 16, uppercase: true))"
        let signature = HMACSHA256.authenticationCode(key: secret, message: Array(payload.utf8))
        let raw = Array(payload.utf8) + [0x3A] + signature
        return Self.base64URL(raw)
    }

    /// The user a cookie value was issued to, when its signature holds and
    /// it has not expired.
    func userFromSession(
        _ value: String, now: Int = Int(Date().timeIntervalSince1970)
    )
        -> ServerUser?
    {
        session(value, now: now)?.user
    }

    /// The user and issue time of a valid, unexpired cookie value.
    private func session(
        _ value: String, now: Int = Int(Date().timeIntervalSince1970)
    ) -> (user: ServerUser, issued: Int)? {
        guard let raw = Self.decodeBase64URL(value), raw.count > 33 else { return nil }
        let payload = Array(raw[0..<(raw.count - 33)])
        let signature = Array(raw[(raw.count - 32)...])
        guard raw[raw.count - 33] == 0x3A,
            constantTimeEquals(
                signature, HMACSHA256.authenticationCode(key: secret, message: payload)),
            let text = String(validating: payload, as: UTF8.self),
            let colon = text.lastIndex(of: ":"),
            let issued = Int(text[text.index(after: colon)...], radix: 16),
            issued + sessionTimeout > now, let user = users[String(text[..<colon])]
        else { return nil }
        return (user, issued)
    }

    /// The `Set-Cookie` value that starts a session.
    func setCookieHeader(for name: String) -> String {
        "AuthSession=\(sessionCookie(for: name)); Version=1; Path=/; HttpOnly"
    }

    /// The `Set-Cookie` value that ends a session.
    static let clearCookieHeader =
        "AuthSession=; Version=1; Expires=Thu, 01-Jan-1970 00:00:00 GMT; Max-Age=0; Path=/; HttpOnly"

    static func cookie(named name: String, in headers: HTTPHeaders) -> String? {
        for header in headers.values("Cookie") {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                    .split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                if pair.count == 2 && pair[0] == name { return String(pair[1]) }
            }
        }
        return nil
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64URL(_ text: String) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map { Array($0) }
    }
}
