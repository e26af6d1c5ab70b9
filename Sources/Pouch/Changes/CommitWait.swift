/// How a wait for a commit ended (see `AsyncStream.firstCommit`).
package enum CommitWait: Sendable, Equatable {
    /// A commit arrived, with the update sequence after it.
    case committed(Int64)
    /// The stream ended: its database was destroyed.
    case ended
    /// The time ran out, or the waiting task was cancelled.
    case timedOut
}

extension AsyncStream where Element == Int64 {
    /// Waits on a stream of commits (`Database.commits()`) for the first
    /// sequence above `position`, for at most `timeout`.
    package func firstCommit(
        after position: Int64 = .min, within timeout: Duration
    ) async -> CommitWait {
        let commits = self
        return await withTaskGroup(of: CommitWait.self) { group in
            group.addTask {
                for await sequence in commits where sequence > position {
                    return .committed(sequence)
                }
                return Task.isCancelled ? .timedOut : .ended
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return .timedOut
            }
            let first = await group.next() ?? .timedOut
            group.cancelAll()
            return first
        }
    }
}
