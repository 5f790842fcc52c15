/// Settings of the verification pass.
enum VerificationPolicy {
    /// A masked region sometimes still looks faintly face-shaped to a detector at very low
    /// scores; below this the finding is noise, not a recognisable face.
    static let minimumScore = 0.5
}
