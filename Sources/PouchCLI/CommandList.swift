/// Every `pouch` subcommand, in the order `--help` lists them.
enum CommandList {
    static let all: [any Command.Type] = [
        InfoCommand.self, GetCommand.self, PutCommand.self, DeleteCommand.self,
        AllDocsCommand.self, ChangesCommand.self, FindCommand.self, ImportCommand.self,
        ExportCommand.self, CompactCommand.self, ServeCommand.self, ReplicateCommand.self,
        SyncCommand.self, CHTSyncCommand.self, DemoCommand.self,
    ]
}
