import Testing
import VeilReviewServer

@Suite struct ByteRangeTests {
    @Test(
        arguments: [
            (nil, ByteRange.whole),
            ("bytes=0-99", .partial(0...99)),
            ("bytes=100-", .partial(100...999)),
            ("bytes=-100", .partial(900...999)),
            ("bytes=-5000", .partial(0...999)),
            ("bytes=990-5000", .partial(990...999)),
            ("bytes=1000-", .unsatisfiable),
            ("bytes=-0", .unsatisfiable),
            ("bytes=0-10, 20-30", .whole),
            ("bytes=50-10", .whole),
            ("bytes=a-b", .whole),
            ("items=0-10", .whole),
            ("bytes=-", .whole),
            ("bytes=+5-10", .whole),
        ] as [(String?, ByteRange)])
    func resolvesAgainstAThousandBytes(header: String?, expected: ByteRange) {
        #expect(ByteRange.resolve(header, size: 1000) == expected)
    }

    @Test func anEmptyFileSatisfiesNoRange() {
        #expect(ByteRange.resolve("bytes=0-", size: 0) == .unsatisfiable)
        #expect(ByteRange.resolve("bytes=-1", size: 0) == .unsatisfiable)
    }
}

@Suite struct HostPolicyTests {
    @Test func acceptsOnlyItsOwnLoopbackAddressAndPort() {
        let policy = HostPolicy(port: 8123)
        #expect(policy.accepts(["127.0.0.1:8123"]))
        #expect(policy.accepts(["localhost:8123"]))
        #expect(policy.accepts(["LOCALHOST:8123"]))
        #expect(!policy.accepts(["localhost"]))
        #expect(!policy.accepts(["127.0.0.1:8124"]))
        #expect(!policy.accepts(["evil.example:8123"]))
        #expect(!policy.accepts(["127.0.0.1.evil.example:8123"]))
        #expect(!policy.accepts(["127.0.0.1:8123", "evil.example"]))
        #expect(!policy.accepts([]))
    }
}
