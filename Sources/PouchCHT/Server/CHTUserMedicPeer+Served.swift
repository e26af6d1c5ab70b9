import Pouch
import PouchServer

/// The maintenance endpoints of `medic` are closed to offline users, as
/// CHT's API firewall closes every endpoint it does not filter: each
/// answers 403 "Offline users are not allowed access to this endpoint".
extension CHTUserMedicPeer: ServedDatabase {
    public func revsLimit() async throws -> Int { throw Self.firewall }

    public func setRevsLimit(_ limit: Int) async throws { throw Self.firewall }

    public func purgedInfosLimit() async throws -> Int { throw Self.firewall }

    public func setPurgedInfosLimit(_ limit: Int) async throws { throw Self.firewall }

    public func compact() async throws { throw Self.firewall }

    public func purge(
        _ revisions: [String: [RevisionID]]
    ) async throws -> [String: [RevisionID]] {
        throw Self.firewall
    }

    public func localDocuments() async throws -> [AllDocsRow] { throw Self.firewall }

    public func destroy() async throws { throw Self.firewall }

    public func explain(_ query: FindQuery) async throws -> JSON { throw Self.firewall }

    /// The commits of the `medic` database behind the user's view, so the
    /// user's live feeds wake when it changes.
    public func commitSignals() -> AsyncStream<Int64>? { (medic as? Database)?.commits() }
}
