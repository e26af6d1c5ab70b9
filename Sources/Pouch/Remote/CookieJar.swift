/// The CouchDB session cookie of one client: logs in when there is none,
/// logs in again (once for all waiters) when the server rejects it, and
/// takes the refreshed cookie CouchDB sends with later answers.
actor CookieJar {
    private var cookie: String?
    private var login: Task<String, any Error>?

    /// The current `AuthSession=…` cookie, logging in first when there is
    /// none yet.
    func cookie(
        loggingInWith login: @escaping @Sendable () async throws -> String
    ) async throws -> String {
        if let cookie { return cookie }
        return try await renew(replacing: nil, loggingInWith: login)
    }

    /// A new cookie after `stale` was rejected. When another request has
    /// already renewed it, that cookie is returned without a second login.
    func renew(
        replacing stale: String?, loggingInWith login: @escaping @Sendable () async throws -> String
    ) async throws -> String {
        if let cookie, cookie != stale { return cookie }
        if let running = self.login { return try await running.value }
        cookie = nil
        let task = Task { try await login() }
        self.login = task
        defer { self.login = nil }
        let fresh = try await task.value
        cookie = fresh
        return fresh
    }

    /// Keeps a cookie the server set on any answer (CouchDB refreshes the
    /// session cookie as it nears expiry).
    func accept(setCookieHeader header: String) {
        if let fresh = CookieJar.authSessionCookie(in: header) { cookie = fresh }
    }

    /// The `AuthSession=value` pair of a `Set-Cookie` header, or `nil` when
    /// it has none or clears it (`AuthSession=;` at logout).
    static func authSessionCookie(in header: String) -> String? {
        guard let start = header.range(of: "AuthSession=") else { return nil }
        let value = header[start.upperBound...].prefix { $0 != ";" && $0 != "," }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : "AuthSession=" + trimmed
    }
}
