// Frame skipping for a reading session (CVeilAV_skipFramesUnless, see CVeilAV.h): which video
// packets are sent with `skip_frame` = AVDISCARD_NONREF, and how frames are numbered by pts
// while some never come out. CVeilAV_readFrame (av_session.c) calls the three helpers declared
// in av_session.h and sets the decoder field itself, with its contract beside that call.
#include "av_session.h"
#include "av_errors.h"

int CVeilAV_skipFramesUnless(CVeilAV_Session *session, CVeilAV_FrameFilter isNeeded, void *context) {
    AVCodecParameters *parameters = session->videoStream->codecpar;
    const char *decoder = session->decoder->codec->name;
    // FFmpeg's own software decoders only: they honour AVDISCARD_NONREF per NAL unit and keep
    // each packet's pts on its frame; a hardware decoder may do neither.
    int isSupported = (parameters->codec_id == AV_CODEC_ID_H264 && strcmp(decoder, "h264") == 0) ||
                      (parameters->codec_id == AV_CODEC_ID_HEVC && strcmp(decoder, "hevc") == 0);
    // Field-coded video may put the two fields of one frame in two packets: one packet would no
    // longer be one frame. Unknown field order counts as possibly interlaced.
    if (!isNeeded || !isSupported || parameters->field_order != AV_FIELD_PROGRESSIVE || session->decodedCount > 0 ||
        session->isInputDrained) {
        return 0;
    }
    session->isNeeded = isNeeded;
    session->filterContext = context;
    return 1;
}

// MARK: - Numbering

/// Ends frame skipping for the rest of the stream: frames are counted as they come out from
/// here on, which is what numbering by pts gave so far when nothing was skipped.
static void stopSkipping(CVeilAV_Session *session) {
    session->isNeeded = NULL;
    session->pendingCount = 0;
    // Contract: see the `skip_frame` call in CVeilAV_readFrame (av_session.c); no packet is in
    // the decoder unread when this runs.
    session->decoder->skip_frame = AVDISCARD_DEFAULT;
}

/// A stream irregularity met while skipping (`what`): before anything was skipped, skipping
/// stops and the read goes on (0); after, the read fails (1), since the frames already handed
/// out may have been numbered wrongly.
static int irregular(CVeilAV_Session *session, const char *what, char *error, size_t errorLength) {
    if (!session->hasSkipped) {
        stopSkipping(session);
        return 0;
    }
    return CVeilAV_fail(error, errorLength,
                        "frame %lld: %s, after frames the detectors do not need were skipped; frames cannot be "
                        "numbered safely in this stream (exact detection decoding, --full-precision, decodes "
                        "every frame)",
                        (long long)session->decodedCount, what);
}

/// Skipping: records a video packet about to be sent and says whether to send it with
/// `skip_frame` = AVDISCARD_NONREF. Its index is provisional (a packet with a lower pts may
/// still come); the plan stage checks each skipped frame's final index against its schedule.
int CVeilAV_registerPacket(CVeilAV_Session *session, const AVPacket *packet, int *skip, char *error,
                           size_t errorLength) {
    *skip = 0;
    if (!session->isNeeded) return 0;
    int64_t pts = packet->pts;
    const char *problem = NULL;
    int position = 0;
    if (pts == AV_NOPTS_VALUE) {
        problem = "a video packet has no pts";
    } else if (session->decodedCount > 0 && pts <= session->lastNumberedPts) {
        problem = "a video packet's pts is not above the frames already numbered";
    } else if (session->pendingCount == CVEILAV_PENDING_PACKETS) {
        problem = "too many video packets wait for their frames";
    } else {
        while (position < session->pendingCount && session->pending[position].pts < pts) position++;
        if (position < session->pendingCount && session->pending[position].pts == pts) {
            problem = "two video packets have the same pts";
        }
    }
    if (problem) return irregular(session, problem, error, errorLength);
    int64_t index = session->decodedCount + position;
    int isSkippable = session->decodedCount > 0 && !(packet->flags & AV_PKT_FLAG_DISCARD) &&
                      !session->isNeeded(session->filterContext, index);
    memmove(&session->pending[position + 1], &session->pending[position],
            sizeof(PendingPacket) * (size_t)(session->pendingCount - position));
    session->pending[position] = (PendingPacket){
        .pts = pts, .duration = packet->duration > 0 ? packet->duration : session->defaultDuration,
        .wasSkipped = isSkippable};
    session->pendingCount += 1;
    if (isSkippable) session->hasSkipped = 1;
    *skip = isSkippable;
    return 0;
}

/// Skipping: checks a frame that came out of the decoder and holds it until the skipped frames
/// before it are reported. Returns 0 (held), 2 (skipping just stopped: deliver it as counted)
/// or 1 (failed).
int CVeilAV_numberFrame(CVeilAV_Session *session, char *error, size_t errorLength) {
    AVFrame *frame = session->decoded;
    int64_t pts = frame->best_effort_timestamp;
    const char *problem = NULL;
    if (pts == AV_NOPTS_VALUE || frame->pts != pts) {
        problem = "a frame has no pts of its own";
    } else if (frame->interlaced_frame) {
        problem = "a frame is interlaced";
    } else if (session->decodedCount > 0 && pts <= session->lastNumberedPts) {
        problem = "frames come out of pts order";
    } else {
        int isKnown = 0;
        for (int i = 0; i < session->pendingCount && !isKnown; i++) isKnown = session->pending[i].pts == pts;
        if (!isKnown) problem = "a frame's pts is none of the packets'";
    }
    if (!problem) {
        session->isHoldingFrame = 1;
        return 0;
    }
    if (irregular(session, problem, error, errorLength)) {
        av_frame_unref(frame);
        return 1;
    }
    return 2;
}

/// Skipping: hands out the next frame skipped before the held frame or, at the end, before
/// the end. 1 when one was reported.
int CVeilAV_reportSkipped(CVeilAV_Session *session, int64_t before, int isEnd, int64_t *pts, int64_t *duration,
                          int64_t *index, int *isSkipped) {
    while (session->pendingCount > 0 && (isEnd || session->pending[0].pts < before)) {
        PendingPacket entry = session->pending[0];
        session->pendingCount -= 1;
        memmove(&session->pending[0], &session->pending[1], sizeof(PendingPacket) * (size_t)session->pendingCount);
        // Sent without skipping and yet no frame: the decoder dropped it itself (as it would
        // without skipping), so it is not counted.
        if (!entry.wasSkipped) continue;
        *pts = entry.pts;
        *duration = entry.duration;
        *index = session->decodedCount;
        *isSkipped = 1;
        session->decodedCount += 1;
        session->lastNumberedPts = entry.pts;
        session->nextPts = entry.pts + entry.duration;
        return 1;
    }
    return 0;
}
