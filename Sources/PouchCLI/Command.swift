/// A `pouch` subcommand.
protocol Command: Sendable {
    static var spec: CommandSpec { get }
    static func run(_ arguments: ParsedArguments, terminal: Terminal) async throws
}
