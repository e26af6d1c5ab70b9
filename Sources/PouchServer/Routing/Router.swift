import Pouch

/// Matches a method and decoded path segments to a handler. A pattern is
/// `/`-separated: a literal segment, `{name}` for one segment, or a final
/// `{name*}` for the rest of the path (one segment or more, joined by `/`).
/// Routes are tried in the order they were added.
public struct Router: Sendable {
    private struct Route: Sendable {
        var pattern: [Segment]
        var handlers: [(method: String, handler: RouteHandler)]
        /// CouchDB's list in its 405 answer, when it differs from the
        /// methods routed.
        var allowedText: String?
    }

    private enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        case rest(String)
    }

    /// The outcome of matching a request.
    public enum Match: Sendable {
        case found(RouteHandler, [String: String])
        /// The path is known but not for this method; CouchDB's list of
        /// the allowed ones.
        case methodNotAllowed(String)
        case notFound
    }

    private var routes: [Route] = []

    public init() {}

    /// Adds `handler` for `method` on `path`. A `GET` route also answers
    /// `HEAD` unless one is added for it.
    public mutating func add(
        _ method: String, _ path: String, allowed: String? = nil,
        _ handler: @escaping RouteHandler
    ) {
        let pattern = Self.parse(path)
        if let index = routes.firstIndex(where: { $0.pattern == pattern }) {
            routes[index].handlers.append((method, handler))
            if let allowed { routes[index].allowedText = allowed }
        } else {
            routes.append(
                Route(pattern: pattern, handlers: [(method, handler)], allowedText: allowed))
        }
    }

    /// The handler for `method` on `segments`.
    public func match(_ method: String, _ segments: [String]) -> Match {
        for route in routes {
            guard let parameters = Self.bind(route.pattern, segments) else { continue }
            let wanted =
                method == "HEAD" && !route.handlers.contains { $0.method == "HEAD" }
                ? "GET" : method
            if let entry = route.handlers.first(where: { $0.method == wanted }) {
                return .found(entry.handler, parameters)
            }
            let names = route.handlers.map(\.method)
            return .methodNotAllowed(route.allowedText ?? names.joined(separator: ","))
        }
        return .notFound
    }

    private static func parse(_ path: String) -> [Segment] {
        path.split(separator: "/").map { part in
            if part.hasPrefix("{") && part.hasSuffix("*}") {
                return .rest(String(part.dropFirst().dropLast(2)))
            }
            if part.hasPrefix("{") && part.hasSuffix("}") {
                return .parameter(String(part.dropFirst().dropLast()))
            }
            return .literal(String(part))
        }
    }

    private static func bind(_ pattern: [Segment], _ segments: [String]) -> [String: String]? {
        var parameters: [String: String] = [:]
        for (index, segment) in pattern.enumerated() {
            switch segment {
            case .literal(let text):
                guard index < segments.count, segments[index] == text else { return nil }
            case .parameter(let name):
                guard index < segments.count else { return nil }
                parameters[name] = segments[index]
            case .rest(let name):
                guard index < segments.count else { return nil }
                parameters[name] = segments[index...].joined(separator: "/")
                return parameters
            }
        }
        return pattern.count == segments.count ? parameters : nil
    }
}
