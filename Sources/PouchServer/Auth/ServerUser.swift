import Foundation

/// A user the server knows, with the password kept only as a PBKDF2-SHA256
/// hash, as CouchDB 3.x stores passwords (`password_scheme: pbkdf2`).
public struct ServerUser: Sendable {
    public var name: String
    public var roles: [String]
    let salt: [UInt8]
    let derivedKey: [UInt8]
    let iterations: Int

    /// A user whose password is hashed now with a random salt; `iterations`
    /// sets the PBKDF2 cost.
    public init(name: String, password: String, roles: [String] = [], iterations: Int = 10_000) {
        self.name = name
        self.roles = roles
        self.iterations = iterations
        var generator = SystemRandomNumberGenerator()
        salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        derivedKey = PBKDF2.derive(
            password: Array(password.utf8), salt: salt, iterations: iterations)
    }

    /// A server admin (role `_admin`).
    public static func admin(
        name: String, password: String, iterations: Int = 10_000
    )
        -> ServerUser
    {
        ServerUser(name: name, password: password, roles: ["_admin"], iterations: iterations)
    }

    /// Whether `password` is this user's.
    func verifies(_ password: String) -> Bool {
        let key = PBKDF2.derive(password: Array(password.utf8), salt: salt, iterations: iterations)
        return constantTimeEquals(key, derivedKey)
    }

    var context: UserContext { UserContext(name: name, roles: roles) }
}
