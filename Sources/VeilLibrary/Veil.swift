// The umbrella module: `import Veil` gives the whole public API, the way the `veil` command
// uses it. Each module can still be imported alone (`import VeilGeometry` for the pure-Swift
// geometry without FFmpeg or ONNX Runtime).

@_exported public import VeilAudit
@_exported public import VeilBatch
@_exported public import VeilDetection
@_exported public import VeilEvaluation
@_exported public import VeilGeometry
@_exported public import VeilMasking
@_exported public import VeilMedia
@_exported public import VeilPipeline
@_exported public import VeilReview
@_exported public import VeilTracking
@_exported public import VeilVideo
