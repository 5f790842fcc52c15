// The reading half of a CVeilAV session (see CVeilAV.h): demux and decode one video stream to
// planar YUV 4:2:0 and pass audio/subtitle packets on to the output byte for byte. The writing
// half is av_output.c; pixel layout and the detectors' scaler live in av_pixels.c, frame
// skipping for the detectors' decoder in av_skipping.c, FFmpeg log capture and error text in
// av_errors.c.
#include <dlfcn.h>
#include "av_session.h"
#include "av_errors.h"
#include "av_pixels.h"


int CVeilAV_hasEncoder(const char *name) { return avcodec_find_encoder_by_name(name) != NULL; }

/// The video stream to anonymize: FFmpeg's best video stream, never an attached picture (album
/// or cover art, which av_find_best_stream falls back to when nothing else is video). -1 when
/// there is no video at all, -2 when there are only attached pictures.
static int bestVideoStream(AVFormatContext *input) {
    int best = av_find_best_stream(input, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (best >= 0 && !(input->streams[best]->disposition & AV_DISPOSITION_ATTACHED_PIC)) return best;
    int hasCover = 0;
    for (unsigned index = 0; index < input->nb_streams; index++) {
        AVStream *stream = input->streams[index];
        if (stream->codecpar->codec_type != AVMEDIA_TYPE_VIDEO) continue;
        if (stream->disposition & AV_DISPOSITION_ATTACHED_PIC) {
            hasCover = 1;
            continue;
        }
        return (int)index;
    }
    return hasCover ? -2 : -1;
}

int CVeilAV_openInput(const char *path, CVeilAV_Session **result, CVeilAV_VideoInfo *info, char *error,
                      size_t errorLength) {
    return CVeilAV_openInputWithDecoder(path, NULL, result, info, error, errorLength);
}

int CVeilAV_checkNVIDIAVideo(char *error, size_t errorLength) {
    const char *libraries[] = {"libnvcuvid.so.1", "libnvidia-encode.so.1"};
    const char *purposes[] = {"NVDEC decoding", "NVENC encoding"};
    for (int i = 0; i < 2; i++) {
        void *handle = dlopen(libraries[i], RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            return CVeilAV_fail(error, errorLength,
                                "the NVIDIA driver's %s library for %s cannot be loaded (no NVIDIA driver, or a "
                                "container started without the video capability)",
                                libraries[i], purposes[i]);
        }
        dlclose(handle);
    }
    return 0;
}

int CVeilAV_openInputWithDecoder(const char *path, const char *decoderSuffix, CVeilAV_Session **result,
                                 CVeilAV_VideoInfo *info, char *error, size_t errorLength) {
    CVeilAV_installLogCapture();
    *result = NULL;
    CVeilAV_Session *session = calloc(1, sizeof *session);
    if (!session) return CVeilAV_fail(error, errorLength, "out of memory");
    pthread_mutex_init(&session->muxLock, NULL);

    uint64_t mark = CVeilAV_logMark();
    int status = avformat_open_input(&session->input, path, NULL, NULL);
    if (status < 0) {
        CVeilAV_close(session);
        return CVeilAV_failWith(status, mark, error, errorLength, "not a video FFmpeg can open: demuxer said");
    }
    status = avformat_find_stream_info(session->input, NULL);
    if (status < 0) {
        CVeilAV_close(session);
        return CVeilAV_failWith(status, mark, error, errorLength, "cannot read the stream layout: demuxer said");
    }
    int videoIndex = bestVideoStream(session->input);
    if (videoIndex < 0) {
        int hasCover = videoIndex == -2;
        CVeilAV_close(session);
        return CVeilAV_fail(error, errorLength, "the file has no video stream%s",
                            hasCover ? " (only a cover picture)" : "");
    }
    AVStream *stream = session->input->streams[videoIndex];
    session->videoIndex = videoIndex;
    session->videoStream = stream;

    const AVCodec *codec = NULL;
    if (decoderSuffix) {
        char name[64];
        snprintf(name, sizeof name, "%s_%s", avcodec_get_name(stream->codecpar->codec_id), decoderSuffix);
        codec = avcodec_find_decoder_by_name(name);
        if (!codec) {
            CVeilAV_close(session);
            return CVeilAV_fail(error, errorLength, "FFmpeg has no hardware decoder %s for this video's codec", name);
        }
    } else {
        codec = avcodec_find_decoder(stream->codecpar->codec_id);
    }
    if (!codec) {
        enum AVCodecID codecID = stream->codecpar->codec_id; // `stream` is freed with the session
        CVeilAV_close(session);
        return CVeilAV_fail(error, errorLength, "FFmpeg has no decoder for the video codec '%s'",
                            avcodec_get_name(codecID));
    }
    session->decoder = avcodec_alloc_context3(codec);
    session->readPacket = av_packet_alloc();
    session->decoded = av_frame_alloc();
    session->inputStreamCount = session->input->nb_streams;
    session->streamMap = malloc(sizeof(int) * (session->inputStreamCount ? session->inputStreamCount : 1));
    if (!session->decoder || !session->readPacket || !session->decoded || !session->streamMap) {
        CVeilAV_close(session);
        return CVeilAV_fail(error, errorLength, "out of memory");
    }
    for (unsigned index = 0; index < session->inputStreamCount; index++) session->streamMap[index] = -1;
    avcodec_parameters_to_context(session->decoder, stream->codecpar);
    session->decoder->pkt_timebase = stream->time_base;
    session->decoder->thread_count = 0; // auto: one per core
    // Slice threads only: with frame threads, whether a damaged packet surfaces as an error, a
    // flagged frame or nothing depends on which thread got there first, so the same file passed
    // or failed from run to run. A verdict on a file must be repeatable (DECISIONS.md).
    session->decoder->thread_type = FF_THREAD_SLICE;
    status = avcodec_open2(session->decoder, codec, NULL);
    if (status < 0) {
        char what[96];
        snprintf(what, sizeof what, "cannot open the video decoder %s:", codec->name);
        CVeilAV_close(session);
        return CVeilAV_failWith(status, mark, error, errorLength, what);
    }

    AVCodecParameters *parameters = stream->codecpar;
    session->width = parameters->width;
    session->height = parameters->height;
    if (session->width <= 0 || session->height <= 0) {
        int width = session->width, height = session->height;
        CVeilAV_close(session); // the message is built from copies: `session` is freed here
        return CVeilAV_fail(error, errorLength, "the video stream has no frame size (%dx%d)", width, height);
    }
    session->colorspace = parameters->color_space;
    session->isFullRange = parameters->color_range == AVCOL_RANGE_JPEG || parameters->format == AV_PIX_FMT_YUVJ420P ||
                           parameters->format == AV_PIX_FMT_YUVJ422P || parameters->format == AV_PIX_FMT_YUVJ444P;
    AVRational rate = stream->avg_frame_rate.num > 0 ? stream->avg_frame_rate : stream->r_frame_rate;
    session->defaultDuration = rate.num > 0 ? av_rescale_q(1, av_inv_q(rate), stream->time_base) : 1;
    if (session->defaultDuration <= 0) session->defaultDuration = 1;
    session->nextPts = AV_NOPTS_VALUE;

    memset(info, 0, sizeof *info);
    info->width = session->width;
    info->height = session->height;
    info->colorspace = session->colorspace;
    info->isFullRange = session->isFullRange;
    info->timeBaseNumerator = stream->time_base.num;
    info->timeBaseDenominator = stream->time_base.den;
    info->frameRateNumerator = stream->avg_frame_rate.num;
    info->frameRateDenominator = stream->avg_frame_rate.den;
    info->durationMicroseconds = session->input->duration != AV_NOPTS_VALUE ? session->input->duration : -1;
    if (stream->nb_frames > 0) {
        info->frameCountEstimate = stream->nb_frames;
    } else if (stream->duration != AV_NOPTS_VALUE && rate.num > 0) {
        info->frameCountEstimate = av_rescale_q(stream->duration, stream->time_base, av_inv_q(rate));
    } else if (info->durationMicroseconds > 0 && rate.num > 0) {
        info->frameCountEstimate = av_rescale_q(info->durationMicroseconds, AV_TIME_BASE_Q, av_inv_q(rate));
    } else {
        info->frameCountEstimate = -1;
    }
    size_t matrixSize = 0;
    const uint8_t *matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &matrixSize);
    if (matrix && matrixSize >= 9 * sizeof(int32_t)) {
        // FFmpeg reports counter-clockwise degrees; players rotate clockwise by the negation.
        double counterClockwise = av_display_rotation_get((const int32_t *)matrix);
        if (!isnan(counterClockwise)) {
            double clockwise = fmod(-counterClockwise, 360.0);
            if (clockwise < 0) clockwise += 360.0;
            info->rotationDegrees = clockwise == 360.0 ? 0 : clockwise;
        }
    }
    AVRational aspect = av_guess_sample_aspect_ratio(session->input, stream, NULL);
    info->sampleAspectNumerator = aspect.num;
    info->sampleAspectDenominator = aspect.den ? aspect.den : 1;
    for (unsigned index = 0; index < session->inputStreamCount; index++) {
        enum AVMediaType type = session->input->streams[index]->codecpar->codec_type;
        if (type == AVMEDIA_TYPE_AUDIO) info->audioStreamCount += 1;
        if (type == AVMEDIA_TYPE_SUBTITLE) info->subtitleStreamCount += 1;
    }
    snprintf(info->codecName, sizeof info->codecName, "%s", avcodec_get_name(parameters->codec_id));
    const char *pixelFormat = av_get_pix_fmt_name((enum AVPixelFormat)parameters->format);
    snprintf(info->pixelFormatName, sizeof info->pixelFormatName, "%s", pixelFormat ? pixelFormat : "");
    info->baseFrameRateNumerator = stream->r_frame_rate.num;
    info->baseFrameRateDenominator = stream->r_frame_rate.den;
    *result = session;
    return 0;
}

