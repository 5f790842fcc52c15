import Foundation
import Testing
import VeilMedia

@Suite struct AtomicFileTests {
    @Test func temporaryNamesAreRecognisedAndLookalikesAreNot() {
        let temporary = AtomicFile.temporaryURL(for: URL(fileURLWithPath: "/x/clip.final.mp4"))
        #expect(AtomicFile.isTemporaryName(temporary.lastPathComponent))
        #expect(
            AtomicFile.isTemporaryName(AtomicFile.temporaryURL(for: URL(fileURLWithPath: "/x/noext")).lastPathComponent)
        )
        for name in ["clip.mp4", ".clip.veil-tmp-1234.mp4", "clip.veil-tmp-\(UUID().uuidString).mp4", ".veil-output"] {
            #expect(!AtomicFile.isTemporaryName(name), "\(name)")
        }
    }

    @Test func leftoversAreRemovedButALiveWritersFileAndOtherFilesStay() throws {
        let folder = try Fixtures.directory()
        let final = folder.appendingPathComponent("photo.jpg")
        // A file a killed run left (nobody holds its lock), one a live writer holds, and others.
        let leftover = AtomicFile.temporaryURL(for: final)
        try Data("partial".utf8).write(to: leftover)
        let live = try AtomicFile.Reservation(AtomicFile.temporaryURL(for: final))
        try Data("user".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent(AtomicFile.temporaryURL(for: final).lastPathComponent),
            withIntermediateDirectories: true)

        let removed = AtomicFile.removeLeftovers(in: folder)
        #expect(removed.map(\.lastPathComponent) == [leftover.lastPathComponent])
        #expect(!FileManager.default.fileExists(atPath: leftover.path))
        #expect(FileManager.default.fileExists(atPath: live.url.path))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("notes.txt").path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 3)
    }

    @Test func writeLeavesOnlyTheFinalFile() throws {
        let folder = try Fixtures.directory()
        let final = folder.appendingPathComponent("sub/out.bin")
        try AtomicFile.write(Data(repeating: 7, count: 1000), to: final)
        #expect(try Data(contentsOf: final) == Data(repeating: 7, count: 1000))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: final.deletingLastPathComponent().path) == ["out.bin"])
    }
}
