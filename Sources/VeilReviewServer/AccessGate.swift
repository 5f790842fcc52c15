import Foundation
import Synchronization

/// The review server's secrets: a one-time token (printed in the address) that is exchanged
/// once for a session cookie, and the cookie's value. Both are 32 random bytes from the
/// system's cryptographic generator, written as hex.
///
/// `final class` over a `Mutex`: the token's single use is state shared by every request.
public final class AccessGate: Sendable {
    /// The cookie's name.
    public static let cookieName = "veil_review"

    /// The token to put in the address (`/?token=…`).
    public let token: String
    /// The session cookie's value.
    let secret: String
    private let isTokenUsed = Mutex(false)

    /// Fresh random secrets.
    public init() {
        token = Self.randomHex()
        secret = Self.randomHex()
    }

    /// Given secrets (tests).
    init(token: String, secret: String) {
        self.token = token
        self.secret = secret
    }

    /// Exchanges the token for the cookie: true the first time the right token is offered,
    /// false for a wrong one and for every later offer.
    public func redeem(_ offered: String) -> Bool {
        guard Self.isEqual(offered, token) else { return false }
        return isTokenUsed.withLock { used in
            guard !used else { return false }
            used = true
            return true
        }
    }

    /// Whether a request carrying this cookie value may proceed.
    public func admits(cookie: String?) -> Bool {
        guard let cookie else { return false }
        return Self.isEqual(cookie, secret)
    }

    /// The `Set-Cookie` value that hands out the session.
    public var setCookieHeader: String {
        "\(Self.cookieName)=\(secret); HttpOnly; SameSite=Strict; Path=/"
    }

    /// Compares in time independent of where the strings differ.
    static func isEqual(_ left: String, _ right: String) -> Bool {
        let a = Array(left.utf8)
        let b = Array(right.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    static func randomHex() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
