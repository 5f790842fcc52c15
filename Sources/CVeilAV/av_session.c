// The transcode session behind CVeilAV.h: demux + decode one video stream to planar YUV 4:2:0,
// encode planar YUV 4:2:0 back, and copy audio/subtitle packets byte for byte. Pixel layout and
// the detectors' scaler live in av_pixels.c, FFmpeg log capture and error text in av_errors.c.
#include "CVeilAV.h"
#include "av_errors.h"
#include "av_pixels.h"

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/// Scaling algorithm for same-size pixel format conversions (a 10-bit or 4:4:4 input to 4:2:0):
/// only the format changes; bilinear keeps chroma smooth and takes swscale's fast unscaled paths.
#define CVEILAV_SWS_FLAGS SWS_BILINEAR

/// How many frames the encoder may hold back (threads + lookahead + B-frames) while we still
/// remember each frame's duration; x264/x265 stay well under this even at veryslow with 16+
/// threads. A miss only costs the muxer a guessed duration, never a frame.
#define CVEILAV_DURATION_SLOTS 1024

static void appendNote(char *notes, size_t notesLength, const char *format, ...) {
    if (!notes || !notesLength) return;
    size_t used = strlen(notes);
    if (used + 1 >= notesLength) return;
    if (used > 0) {
        notes[used++] = '\n';
        notes[used] = 0;
    }
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(notes + used, notesLength - used, format, arguments);
    va_end(arguments);
}

// MARK: - Session

typedef struct {
    int64_t pts;
    int64_t duration;
} DurationSlot;

struct CVeilAV_Session {
    // Reading side (touched only by readFrame).
    AVFormatContext *input;
    AVStream *videoStream;
    int videoIndex;
    AVCodecContext *decoder;
    AVPacket *readPacket;
    AVFrame *decoded;
    /// Converts frames that are not 8-bit 4:2:0 (10-bit, 4:2:2, 4:4:4, NV12, …) to it.
    struct SwsContext *toPlanar;
    int toPlanarFormat;
    int64_t decodedCount;
    int64_t nextPts;
    int isInputDrained;
    int isDecoderDone;

    // Shared facts fixed at open.
    int width;
    int height;
    int colorspace;
    int isFullRange;
    int64_t defaultDuration;
    unsigned inputStreamCount;
    int *streamMap; // input stream index → output stream index, or -1

    // Writing side (touched only by writeFrame/finish).
    AVFormatContext *output;
    AVStream *outputVideo;
    AVCodecContext *encoder;
    AVFrame *toEncode;
    AVPacket *writePacket;
    DurationSlot durations[CVEILAV_DURATION_SLOTS];
    int64_t writtenCount;
    int isHeaderWritten;
    int isFinished;

    // Guards `output` between the reading side (copied packets) and the writing side.
    pthread_mutex_t muxLock;
};

int CVeilAV_hasEncoder(const char *name) { return avcodec_find_encoder_by_name(name) != NULL; }

