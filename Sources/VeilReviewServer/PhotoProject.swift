import Foundation
import VeilReview

/// What `GET /api/project` answers for a review of photos (docs/REVIEW-API.md): each photo as
/// a one-frame document with its own undo state, and the whole log.
struct PhotoProject: Encodable {
    struct Photo: Encodable {
        var id: Int
        var fileName: String
        var width: Int
        var height: Int
        var document: ReviewDocument
        var unreviewedTrackIDs: [Int]
        var isReviewed: Bool
        var canUndo: Bool
        var canRedo: Bool
        var nextRegionID: Int
    }

    var kind = "photos"
    var photos: [Photo]
    var unreviewedPhotos: [Int]
    /// Undo and redo are per photo (`photos[].canUndo`); these stay false at the top level.
    var canUndo = false
    var canRedo = false
    var log: [EditLogEntry]

    init(review: PhotoReview) {
        photos = review.sessions.enumerated().map { index, session in
            let photo = review.detections.photos[index]
            return Photo(
                id: index, fileName: photo.fileName, width: photo.width, height: photo.height,
                document: session.document, unreviewedTrackIDs: session.document.unreviewedTrackIDs,
                isReviewed: review.isReviewed(photo: index), canUndo: session.canUndo, canRedo: session.canRedo,
                nextRegionID: session.nextRegionID)
        }
        unreviewedPhotos = review.unreviewedPhotos
        log = review.entries
    }
}
