import ArgumentParser

/// `veil batch`: one shard of a manifest, as a Slurm array task or a Kubernetes Indexed Job
/// runs it (the default subcommand), and `veil batch merge` once every shard has run.
struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract:
            "Anonymize one shard of a manifest on a cluster (Slurm array, Kubernetes Indexed Job); merge the shards' reports.",
        discussion: """
            veil batch MANIFEST -o OUT --shards N [--shard K] runs shard K (item i belongs to \
            shard i mod N); K defaults to SLURM_ARRAY_TASK_ID, else JOB_COMPLETION_INDEX, and N \
            to SLURM_ARRAY_TASK_COUNT. Rerunning a shard skips the items already done (done-record \
            and output intact) and redoes the rest. veil batch merge OUT combines the shard reports.
            """,
        subcommands: [BatchRunCommand.self, BatchMergeCommand.self],
        defaultSubcommand: BatchRunCommand.self
    )
}