int CVeilAV_openInput(const char *path, CVeilAV_Session **result, CVeilAV_VideoInfo *info, char *error,
                      size_t errorLength) {
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
    int videoIndex = av_find_best_stream(session->input, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (videoIndex < 0) {
        CVeilAV_close(session);
        return CVeilAV_fail(error, errorLength, "the file has no video stream");
    }
    AVStream *stream = session->input->streams[videoIndex];
    session->videoIndex = videoIndex;
    session->videoStream = stream;

    const AVCodec *codec = avcodec_find_decoder(stream->codecpar->codec_id);
    if (!codec) {
        CVeilAV_close(session);
        return CVeilAV_fail(error, errorLength, "FFmpeg has no decoder for the video codec '%s'",
                    avcodec_get_name(stream->codecpar->codec_id));
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
    status = avcodec_open2(session->decoder, codec, NULL);
    if (status < 0) {
        CVeilAV_close(session);
        return CVeilAV_failWith(status, mark, error, errorLength, "cannot open the video decoder:");
    }

    AVCodecParameters *parameters = stream->codecpar;
    session->width = parameters->width;
    session->height = parameters->height;
    if (session->width <= 0 || session->height <= 0) {
        CVeilAV_close(session);
        return CVeilAV_fail(error, errorLength, "the video stream has no frame size (%dx%d)", session->width, session->height);
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
    *result = session;
    return 0;
}

// MARK: - Output

/// Metadata keys that say nothing about where, when or with what a video was recorded.
static const char *const harmlessStreamKeys[] = {"language", "handler_name", "title", NULL};
static const char *const harmlessFormatKeys[] = {"title", NULL};

static void copyHarmlessKeys(const AVDictionary *source, AVDictionary **target, const char *const *keys) {
    for (const char *const *key = keys; *key; key++) {
        const AVDictionaryEntry *entry = av_dict_get(source, *key, NULL, 0);
        if (entry) av_dict_set(target, *key, entry->value, 0);
    }
}

/// 1 if the container can hold the codec, 0 if it cannot, 1 when FFmpeg cannot tell (the header
/// write will then decide).
static int containerHolds(const AVOutputFormat *format, enum AVCodecID codec) {
    return avformat_query_codec(format, codec, FF_COMPLIANCE_NORMAL) != 0;
}

static int isMP4Family(const AVOutputFormat *format) {
    return strstr(format->name, "mp4") || strstr(format->name, "mov");
}

static int addVideoStream(CVeilAV_Session *session, const CVeilAV_OutputOptions *options, char *error,
                          size_t errorLength) {
    AVFormatContext *output = session->output;
    AVStream *input = session->videoStream;
    const AVCodec *codec = avcodec_find_encoder_by_name(options->encoder);
    if (!codec) return CVeilAV_fail(error, errorLength, "FFmpeg has no encoder named '%s'", options->encoder);
    if (!containerHolds(output->oformat, codec->id)) {
        return CVeilAV_fail(error, errorLength, "a .%s file cannot hold %s video", output->oformat->name, avcodec_get_name(codec->id));
    }
    session->outputVideo = avformat_new_stream(output, NULL);
    session->encoder = avcodec_alloc_context3(codec);
    if (!session->outputVideo || !session->encoder) return CVeilAV_fail(error, errorLength, "out of memory");
    AVCodecContext *encoder = session->encoder;
    // 4:2:0 encoders take even sizes only: an odd last column or row is left out (with a note).
    encoder->width = session->width & ~1;
    encoder->height = session->height & ~1;
    encoder->pix_fmt = AV_PIX_FMT_YUV420P;
    // The input's time base and pts pass straight through: no frame is duplicated or dropped and
    // variable frame rates survive.
    encoder->time_base = input->time_base;
    if (input->avg_frame_rate.num > 0) encoder->framerate = input->avg_frame_rate;
    encoder->sample_aspect_ratio = av_guess_sample_aspect_ratio(session->input, input, NULL);
    encoder->colorspace = input->codecpar->color_space;
    encoder->color_primaries = input->codecpar->color_primaries;
    encoder->color_trc = input->codecpar->color_trc;
    encoder->color_range = session->isFullRange ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
    encoder->thread_count = 0; // auto: the encoder's own frame threads
    if (output->oformat->flags & AVFMT_GLOBALHEADER) encoder->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;

    AVDictionary *settings = NULL;
    char crf[16];
    snprintf(crf, sizeof crf, "%d", options->crf);
    av_dict_set(&settings, "crf", crf, 0);
    if (options->preset && *options->preset) av_dict_set(&settings, "preset", options->preset, 0);
    if (codec->id == AV_CODEC_ID_HEVC) av_dict_set(&settings, "x265-params", "log-level=error", 0);
    uint64_t mark = CVeilAV_logMark();
    int status = avcodec_open2(encoder, codec, &settings);
    av_dict_free(&settings);
    if (status < 0) return CVeilAV_failWith(status, mark, error, errorLength, "cannot open the video encoder:");

    AVStream *stream = session->outputVideo;
    avcodec_parameters_from_context(stream->codecpar, encoder);
    // Apple players only play HEVC in MP4/MOV when it is tagged hvc1.
    if (codec->id == AV_CODEC_ID_HEVC && isMP4Family(output->oformat)) {
        stream->codecpar->codec_tag = MKTAG('h', 'v', 'c', '1');
    }
    stream->time_base = encoder->time_base;
    stream->avg_frame_rate = input->avg_frame_rate;
    stream->sample_aspect_ratio = encoder->sample_aspect_ratio;
    stream->disposition = input->disposition;

    // The display matrix keeps a portrait phone video portrait without touching pixels.
    size_t matrixSize = 0;
    const uint8_t *matrix = av_stream_get_side_data(input, AV_PKT_DATA_DISPLAYMATRIX, &matrixSize);
    if (matrix && matrixSize > 0) {
        uint8_t *copy = av_stream_new_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, matrixSize);
        if (!copy) return CVeilAV_fail(error, errorLength, "out of memory");
        memcpy(copy, matrix, matrixSize);
    }
    if (options->keepMetadata) copyHarmlessKeys(input->metadata, &stream->metadata, harmlessStreamKeys);
    session->streamMap[session->videoIndex] = stream->index;
    return 0;
}

/// Adds an untouched copy of every audio stream and of the subtitle streams the container can
/// hold. Everything else (data tracks such as GPS or camera telemetry, attachments, extra video)
/// is left out with a note.
static int addCopiedStreams(CVeilAV_Session *session, const CVeilAV_OutputOptions *options, char *notes,
                            size_t notesLength, char *error, size_t errorLength) {
    AVFormatContext *output = session->output;
    for (unsigned index = 0; index < session->inputStreamCount; index++) {
        if ((int)index == session->videoIndex) continue;
        AVStream *input = session->input->streams[index];
        enum AVMediaType type = input->codecpar->codec_type;
        const char *codecName = avcodec_get_name(input->codecpar->codec_id);
        if (type == AVMEDIA_TYPE_AUDIO && !containerHolds(output->oformat, input->codecpar->codec_id)) {
            return CVeilAV_fail(error, errorLength,
                        "audio stream #%u (%s) cannot be stored in a .%s file without re-encoding; "
                        "write a .mkv or .mov file instead",
                        index, codecName, output->oformat->name);
        }
        if (type == AVMEDIA_TYPE_SUBTITLE && !containerHolds(output->oformat, input->codecpar->codec_id)) {
            appendNote(notes, notesLength, "subtitle stream #%u (%s) left out: a .%s file cannot hold it%s", index,
                       codecName, output->oformat->name,
                       isMP4Family(output->oformat) ? " (MP4 and MOV take mov_text only)" : "");
            continue;
        }
        if (type != AVMEDIA_TYPE_AUDIO && type != AVMEDIA_TYPE_SUBTITLE) {
            appendNote(notes, notesLength, "stream #%u (%s %s) left out: only one video stream, audio and subtitles are kept",
                       index, av_get_media_type_string(type) ? av_get_media_type_string(type) : "unknown", codecName);
            continue;
        }
        AVStream *stream = avformat_new_stream(output, NULL);
        if (!stream) return CVeilAV_fail(error, errorLength, "out of memory");
        int status = avcodec_parameters_copy(stream->codecpar, input->codecpar);
        if (status < 0) return CVeilAV_fail(error, errorLength, "cannot copy stream #%u's parameters", index);
        stream->codecpar->codec_tag = 0; // let the output container pick its own tag
        // Same time base as the input, so copied packets keep their exact timestamps.
        stream->time_base = input->time_base;
        stream->disposition = input->disposition;
        if (options->keepMetadata) copyHarmlessKeys(input->metadata, &stream->metadata, harmlessStreamKeys);
        session->streamMap[index] = stream->index;
    }
    return 0;
}

int CVeilAV_openOutput(CVeilAV_Session *session, const char *path, const CVeilAV_OutputOptions *options, char *notes,
                       size_t notesLength, char *error, size_t errorLength) {
    if (notes && notesLength) notes[0] = 0;
    if (session->output) return CVeilAV_fail(error, errorLength, "the output is already open");
    if (session->decodedCount > 0 || session->isInputDrained) {
        return CVeilAV_fail(error, errorLength, "the output must be opened before the first frame is read");
    }
    uint64_t mark = CVeilAV_logMark();
    int status = avformat_alloc_output_context2(&session->output, NULL, NULL, path);
    if (status < 0 || !session->output) {
        return CVeilAV_fail(error, errorLength, "cannot tell the container from the file name (use .mp4, .mov or .mkv)");
    }
    if (options->keepMetadata) copyHarmlessKeys(session->input->metadata, &session->output->metadata, harmlessFormatKeys);
    if (addVideoStream(session, options, error, errorLength)) return 1;
    if ((session->width | session->height) & 1) {
        appendNote(notes, notesLength, "frame size %dx%d is odd: the output is %dx%d (4:2:0 video needs even sizes)",
                   session->width, session->height, session->width & ~1, session->height & ~1);
    }
    if (addCopiedStreams(session, options, notes, notesLength, error, errorLength)) return 1;

    session->toEncode = av_frame_alloc();
    session->writePacket = av_packet_alloc();
    if (!session->toEncode || !session->writePacket) return CVeilAV_fail(error, errorLength, "out of memory");
    session->toEncode->format = AV_PIX_FMT_YUV420P;
    session->toEncode->width = session->encoder->width;
    session->toEncode->height = session->encoder->height;
    if (av_frame_get_buffer(session->toEncode, 0) < 0) return CVeilAV_fail(error, errorLength, "out of memory");

    mark = CVeilAV_logMark();
    status = avio_open(&session->output->pb, path, AVIO_FLAG_WRITE);
    if (status < 0) return CVeilAV_failWith(status, mark, error, errorLength, "cannot create the output file:");
    // MP4/MOV would otherwise multiply a coarse video time base (1/1000 from an MKV, say) until
    // it reaches 10000; keeping the input's timescale keeps every pts value exactly as it was.
    AVDictionary *muxerOptions = NULL;
    AVRational timeBase = session->videoStream->time_base;
    if (isMP4Family(session->output->oformat) && timeBase.num == 1 && timeBase.den > 0) {
        av_dict_set_int(&muxerOptions, "video_track_timescale", timeBase.den, 0);
    }
    status = avformat_write_header(session->output, &muxerOptions);
    av_dict_free(&muxerOptions);
    if (status < 0) return CVeilAV_failWith(status, mark, error, errorLength, "cannot write the container header: muxer said");
    session->isHeaderWritten = 1;
    return 0;
}

/// Hands one packet to the muxer (which takes it over), under the lock the two sides share.
static int mux(CVeilAV_Session *session, AVPacket *packet, char *error, size_t errorLength, const char *what,
               int64_t index) {
    uint64_t mark = CVeilAV_logMark();
    pthread_mutex_lock(&session->muxLock);
    int status = av_interleaved_write_frame(session->output, packet);
    pthread_mutex_unlock(&session->muxLock);
    if (status < 0) {
        char reason[CVEILAV_LOG_LINE];
        CVeilAV_describe(status, mark, reason, sizeof reason);
        return CVeilAV_fail(error, errorLength, "%s %lld: muxer said '%s'", what, (long long)index, reason);
    }
    return 0;
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
    return mux(session, packet, error, errorLength, "copying a packet after frame", session->decodedCount);
}

/// Copies the decoded frame into the caller's planar 4:2:0 buffer (converting other pixel
/// formats) and fills its timing.
static int deliver(CVeilAV_Session *session, uint8_t *yuv, int64_t *pts, int64_t *duration, int64_t *index,
                   char *error, size_t errorLength) {
    AVFrame *frame = session->decoded;
    int64_t number = session->decodedCount;
    if (frame->width != session->width || frame->height != session->height) {
        av_frame_unref(frame);
        return CVeilAV_fail(error, errorLength, "frame %lld: size changed from %dx%d to %dx%d, which Veil does not support",
                    (long long)number, session->width, session->height, frame->width, frame->height);
    }
    if (frame->decode_error_flags || (frame->flags & AV_FRAME_FLAG_CORRUPT)) {
        char reason[CVEILAV_LOG_LINE];
        if (!CVeilAV_lastLogLine(reason, sizeof reason)) snprintf(reason, sizeof reason, "damaged picture");
        av_frame_unref(frame);
        return CVeilAV_fail(error, errorLength, "frame %lld: the picture is damaged (decoder said '%s')", (long long)number,
                    reason);
    }
    uint8_t *planes[4];
    int strides[4];
    CVeilAV_planarLayout(yuv, session->width, session->height, planes, strides);
    if (frame->format == AV_PIX_FMT_YUV420P || frame->format == AV_PIX_FMT_YUVJ420P) {
        int chromaWidth = (session->width + 1) / 2;
        int chromaHeight = (session->height + 1) / 2;
        av_image_copy_plane(planes[0], strides[0], frame->data[0], frame->linesize[0], session->width, session->height);
        av_image_copy_plane(planes[1], strides[1], frame->data[1], frame->linesize[1], chromaWidth, chromaHeight);
        av_image_copy_plane(planes[2], strides[2], frame->data[2], frame->linesize[2], chromaWidth, chromaHeight);
    } else {
        if (!session->toPlanar || session->toPlanarFormat != frame->format) {
            sws_freeContext(session->toPlanar);
            session->toPlanar = sws_getContext(session->width, session->height, frame->format, session->width,
                                               session->height, AV_PIX_FMT_YUV420P, CVEILAV_SWS_FLAGS, NULL, NULL, NULL);
            if (!session->toPlanar) {
                av_frame_unref(frame);
                return CVeilAV_fail(error, errorLength, "frame %lld: cannot convert pixel format %s to 8-bit 4:2:0",
                            (long long)number,
                            av_get_pix_fmt_name(frame->format) ? av_get_pix_fmt_name(frame->format) : "unknown");
            }
            session->toPlanarFormat = frame->format;
            // Same matrix and range on both sides: only the sampling and bit depth change.
            const int *table = CVeilAV_coefficients(session->colorspace);
            sws_setColorspaceDetails(session->toPlanar, table, session->isFullRange, table, session->isFullRange, 0,
                                     1 << 16, 1 << 16);
        }
        sws_scale(session->toPlanar, (const uint8_t *const *)frame->data, frame->linesize, 0, session->height, planes,
                  strides);
    }

    int64_t timestamp = frame->best_effort_timestamp;
    if (timestamp == AV_NOPTS_VALUE) timestamp = session->nextPts != AV_NOPTS_VALUE ? session->nextPts : 0;
    int64_t length = frame->pkt_duration > 0 ? frame->pkt_duration : session->defaultDuration;
    session->nextPts = timestamp + length;
    *pts = timestamp;
    *duration = length;
    *index = number;
    session->decodedCount += 1;
    av_frame_unref(frame);
    return 0;
}

int CVeilAV_readFrame(CVeilAV_Session *session, uint8_t *yuv, size_t capacity, int64_t *pts, int64_t *duration,
                      int64_t *index, int *isEnd, char *error, size_t errorLength) {
    *isEnd = 0;
    size_t needed = CVeilAV_planarSize(session->width, session->height);
    if (needed > capacity) {
        return CVeilAV_fail(error, errorLength, "the frame buffer holds %zu bytes, a %dx%d 4:2:0 frame needs %zu", capacity,
                    session->width, session->height, needed);
    }
    for (;;) {
        if (session->isDecoderDone) {
            *isEnd = 1;
            return 0;
        }
        uint64_t mark = CVeilAV_logMark();
        int status = avcodec_receive_frame(session->decoder, session->decoded);
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
        status = avcodec_send_packet(session->decoder, packet);
        av_packet_unref(packet);
        if (status < 0 && status != AVERROR(EAGAIN)) {
            char what[64];
            snprintf(what, sizeof what, "frame %lld: decoder said", (long long)session->decodedCount);
            return CVeilAV_failWith(status, mark, error, errorLength, what);
        }
    }
}

// MARK: - Writing

static int64_t rememberedDuration(CVeilAV_Session *session, int64_t pts) {
    DurationSlot slot = session->durations[(uint64_t)pts % CVEILAV_DURATION_SLOTS];
    // Slots are keyed by pts; a collision or a never-seen pts falls back to the nominal duration.
    return slot.pts == pts && slot.duration > 0 ? slot.duration : session->defaultDuration;
}

/// Moves every packet the encoder has ready into the muxer.
static int drainEncoder(CVeilAV_Session *session, char *error, size_t errorLength) {
    for (;;) {
        uint64_t mark = CVeilAV_logMark();
        AVPacket *packet = session->writePacket;
        int status = avcodec_receive_packet(session->encoder, packet);
        if (status == AVERROR(EAGAIN) || status == AVERROR_EOF) return 0;
        if (status < 0) {
            char what[64];
            snprintf(what, sizeof what, "frame %lld: encoder said", (long long)session->writtenCount);
            return CVeilAV_failWith(status, mark, error, errorLength, what);
        }
        packet->duration = rememberedDuration(session, packet->pts);
        av_packet_rescale_ts(packet, session->encoder->time_base, session->outputVideo->time_base);
        packet->stream_index = session->outputVideo->index;
        if (mux(session, packet, error, errorLength, "writing frame", session->writtenCount)) return 1;
    }
}

int CVeilAV_writeFrame(CVeilAV_Session *session, const uint8_t *yuv, size_t length, int64_t pts, int64_t duration,
                       int64_t index, char *error, size_t errorLength) {
    if (!session->encoder || !session->isHeaderWritten) return CVeilAV_fail(error, errorLength, "no output is open");
    if (session->isFinished) return CVeilAV_fail(error, errorLength, "frame %lld: the output is already finished", (long long)index);
    size_t needed = CVeilAV_planarSize(session->width, session->height);
    if (length < needed) {
        return CVeilAV_fail(error, errorLength, "frame %lld: %zu bytes given, a %dx%d 4:2:0 frame needs %zu", (long long)index,
                    length, session->width, session->height, needed);
    }
    AVFrame *frame = session->toEncode;
    if (av_frame_make_writable(frame) < 0) return CVeilAV_fail(error, errorLength, "frame %lld: out of memory", (long long)index);
    uint8_t *planes[4];
    int strides[4];
    CVeilAV_planarLayout((uint8_t *)yuv, session->width, session->height, planes, strides);
    // The encoded size is the picture's, rounded down to even (see addVideoStream).
    int width = frame->width, height = frame->height;
    av_image_copy_plane(frame->data[0], frame->linesize[0], planes[0], strides[0], width, height);
    av_image_copy_plane(frame->data[1], frame->linesize[1], planes[1], strides[1], width / 2, height / 2);
    av_image_copy_plane(frame->data[2], frame->linesize[2], planes[2], strides[2], width / 2, height / 2);
    frame->pts = pts;
    frame->pkt_duration = duration;
    DurationSlot *slot = &session->durations[(uint64_t)pts % CVEILAV_DURATION_SLOTS];
    slot->pts = pts;
    slot->duration = duration;

    uint64_t mark = CVeilAV_logMark();
    int status = avcodec_send_frame(session->encoder, frame);
    if (status < 0) {
        char what[64];
        snprintf(what, sizeof what, "frame %lld: encoder said", (long long)index);
        return CVeilAV_failWith(status, mark, error, errorLength, what);
    }
    session->writtenCount += 1;
    return drainEncoder(session, error, errorLength);
}

int CVeilAV_finish(CVeilAV_Session *session, char *error, size_t errorLength) {
    if (!session->encoder || !session->isHeaderWritten) return CVeilAV_fail(error, errorLength, "no output is open");
    if (session->isFinished) return 0;
    uint64_t mark = CVeilAV_logMark();
    int status = avcodec_send_frame(session->encoder, NULL);
    if (status < 0) return CVeilAV_failWith(status, mark, error, errorLength, "flushing the encoder failed:");
    if (drainEncoder(session, error, errorLength)) return 1;
    mark = CVeilAV_logMark();
    pthread_mutex_lock(&session->muxLock);
    status = av_write_trailer(session->output);
    pthread_mutex_unlock(&session->muxLock);
    if (status < 0) return CVeilAV_failWith(status, mark, error, errorLength, "writing the container trailer failed: muxer said");
    status = avio_closep(&session->output->pb);
    if (status < 0) return CVeilAV_failWith(status, mark, error, errorLength, "closing the output file failed:");
    session->isFinished = 1;
    return 0;
}

void CVeilAV_close(CVeilAV_Session *session) {
    if (!session) return;
    if (session->output) {
        if (session->output->pb) avio_closep(&session->output->pb);
        avformat_free_context(session->output);
    }
    avcodec_free_context(&session->encoder);
    av_frame_free(&session->toEncode);
    av_packet_free(&session->writePacket);
    avcodec_free_context(&session->decoder);
    av_frame_free(&session->decoded);
    av_packet_free(&session->readPacket);
    sws_freeContext(session->toPlanar);
    if (session->input) avformat_close_input(&session->input);
    free(session->streamMap);
    pthread_mutex_destroy(&session->muxLock);
    free(session);
}
