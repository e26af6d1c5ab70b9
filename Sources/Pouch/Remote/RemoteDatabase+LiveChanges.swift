extension RemoteDatabase {
    /// The live changes feed with the default reconnect delays, which makes
    /// `RemoteDatabase` a `DocumentDatabase`: `feed=longpoll` requests one
    /// after another. See `liveChanges(_:reconnectDelay:maximumReconnectDelay:)`.
    public func liveChanges(_ options: ChangesOptions) -> RemoteChangesFeed {
        liveChanges(options, reconnectDelay: .milliseconds(500))
    }
}