void CVeilAV_decodeForDetection(CVeilAV_Session *session) {
    // Contract (libavcodec, `skip_loop_filter`): an AVCodecContext field the decoder reads for
    // each slice, so setting it between avcodec_open2 and the first packet is allowed; with slice
    // threads (all Veil opens) the threads share this context, so every slice sees it.
    session->decoder->skip_loop_filter = AVDISCARD_ALL;
}

// MARK: - Reading

/// Copies an audio or subtitle packet to the output, or drops it when its stream is not kept.
static int copyPacket(CVeilAV_Session *session, AVPacket *packet, char *error, size_t errorLength) {
    int index = packet->stream_index;
    if (!session->isHeaderWritten || index < 0 || (unsigned)index >= session->inputStreamCount || session->streamMap[index] < 0) {
        av_packet_unref(packet);
        return 0;
    }
    if (packet->flags & AV_PKT_FLAG_CORRUPT) {
        av_packet_unref(packet);
        return CVeilAV_fail(error, errorLength, "stream #%d: packet at byte %lld is incomplete (is the file truncated?)", index,
                    (long long)packet->pos);
    }
    AVStream *input = session->input->streams[index];
    AVStream *output = session->output->streams[session->streamMap[index]];
    av_packet_rescale_ts(packet, input->time_base, output->time_base);
    packet->stream_index = output->index;
    packet->pos = -1;
    return CVeilAV_mux(session, packet, error, errorLength, "copying a packet after frame", session->decodedCount);
}

