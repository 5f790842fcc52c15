import Foundation
import Testing
import VeilAudit

@Suite("DirectoryPairing")
struct DirectoryPairingTests {
    func tree(_ files: [String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("veil-pairing-\(UUID().uuidString)")
        for file in files {
            let url = root.appendingPathComponent(file)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data([0]).write(to: url)
        }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return root
    }

    @Test func pairsByRelativePathThenByStem() throws {
        let originals = try tree([
            "a.jpg", "sub/b.png", "sub/c.heic", "only-original.jpg", "notes.txt", ".hidden.jpg", "d.jpg", "d.png",
        ])
        let anonymized = try tree(["a.jpg", "sub/b.png", "sub/c.jpg", "extra.png", "d.jpg", "d.webp"])
        defer {
            try? FileManager.default.removeItem(at: originals)
            try? FileManager.default.removeItem(at: anonymized)
        }
        let pairing = try DirectoryPairing(originals: originals, anonymized: anonymized)
        #expect(pairing.pairs.map(\.relativePath) == ["a.jpg", "d.jpg", "d.png", "sub/b.png", "sub/c.heic"])
        #expect(pairing.pairs.first { $0.relativePath == "d.png" }?.anonymized.lastPathComponent == "d.webp")
        // An iPhone photo anonymized by Veil comes back as .jpg: paired by stem.
        #expect(pairing.pairs.first { $0.relativePath == "sub/c.heic" }?.anonymized.lastPathComponent == "c.jpg")
        #expect(pairing.unpairedOriginals == ["only-original.jpg"])
        #expect(pairing.unpairedAnonymized == ["extra.png"])
    }

    @Test func aMissingDirectoryIsAnError() {
        #expect(throws: AuditError.self) {
            try DirectoryPairing(
                originals: URL(fileURLWithPath: "/nonexistent/a"), anonymized: URL(fileURLWithPath: "/tmp"))
        }
    }
}
