// The writing half of a CVeilAV session: the output container, the encoder and the copied
// audio/subtitle streams (which ones: CVeilAV_OutputOptions), metadata stripping, and encoding planar YUV 4:2:0 frames.
#include <string.h>
#include "av_session.h"
#include "av_errors.h"
#include "av_pixels.h"

/// Adds one line to the caller's notes buffer (streams left out, sizes changed).
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
    if (options->maximumHeight > 1 && session->height > options->maximumHeight) {
        // Scaled down, aspect kept; both sides even and at least 2.
        int height = options->maximumHeight & ~1;
        int64_t width = ((int64_t)session->width * height / session->height) & ~1;
        encoder->height = height;
        encoder->width = width < 2 ? 2 : (int)width;
    }
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
    if (strstr(options->encoder, "_nvenc")) {
        // NVENC has no CRF: constant-quality VBR with the same number (both scale 0–51).
        av_dict_set(&settings, "rc", "vbr", 0);
        av_dict_set(&settings, "cq", crf, 0);
        av_dict_set(&settings, "b", "0", 0);
    } else {
        av_dict_set(&settings, "crf", crf, 0);
    }
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

/// Whether the container can hold stream `index` as it is (audio and subtitles only; other
/// kinds are never copied).
static int isHeldByContainer(const CVeilAV_Session *session, unsigned index) {
    return containerHolds(session->output->oformat, session->input->streams[index]->codecpar->codec_id);
}