/// Converts a frame that is not 8-bit 4:2:0 at the stream's size (another pixel format, or a
/// picture whose size changed mid-stream) into the caller's planar buffer.
static int convert(CVeilAV_Session *session, AVFrame *frame, uint8_t *yuv, int64_t number, char *error,
                   size_t errorLength) {
    if (!session->toPlanar || session->toPlanarFormat != frame->format || session->toPlanarWidth != frame->width ||
        session->toPlanarHeight != frame->height) {
        sws_freeContext(session->toPlanar);
        int isResize = frame->width != session->width || frame->height != session->height;
        int flags = isResize && frame->width > session->width ? SWS_AREA : CVEILAV_SWS_FLAGS;
        session->toPlanar = sws_getContext(frame->width, frame->height, frame->format, session->width, session->height,
                                           AV_PIX_FMT_YUV420P, flags, NULL, NULL, NULL);
        if (!session->toPlanar) {
            const char *name = av_get_pix_fmt_name(frame->format);
            return CVeilAV_fail(error, errorLength, "frame %lld: cannot convert a %dx%d %s picture to %dx%d 8-bit 4:2:0",
                                (long long)number, frame->width, frame->height, name ? name : "unknown",
                                session->width, session->height);
        }
        session->toPlanarFormat = frame->format;
        session->toPlanarWidth = frame->width;
        session->toPlanarHeight = frame->height;
        // Same matrix and range on both sides: only the sampling, size and bit depth change.
        const int *table = CVeilAV_coefficients(session->colorspace);
        sws_setColorspaceDetails(session->toPlanar, table, session->isFullRange, table, session->isFullRange, 0,
                                 1 << 16, 1 << 16);
    }
    // Buffer contract: swscale writes only into our padded frame (av_frame_get_buffer, 64-byte
    // aligned rows plus slack; its SIMD writers overrun a row's visible end) and reads the
    // decoder's frame, which FFmpeg already allocated padded. The caller's exact-sized buffer is
    // filled by av_image_copy_plane, `width` bytes per row.
    if (CVeilAV_ensureFrame(&session->converted, AV_PIX_FMT_YUV420P, session->width, session->height)) {
        return CVeilAV_fail(error, errorLength, "frame %lld: out of memory", (long long)number);
    }
    int rows = sws_scale(session->toPlanar, (const uint8_t *const *)frame->data, frame->linesize, 0, frame->height,
                         session->converted->data, session->converted->linesize);
    if (rows != session->height) {
        return CVeilAV_fail(error, errorLength, "frame %lld: converting the picture wrote %d of %d rows",
                            (long long)number, rows, session->height);
    }
    CVeilAV_copyPlanarOut(session->converted, yuv, session->width, session->height);
    return 0;
}

