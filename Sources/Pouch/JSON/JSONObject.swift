/// The members of a JSON object, in the order they were written.
///
/// Lookups scan the members, which is faster than hashing for the small
/// objects documents are made of. Setting an existing key keeps its place;
/// a new key goes at the end.
public struct JSONObject: Sendable, Hashable {
    /// The members, in order.
    public private(set) var members: [(key: String, value: JSON)]

    /// An empty object.
    public init() { members = [] }

    /// An object with `members` in the given order; a repeated key keeps its
    /// last value at its first place.
    public init(_ members: [(String, JSON)]) {
        self.members = []
        self.members.reserveCapacity(members.count)
        for (key, value) in members { self[key] = value }
    }

    /// Builds an object from members already known to have distinct keys.
    init(uniqueMembers: [(key: String, value: JSON)]) {
        members = uniqueMembers
    }

    /// The number of members.
    public var count: Int { members.count }

    /// Whether the object has no members.
    public var isEmpty: Bool { members.isEmpty }

    /// The keys, in order.
    public var keys: [String] { members.map(\.key) }

    /// The value for `key`; setting `nil` removes the member.
    public subscript(key: String) -> JSON? {
        get {
            for member in members where member.key == key { return member.value }
            return nil
        }
        set {
            let index = members.firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let index?, let value?): members[index].value = value
            case (let index?, nil): members.remove(at: index)
            case (nil, let value?): members.append((key, value))
            case (nil, nil): break
            }
        }
    }

    /// Removes the member `key` and returns its value.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSON? {
        guard let index = members.firstIndex(where: { $0.key == key }) else {
            return nil
        }
        return members.remove(at: index).value
    }

    /// Appends a member without checking for a repeated key.
    mutating func appendUnchecked(_ key: String, _ value: JSON) {
        members.append((key, value))
    }

    /// Reserves room for `count` members.
    mutating func reserveCapacity(_ count: Int) {
        members.reserveCapacity(count)
    }

    /// Objects are equal when they have the same keys with equal values,
    /// whatever their order, as CouchDB compares objects.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        for (key, value) in lhs.members where rhs[key] != value { return false }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(members.count)
        var combined = 0
        for (key, value) in members {
            var memberHasher = Hasher()
            memberHasher.combine(key)
            memberHasher.combine(value)
            combined ^= memberHasher.finalize()
        }
        hasher.combine(combined)
    }
}

extension JSONObject: Sequence {
    public func makeIterator() -> IndexingIterator<[(key: String, value: JSON)]> {
        members.makeIterator()
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self.init(elements)
    }
}
