/// The id of a replication, naming its checkpoint documents
/// `_local/<id>` on both peers, as CouchDB's replicator derives one.
///
/// It is the MD5 (hex) of both peers' identities and of everything that
/// changes which documents flow: the doc ids, the selector, the server
/// filter's name and query parameters, the predicate's identity. Replicating
/// the same pair with the same filter resumes from the same checkpoint;
/// changing the filter starts afresh. Whether the replication is live does
/// not count, so a live replication resumes a one-shot one's checkpoint.
public struct ReplicationID: Sendable, Hashable, CustomStringConvertible {
    /// The version of this derivation, written in checkpoints as
    /// `replication_id_version`.
    public static let version = 1

    /// 32 lowercase hexadecimal digits.
    public let value: String

    /// The id of replicating from the database named `source` to the one
    /// named `target` (their `identity`) through `filter`.
    public init(source: String, target: String, filter: ChangesFilter) {
        let input: JSON = [
            "version": .int(Int64(ReplicationID.version)),
            "source": .string(source),
            "target": .string(target),
            "filter": ReplicationID.describe(filter),
        ]
        value = MD5.digest(ReplicationID.canonical(input).serializedBytes()).hexString
    }

    /// The checkpoint document's id, `_local/<id>`.
    public var checkpointID: String { "_local/" + value }

    /// The hexadecimal id.
    public var description: String { value }

    /// The filter as JSON; ids and parameters sorted, so their order does
    /// not matter.
    static func describe(_ filter: ChangesFilter) -> JSON {
        switch filter {
        case .none:
            return .null
        case .docIDs(let ids):
            return ["doc_ids": .array(Set(ids).sorted().map(JSON.string))]
        case .selector(let selector):
            return ["selector": selector]
        case .server(let name, let parameters):
            let query = parameters.sorted { $0.key < $1.key }.map {
                ($0.key, JSON.string($0.value))
            }
            return ["filter": .string(name), "query_params": .object(JSONObject(query))]
        case .predicate(let identity, _):
            return ["predicate": .string(identity)]
        }
    }

    /// `value` with every object's members sorted by key, so two equal
    /// selectors written in a different member order give the same id.
    static func canonical(_ value: JSON) -> JSON {
        switch value {
        case .object(let object):
            let sorted = object.members.sorted { $0.key < $1.key }
            return .object(JSONObject(sorted.map { ($0.key, canonical($0.value)) }))
        case .array(let elements):
            return .array(elements.map(canonical))
        default:
            return value
        }
    }
}