/// Copies the decoded frame into the caller's planar 4:2:0 buffer (converting other pixel
/// formats, scaling pictures whose size changed mid-stream to the stream's) and fills its timing.
static int deliver(CVeilAV_Session *session, uint8_t *yuv, int64_t *pts, int64_t *duration, int64_t *index,
                   char *error, size_t errorLength) {
    AVFrame *frame = session->decoded;
    int64_t number = session->decodedCount;
    if (frame->width <= 0 || frame->height <= 0 || !frame->data[0]) {
        int width = frame->width, height = frame->height;
        av_frame_unref(frame);
        return CVeilAV_fail(error, errorLength, "frame %lld: the decoder returned a picture without pixels (%dx%d)",
                            (long long)number, width, height);
    }
    if (frame->decode_error_flags || (frame->flags & AV_FRAME_FLAG_CORRUPT)) {
        char reason[CVEILAV_LOG_LINE];
        if (!CVeilAV_lastLogLine(reason, sizeof reason)) snprintf(reason, sizeof reason, "damaged picture");
        av_frame_unref(frame);
        return CVeilAV_fail(error, errorLength, "frame %lld: the picture is damaged (decoder said '%s')", (long long)number,
                    reason);
    }
    int isResized = frame->width != session->width || frame->height != session->height;
    if (isResized) {
        if (session->rescaledCount == 0) {
            session->firstRescaledIndex = number;
            session->firstRescaledWidth = frame->width;
            session->firstRescaledHeight = frame->height;
        }
        session->rescaledCount += 1;
    }
    if (!isResized && (frame->format == AV_PIX_FMT_YUV420P || frame->format == AV_PIX_FMT_YUVJ420P)) {
        // Exact copies, `width` bytes per row: the caller's buffer needs no padding.
        uint8_t *planes[4];
        int strides[4];
        CVeilAV_planarLayout(yuv, session->width, session->height, planes, strides);
        int chromaWidth = (session->width + 1) / 2;
        int chromaHeight = (session->height + 1) / 2;
        av_image_copy_plane(planes[0], strides[0], frame->data[0], frame->linesize[0], session->width, session->height);
        av_image_copy_plane(planes[1], strides[1], frame->data[1], frame->linesize[1], chromaWidth, chromaHeight);
        av_image_copy_plane(planes[2], strides[2], frame->data[2], frame->linesize[2], chromaWidth, chromaHeight);
    } else if (convert(session, frame, yuv, number, error, errorLength)) {
        av_frame_unref(frame);
        return 1;
    }

    int64_t timestamp = frame->best_effort_timestamp;
    if (timestamp == AV_NOPTS_VALUE) timestamp = session->nextPts != AV_NOPTS_VALUE ? session->nextPts : 0;
    int64_t length = frame->pkt_duration > 0 ? frame->pkt_duration : session->defaultDuration;
    session->nextPts = timestamp + length;
    session->lastNumberedPts = timestamp;
    *pts = timestamp;
    *duration = length;
    *index = number;
    session->decodedCount += 1;
    av_frame_unref(frame);
    return 0;
}

