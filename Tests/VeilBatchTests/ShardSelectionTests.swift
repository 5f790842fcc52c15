import Testing
import VeilBatch

@Suite struct ShardSelectionTests {
    @Test func commandLineWinsOverTheEnvironment() throws {
        let shard = try ShardSelection.resolve(
            index: 3, count: 8, environment: ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "16"])
        #expect(shard == (try ShardSelection(index: 3, count: 8)))
    }

    @Test func slurmThenKubernetes() throws {
        let slurm = try ShardSelection.resolve(
            index: nil, count: nil,
            environment: ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "16", "JOB_COMPLETION_INDEX": "1"])
        #expect(slurm.index == 5 && slurm.count == 16)
        let kubernetes = try ShardSelection.resolve(index: nil, count: 4, environment: ["JOB_COMPLETION_INDEX": "2"])
        #expect(kubernetes.index == 2 && kubernetes.count == 4)
    }

    @Test(
        arguments: [
            (2, nil, [String: String](), "shard count is missing"),
            (nil, nil, ["JOB_COMPLETION_INDEX": "1"], "shard count is missing"),
            (nil, 4, [String: String](), "shard index is missing"),
            (4, 4, [String: String](), "out of range"),
            (-1, 4, [String: String](), "out of range"),
            (nil, 4, ["JOB_COMPLETION_INDEX": "7"], "JOB_COMPLETION_INDEX=7 is out of range"),
            (nil, 4, ["SLURM_ARRAY_TASK_ID": "x"], "is not a number"),
            (0, 0, [String: String](), "at least 1"),
        ] as [(Int?, Int?, [String: String], String)])
    func missingOrOutOfRangeIsAUsageError(index: Int?, count: Int?, environment: [String: String], message: String) {
        #expect {
            _ = try ShardSelection.resolve(index: index, count: count, environment: environment)
        } throws: { error in
            guard case .shardSelection(let reason) = error as? BatchError else { return false }
            return reason.contains(message)
        }
    }

    @Test func withoutShardsTheManifestIsOneShard() throws {
        #expect(
            try ShardSelection.resolve(index: nil, count: nil, environment: [:]) == ShardSelection(index: 0, count: 1))
        #expect(
            try ShardSelection.resolve(index: nil, count: 1, environment: [:]) == ShardSelection(index: 0, count: 1))
        #expect(
            try ShardSelection.resolve(index: nil, count: nil, environment: ["SLURM_ARRAY_TASK_ID": ""])
                == ShardSelection(index: 0, count: 1))
    }

    @Test func itemsAreDealtRoundRobin() throws {
        let shard = try ShardSelection(index: 1, count: 3)
        #expect((0..<10).filter(shard.owns) == [1, 4, 7])
    }
}
