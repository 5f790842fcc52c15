/// How exactly a ``VideoReader`` decodes pictures.
public enum DecodingFidelity: String, Sendable, Hashable, Codable {
    /// Every picture as the encoder reconstructed it, bit for bit: for pictures that are
    /// masked, encoded or shown.
    case exact
    /// Faster, slightly inexact pictures for detectors that only look at a shrunk copy: the
    /// codec's in-loop deblocking filter is skipped (H.264; other codecs where FFmpeg's decoder
    /// honours `skip_loop_filter`), which leaves faint block
    /// edges and lets later pictures drift slightly from the exact ones until the next keyframe.
    /// Damaged input is reported as with ``exact``. Measured on the 1080p bench clip and two
    /// panning crowds (docs/DECISIONS.md, issue 16).
    case forDetection
}
