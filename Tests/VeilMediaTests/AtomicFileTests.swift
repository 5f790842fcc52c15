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

@Suite struct ImageIntegrityTests {
    static func jpeg(progressive: Bool = false) throws -> Data {
        let folder = try Fixtures.directory()
        let url = folder.appendingPathComponent("a.jpg")
        let arguments =
            ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", "-q:v", "3"]
            + (progressive ? ["-c:v", "mjpeg", "-huffman", "default"] : []) + [url.path]
        try #require(Fixtures.run("ffmpeg", arguments) != nil)
        return try Data(contentsOf: url)
    }

    @Test func anIntactJPEGAndOtherFormatsHaveNoDamage() throws {
        #expect(ImageIntegrity.damage(in: try Self.jpeg()) == nil)
        let png = try ImageCodec.encode(Fixtures.markedImage(), format: .png, quality: 92)
        #expect(ImageIntegrity.damage(in: png) == nil)
        #expect(ImageIntegrity.damage(in: Data()) == nil)
    }

    @Test(arguments: [0.4, 0.5, 0.6, 0.95])
    func aTruncatedJPEGIsDamagedThoughItStillDecodes(fraction: Double) throws {
        let bytes = try Self.jpeg()
        let cut = bytes.prefix(Int(Double(bytes.count) * fraction))
        #expect(ImageIntegrity.damage(in: cut)?.contains("Premature end") == true)
        // What OpenCV alone does with it: decodes without complaint (the reason for the check).
        #expect((try? ImageCodec.decode(cut)) != nil)
    }

    @Test func overwrittenBytesInTheMiddleAreDamage() throws {
        var bytes = try Self.jpeg()
        let middle = bytes.count / 2
        // 0xFF followed by a byte that is no marker: corrupt entropy-coded data.
        for offset in stride(from: middle, to: middle + 64, by: 2) {
            bytes[offset] = 0xFF
            bytes[offset + 1] = 0x99
        }
        #expect(ImageIntegrity.damage(in: bytes) != nil)
    }
}
