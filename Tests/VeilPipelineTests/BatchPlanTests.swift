import Foundation
import Testing
import VeilPipeline

@Suite struct BatchPlanTests {
    static func touch(_ root: URL, _ paths: [String]) throws {
        for path in paths {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("x".utf8).write(to: url)
        }
    }

    @Test func sameOutputsAndOutputsOverInputsAreConflicts() throws {
        let root = try TestSupport.directory()
        try Self.touch(root, ["ca/x.jpg", "cb/x.jpg", "f/a.jpg", "f/a.ppm", "f/b.heic", "f/b.jpg", "f/c.png"])
        let out = root.appendingPathComponent("out")
        let sameName = BatchPlan.make(
            inputs: [root.appendingPathComponent("ca/x.jpg"), root.appendingPathComponent("cb/x.jpg")], output: out)
        #expect(BatchPlan.conflicts(in: sameName.jobs).count == 1)
        let folder = BatchPlan.make(inputs: [root.appendingPathComponent("f")], output: out)
        let conflicts = BatchPlan.conflicts(in: folder.jobs)
        #expect(conflicts.count == 2)
        #expect(conflicts.contains { $0.contains("a.jpg") && $0.contains("a.ppm") })
        #expect(conflicts.contains { $0.contains("b.heic") && $0.contains("b.jpg") })
        // Writing a folder into itself would overwrite every input.
        let intoItself = BatchPlan.make(
            inputs: [root.appendingPathComponent("f")], output: root.appendingPathComponent("f"))
        #expect(BatchPlan.conflicts(in: intoItself.jobs).count >= 5)
        // A report path that is an input is a conflict too; a distinct one is not.
        let single = BatchPlan.make(
            inputs: [root.appendingPathComponent("f/c.png")], output: out.appendingPathComponent("c.png"))
        #expect(BatchPlan.conflicts(in: single.jobs).isEmpty)
        #expect(BatchPlan.conflicts(in: single.jobs, extraOutputs: [root.appendingPathComponent("f/c.png")]).count == 1)
    }

    @Test func aHardLinkToAnInputIsTheInput() throws {
        let root = try TestSupport.directory()
        try Self.touch(root, ["a.jpg"])
        let link = root.appendingPathComponent("link.jpg")
        try FileManager.default.linkItem(at: root.appendingPathComponent("a.jpg"), to: link)
        let plan = BatchPlan.make(inputs: [root.appendingPathComponent("a.jpg")], output: link)
        #expect(BatchPlan.conflicts(in: plan.jobs).count == 1)
    }

    @Test func theOutputFolderAndEarlierOutputsAreNotWalked() throws {
        let root = try TestSupport.directory()
        try Self.touch(root, ["nest/a.jpg", "nest/anon/a.jpg", "nest/old/b.jpg", "nest/keep/c.jpg"])
        try BatchPlan.prepareOutputDirectory(root.appendingPathComponent("nest/old"))
        let plan = BatchPlan.make(
            inputs: [root.appendingPathComponent("nest")], output: root.appendingPathComponent("nest/anon"))
        #expect(plan.jobs.map(\.relativePath) == ["a.jpg", "keep/c.jpg"])
    }

    @Test func aFileLikeOutputFitsOneFileOnly() throws {
        let root = try TestSupport.directory()
        try Self.touch(root, ["f/a.jpg", "b.jpg"])
        let single = root.appendingPathComponent("single.jpg")
        let folder = root.appendingPathComponent("f")
        let file = root.appendingPathComponent("b.jpg")
        #expect(BatchPlan.outputShapeProblem(inputs: [folder], output: single) != nil)
        #expect(BatchPlan.outputShapeProblem(inputs: [file, file], output: single) != nil)
        #expect(BatchPlan.outputShapeProblem(inputs: [file], output: single) == nil)
        #expect(BatchPlan.outputShapeProblem(inputs: [folder], output: root.appendingPathComponent("out")) == nil)
        #expect(BatchPlan.outputShapeProblem(inputs: [folder], output: URL(fileURLWithPath: single.path + "/")) == nil)
        // One file into an output without an extension: the format cannot be told, so it is a usage
        // error before any work (it used to fail after loading the models with "cannot write '.'").
        let bare = try #require(
            BatchPlan.outputShapeProblem(inputs: [file], output: root.appendingPathComponent("out")))
        #expect(bare.contains("no extension") && bare.contains("out.jpg") && bare.contains("out/"), "\(bare)")
        #expect(BatchPlan.outputShapeProblem(inputs: [file], output: folder) == nil)
    }

    @Test func anOutputFolderUnderAFileIsUnwritableAndANewOneIsFine() throws {
        let root = try TestSupport.directory()
        try Self.touch(root, ["afile"])
        #expect(
            BatchPlan.unwritableFolderProblem(root.appendingPathComponent("afile/sub"))?.contains("is a file") == true)
        #expect(BatchPlan.unwritableFolderProblem(root.appendingPathComponent("new/deeper")) == nil)
    }
}