/// Adds an untouched copy of every audio stream (unless `options->keepAudio` is zero) and, when
/// `options->keepSubtitles` is set, of the subtitle streams the container can hold. Everything
/// else (data tracks such as GPS or camera telemetry, timecode tracks, attachments, cover art and
/// extra video) is left out; CVeilAV_describeStream reports each choice.
static int addCopiedStreams(CVeilAV_Session *session, const CVeilAV_OutputOptions *options, char *error,
                            size_t errorLength) {
    AVFormatContext *output = session->output;
    for (unsigned index = 0; index < session->inputStreamCount; index++) {
        if ((int)index == session->videoIndex) continue;
        AVStream *input = session->input->streams[index];
        enum AVMediaType type = input->codecpar->codec_type;
        int isWanted = (type == AVMEDIA_TYPE_AUDIO && options->keepAudio) ||
                       (type == AVMEDIA_TYPE_SUBTITLE && options->keepSubtitles);
        if (!isWanted) continue;
        if (type == AVMEDIA_TYPE_AUDIO && !isHeldByContainer(session, index)) {
            return CVeilAV_fail(error, errorLength,
                        "audio stream #%u (%s) cannot be stored in a .%s file without re-encoding; "
                        "write a .mkv or .mov file instead",
                        index, avcodec_get_name(input->codecpar->codec_id), output->oformat->name);
        }
        if (type == AVMEDIA_TYPE_SUBTITLE && !isHeldByContainer(session, index)) continue;
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

unsigned CVeilAV_inputStreamCount(const CVeilAV_Session *session) { return session ? session->inputStreamCount : 0; }

int CVeilAV_describeStream(const CVeilAV_Session *session, unsigned index, CVeilAV_StreamChoice *choice) {
    if (!session || !choice || !session->output || index >= session->inputStreamCount) return 1;
    memset(choice, 0, sizeof *choice);
    const AVCodecParameters *parameters = session->input->streams[index]->codecpar;
    const char *type = av_get_media_type_string(parameters->codec_type);
    snprintf(choice->type, sizeof choice->type, "%s", type ? type : "unknown");
    if (parameters->codec_id == AV_CODEC_ID_NONE && parameters->codec_tag) {
        // Data tracks FFmpeg has no codec for (a QuickTime timecode track): name them by their tag.
        char tag[AV_FOURCC_MAX_STRING_SIZE];
        snprintf(choice->codecName, sizeof choice->codecName, "%s", av_fourcc_make_string(tag, parameters->codec_tag));
    } else {
        snprintf(choice->codecName, sizeof choice->codecName, "%s", avcodec_get_name(parameters->codec_id));
    }
    choice->isMaskedVideo = (int)index == session->videoIndex;
    choice->isCopied = !choice->isMaskedVideo && session->streamMap[index] >= 0;
    int isCopiable = parameters->codec_type == AVMEDIA_TYPE_AUDIO || parameters->codec_type == AVMEDIA_TYPE_SUBTITLE;
    choice->isUnsupportedByContainer = !choice->isMaskedVideo && isCopiable && !isHeldByContainer(session, index);
    return 0;
}

int CVeilAV_openOutput(CVeilAV_Session *session, const char *path, const CVeilAV_OutputOptions *options, char *notes,
                       size_t notesLength, char *error, size_t errorLength) {
    if (notes && notesLength) notes[0] = 0;
    if (session->output) return CVeilAV_fail(error, errorLength, "the output is already open");
    if (session->decodedCount > 0 || session->isInputDrained) {
        return CVeilAV_fail(error, errorLength, "the output must be opened before the first frame is read");
    }
    if (session->width < 2 || session->height < 2) {
        return CVeilAV_fail(error, errorLength, "the video is %dx%d: too small to encode (4:2:0 video needs at least 2x2 pixels)",
                            session->width, session->height);
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
    if (addCopiedStreams(session, options, error, errorLength)) return 1;

    session->toEncode = av_frame_alloc();
    session->writePacket = av_packet_alloc();
    if (!session->toEncode || !session->writePacket) return CVeilAV_fail(error, errorLength, "out of memory");
    session->toEncode->format = AV_PIX_FMT_YUV420P;
    session->toEncode->width = session->encoder->width;
    session->toEncode->height = session->encoder->height;
    if (av_frame_get_buffer(session->toEncode, 0) < 0) return CVeilAV_fail(error, errorLength, "out of memory");
    if (session->encoder->width != (session->width & ~1) || session->encoder->height != (session->height & ~1)) {
        // Reads toEncodeSource (session size, even) and writes toEncode (encoder size); both
        // come from av_frame_get_buffer, padded for SIMD (see DECISIONS.md, buffer contracts).
        session->toEncodeSource = av_frame_alloc();
        if (!session->toEncodeSource) return CVeilAV_fail(error, errorLength, "out of memory");
        session->toEncodeSource->format = AV_PIX_FMT_YUV420P;
        session->toEncodeSource->width = session->width & ~1;
        session->toEncodeSource->height = session->height & ~1;
        if (av_frame_get_buffer(session->toEncodeSource, 64) < 0) return CVeilAV_fail(error, errorLength, "out of memory");
        session->toEncodeScaler = sws_getContext(session->width & ~1, session->height & ~1, AV_PIX_FMT_YUV420P,
                                                 session->encoder->width, session->encoder->height, AV_PIX_FMT_YUV420P,
                                                 SWS_BILINEAR, NULL, NULL, NULL);
        if (!session->toEncodeScaler) return CVeilAV_fail(error, errorLength, "cannot scale the video for encoding");
    }

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

int CVeilAV_mux(CVeilAV_Session *session, AVPacket *packet, char *error, size_t errorLength, const char *what,
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
        if (CVeilAV_mux(session, packet, error, errorLength, "writing frame", session->writtenCount)) return 1;
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
    if (session->toEncodeScaler) {
        // The caller's planes (`needed` bytes, checked above) are copied row by row into the
        // padded source frame; swscale then reads only FFmpeg-allocated memory and writes toEncode.
        AVFrame *source = session->toEncodeSource;
        if (av_frame_make_writable(source) < 0) return CVeilAV_fail(error, errorLength, "frame %lld: out of memory", (long long)index);
        int width = source->width, height = source->height;
        av_image_copy_plane(source->data[0], source->linesize[0], planes[0], strides[0], width, height);
        av_image_copy_plane(source->data[1], source->linesize[1], planes[1], strides[1], width / 2, height / 2);
        av_image_copy_plane(source->data[2], source->linesize[2], planes[2], strides[2], width / 2, height / 2);
        sws_scale(session->toEncodeScaler, (const uint8_t *const *)source->data, source->linesize, 0, height,
                  frame->data, frame->linesize);
    } else {
        // The encoded size is the picture's, rounded down to even (see addVideoStream).
        int width = frame->width, height = frame->height;
        av_image_copy_plane(frame->data[0], frame->linesize[0], planes[0], strides[0], width, height);
        av_image_copy_plane(frame->data[1], frame->linesize[1], planes[1], strides[1], width / 2, height / 2);
        av_image_copy_plane(frame->data[2], frame->linesize[2], planes[2], strides[2], width / 2, height / 2);
    }
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
