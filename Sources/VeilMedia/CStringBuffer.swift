/// A fixed buffer a C shim writes its error message into.
package struct CErrorBuffer {
    package var bytes = [CChar](repeating: 0, count: 512)

    package init() {}

    /// The message up to its terminating zero.
    package var message: String {
        String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
