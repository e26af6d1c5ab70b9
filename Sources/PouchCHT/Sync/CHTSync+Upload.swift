import Pouch

extension CHTSync {
    /// Pushes local changes to the server's `medic`, skipping what
    /// `CHTRules.shouldUpload` rejects. Batches that are too large (413)
    /// are halved by the replicator; documents the server refuses are
    /// returned with its reason and do not stop the upload, nor do those
    /// it could not store for another reason (`failed`).
    public func upload() async throws -> (
        uploaded: Int, forbidden: [String: String], failed: Int
    ) {
        let filter = ChangesFilter.predicate(identity: "cht-upload-1") {
            CHTRules.shouldUpload($0)
        }
        let options = ReplicationOptions(batchSize: batchSize, filter: filter)
        return try await replicate(from: medic, to: remoteMedic, options: options)
    }

    /// Syncs the meta database both ways in full (purge tombstones stay
    /// local), then removes the feedback and telemetry the server holds.
    public func syncMeta() async throws -> (
        uploaded: Int, downloaded: Int, removed: [String], failed: Int
    ) {
        guard let meta, let remoteMeta else { return (0, 0, [], 0) }
        let filter = ChangesFilter.predicate(identity: "cht-meta-upload-1") {
            !CHTRules.isPurgeTombstone($0)
        }
        let push = try await replicate(
            from: meta, to: remoteMeta,
            options: ReplicationOptions(batchSize: batchSize, filter: filter))
        let pull = try await replicate(
            from: remoteMeta, to: meta, options: ReplicationOptions(batchSize: batchSize))
        let removed = try await cleanUpMeta()
        return (push.uploaded, pull.uploaded, removed, push.failed + pull.failed)
    }

    /// Uploads, downloads (with purges), then syncs the meta database.
    public func run() async throws -> CHTSyncReport {
        let (uploaded, forbidden, failed) = try await upload()
        var report = try await download()
        report.uploaded = uploaded
        report.forbidden = forbidden
        let meta = try await syncMeta()
        report.metaUploaded = meta.uploaded
        report.metaDownloaded = meta.downloaded
        report.metaRemoved = meta.removed
        report.failed = failed + meta.failed
        return report
    }

    /// Runs one one-shot replication; answers the documents written, those
    /// the target denied (with the reason), and how many others failed.
    private func replicate(
        from source: any ReplicationPeer, to target: any ReplicationPeer,
        options: ReplicationOptions
    ) async throws -> (uploaded: Int, forbidden: [String: String], failed: Int) {
        let replication = Replication(source: source, target: target, options: options)
        let events = replication.events
        let denials = Task {
            var denied: [String: String] = [:]
            for await event in events {
                if case .denied(let id, let error) = event { denied[id] = error.reason }
            }
            return denied
        }
        let result: ReplicationResult
        do {
            result = try await replication.run()
        } catch {
            denials.cancel()
            throw error
        }
        let denied = await denials.value
        return (
            result.docsWritten, denied, max(result.docWriteFailures - denied.count, 0)
        )
    }
}