int64_t CVeilAV_rescaledFrames(const CVeilAV_Session *session, int64_t *firstIndex, int *firstWidth,
                               int *firstHeight) {
    *firstIndex = session->firstRescaledIndex;
    *firstWidth = session->firstRescaledWidth;
    *firstHeight = session->firstRescaledHeight;
    return session->rescaledCount;
}

int CVeilAV_readFrame(CVeilAV_Session *session, uint8_t *yuv, size_t capacity, int64_t *pts, int64_t *duration,
                      int64_t *index, int *isSkipped, int *isEnd, char *error, size_t errorLength) {
    *isEnd = 0;
    *isSkipped = 0;
    size_t needed = CVeilAV_planarSize(session->width, session->height);
    if (needed > capacity) {
        return CVeilAV_fail(error, errorLength, "the frame buffer holds %zu bytes, a %dx%d 4:2:0 frame needs %zu", capacity,
                    session->width, session->height, needed);
    }
    for (;;) {
        if (session->isHoldingFrame) {
            int64_t held = session->decoded->best_effort_timestamp;
            if (CVeilAV_reportSkipped(session, held, 0, pts, duration, index, isSkipped)) return 0;
            // CVeilAV_numberFrame found the held pts among the pending packets; all lower ones
            // are gone.
            if (session->pendingCount == 0 || session->pending[0].pts != held) {
                av_frame_unref(session->decoded);
                session->isHoldingFrame = 0;
                return CVeilAV_fail(error, errorLength, "frame %lld: internal error: a held frame lost its packet",
                                    (long long)session->decodedCount);
            }
            session->pendingCount -= 1;
            memmove(&session->pending[0], &session->pending[1], sizeof(PendingPacket) * (size_t)session->pendingCount);
            session->isHoldingFrame = 0;
            return deliver(session, yuv, pts, duration, index, error, errorLength);
        }
        if (session->isDecoderDone) {
            if (session->isNeeded && CVeilAV_reportSkipped(session, 0, 1, pts, duration, index, isSkipped)) return 0;
            *isEnd = 1;
            return 0;
        }
        uint64_t mark = CVeilAV_logMark();
        int status = avcodec_receive_frame(session->decoder, session->decoded);
        if (status == 0 && session->isNeeded) {
            int numbered = CVeilAV_numberFrame(session, error, errorLength);
            if (numbered == 1) return 1;
            if (numbered == 0) continue;
        }
        if (status == 0) return deliver(session, yuv, pts, duration, index, error, errorLength);
        if (status == AVERROR_EOF) {
            session->isDecoderDone = 1;
            continue;
        }
        if (status != AVERROR(EAGAIN)) {
            char what[64];
            snprintf(what, sizeof what, "frame %lld: decoder said", (long long)session->decodedCount);
            return CVeilAV_failWith(status, mark, error, errorLength, what);
        }
        if (session->isInputDrained) {
            // The decoder wants input after it was told the input ended: treat as the end.
            session->isDecoderDone = 1;
            continue;
        }
        AVPacket *packet = session->readPacket;
        status = av_read_frame(session->input, packet);
        if (status == AVERROR_EOF) {
            session->isInputDrained = 1;
            avcodec_send_packet(session->decoder, NULL);
            continue;
        }
        if (status < 0) {
            char what[96];
            snprintf(what, sizeof what, "after frame %lld: reading the input failed: demuxer said",
                     (long long)session->decodedCount);
            return CVeilAV_failWith(status, mark, error, errorLength, what);
        }
        if (packet->stream_index != session->videoIndex) {
            if (copyPacket(session, packet, error, errorLength)) return 1;
            continue;
        }
        if (packet->flags & AV_PKT_FLAG_CORRUPT) {
            long long position = packet->pos;
            av_packet_unref(packet);
            return CVeilAV_fail(error, errorLength, "frame %lld: the video packet at byte %lld is incomplete (is the file truncated?)",
                        (long long)session->decodedCount, position);
        }
        int skip = 0;
        if (CVeilAV_registerPacket(session, packet, &skip, error, errorLength)) {
            av_packet_unref(packet);
            return 1;
        }
        if (session->isNeeded) {
            // Contract (libavcodec, `skip_frame`): an AVCodecContext field the H.264 and HEVC
            // decoders read for each NAL unit as they decode it; AVDISCARD_NONREF drops only
            // the NAL units of pictures no other picture refers to (nal_ref_idc 0, or HEVC's
            // sub-layer non-reference types), so a reference picture is always decoded. It may
            // change between packets: we set it only after avcodec_receive_frame returned
            // EAGAIN, i.e. once the decoder has consumed every packet sent before, and it
            // decodes this one inside avcodec_send_packet or at the latest in the next
            // avcodec_receive_frame, before the field changes again. That holds because the
            // session uses slice threads only (FF_THREAD_SLICE at open): they share this
            // context, whereas frame threads would copy it into worker contexts at their own
            // pace. A skipped picture yields no frame (and no error); its damage, if any, is
            // found by the exact decoder, which decodes every frame.
            session->decoder->skip_frame = skip ? AVDISCARD_NONREF : AVDISCARD_DEFAULT;
        }
        status = avcodec_send_packet(session->decoder, packet);
        av_packet_unref(packet);
        if (status < 0 && status != AVERROR(EAGAIN)) {
            char what[64];
            snprintf(what, sizeof what, "frame %lld: decoder said", (long long)session->decodedCount);
            return CVeilAV_failWith(status, mark, error, errorLength, what);
        }
    }
}

void CVeilAV_close(CVeilAV_Session *session) {
    if (!session) return;
    if (session->output) {
        if (session->output->pb) avio_closep(&session->output->pb);
        avformat_free_context(session->output);
    }
    avcodec_free_context(&session->encoder);
    av_frame_free(&session->toEncode);
    sws_freeContext(session->toEncodeScaler);
    av_frame_free(&session->toEncodeSource);
    av_packet_free(&session->writePacket);
    avcodec_free_context(&session->decoder);
    av_frame_free(&session->decoded);
    av_packet_free(&session->readPacket);
    sws_freeContext(session->toPlanar);
    av_frame_free(&session->converted);
    if (session->input) avformat_close_input(&session->input);
    free(session->streamMap);
    pthread_mutex_destroy(&session->muxLock);
    free(session);
}
