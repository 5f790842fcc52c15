import Foundation
import Testing
import VeilMedia

@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func standardVectors(input: String, digest: String) {
        #expect(SHA256.hex(of: Data(input.utf8)) == digest)
    }

    @Test func chunkedUpdatesMatchOneShot() {
        let data = Data((0..<10_000).map { UInt8($0 % 251) })
        var hasher = SHA256()
        for start in stride(from: 0, to: data.count, by: 97) {
            hasher.update(data[start..<min(data.count, start + 97)])
        }
        #expect(hasher.finalizeHex() == SHA256.hex(of: data))
    }

    @Test func aCopyHashesOnIndependently() {
        var original = SHA256()
        original.update(Data("abc".utf8))
        var copy = original
        copy.update(Data("def".utf8))
        #expect(original.finalizeHex() == SHA256.hex(of: Data("abc".utf8)))
        #expect(copy.finalizeHex() == SHA256.hex(of: Data("abcdef".utf8)))
        // Finishing starts the hasher over.
        #expect(original.finalizeHex() == SHA256.hex(of: Data()))
    }

    @Test func matchesSha256sum() throws {
        let url = try Fixtures.directory().appendingPathComponent("blob")
        try Data((0..<300_000).map { UInt8(($0 * 7) % 256) }).write(to: url)
        let expected = Fixtures.run("sha256sum", [url.path])?.split(separator: " ").first.map(String.init)
        #expect(try SHA256.hex(ofFileAt: url) == expected)
    }
}
