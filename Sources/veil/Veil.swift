import ArgumentParser

@main
struct Veil: ParsableCommand {
    static func main() {
        MemoryTuning.apply()
        Self.main(nil)
    }

    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "veil",
        abstract: "Anonymize faces and licence plates in images, locally and irreversibly.",
        version: version,
        subcommands: [
            AnonymizeCommand.self, DetectCommand.self, RenderCommand.self, EvaluateCommand.self, AuditCommand.self,
        ],
        defaultSubcommand: nil
    )
}
