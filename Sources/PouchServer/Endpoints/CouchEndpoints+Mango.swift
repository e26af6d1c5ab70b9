import Foundation
import Pouch

extension CouchEndpoints {
    static func addMangoRoutes(to router: inout Router) {
        router.add("POST", "/{db}/_find") { request in
            let database = try await request.database()
            let query = try FindQuery(json: request.jsonBody())
            return .json(try await database.find(query).json)
        }
        router.add("POST", "/{db}/_explain") { request in
            let database = try await request.database()
            let query = try FindQuery(json: request.jsonBody())
            return .json(try await database.explain(query))
        }
        router.add("GET", "/{db}/_index", allowed: "GET,HEAD,POST") { request in
            let indexes = try await request.database().indexes()
            return .json([
                "total_rows": .int(Int64(indexes.count)), "indexes": .array(indexes.map(\.json)),
            ])
        }
        router.add("POST", "/{db}/_index") { request in
            let database = try await request.database(.admin)
            let definition = try IndexDefinition(json: request.jsonBody())
            return .json(try await database.createIndex(definition).json)
        }
        for path in ["/{db}/_index/{ddoc}/json/{name}", "/{db}/_index/_design/{ddoc}/json/{name}"] {
            router.add("DELETE", path, allowed: "DELETE") { request in
                let database = try await request.database(.admin)
                try await database.deleteIndex(
                    ddoc: request.parameter("ddoc"), name: request.parameter("name"))
                return .json(["ok": true])
            }
        }
    }
}
