// A plain C face over the part of FFmpeg's libav* that Veil needs: decode one video stream to
// planar YUV 4:2:0 frames, encode such frames back to H.264/H.265, shrink a frame into a small
// BGR copy for the detectors, and copy audio (and, when asked and where the container allows,
// subtitle) packets untouched from the input to the output.
//
// Why a shim: FFmpeg's API is pointer-heavy C with ownership rules spread over a dozen calls
// (contexts, packets, frames, side data); keeping all of it in one C file lets the Swift module
// hold one opaque handle and never see a raw FFmpeg pointer. Every function returns 0 on
// success; on failure it returns non-zero and writes a message naming what failed into `error`
// (for example "frame 812: decoder said 'invalid NAL unit'").
//
// Threads: one session may be read from one thread while it is written from another (the
// output muxer is guarded by a mutex inside the session); reads must not overlap other reads,
// writes must not overlap other writes, and close must not overlap anything.
//
// Logging: FFmpeg's log output is captured (never printed); the last error-level line is
// quoted in error messages.
#ifndef CVEIL_AV_H
#define CVEIL_AV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One input file being read, optionally with one output file being written.
typedef struct CVeilAV_Session CVeilAV_Session;

/// What the input's video stream looks like. Times are in the stream's time base
/// (`timeBaseNumerator / timeBaseDenominator` seconds) unless the name says otherwise.
typedef struct {
    int width;
    int height;
    int timeBaseNumerator;
    int timeBaseDenominator;
    /// Average frame rate as a fraction; 0/0 (or 0/1) when the container does not say.
    int frameRateNumerator;
    int frameRateDenominator;
    /// Container duration in microseconds, or -1 when unknown.
    int64_t durationMicroseconds;
    /// The container's frame count for the stream, or an estimate from duration × rate;
    /// -1 when neither is known.
    int64_t frameCountEstimate;
    /// Clockwise degrees a player rotates the picture by (from the display matrix), 0 if none.
    double rotationDegrees;
    /// Sample (pixel) aspect ratio; 0/1 when unknown (square).
    int sampleAspectNumerator;
    int sampleAspectDenominator;
    int audioStreamCount;
    int subtitleStreamCount;
    /// Short FFmpeg name of the video codec ("h264", "hevc", ...).
    char codecName[32];
    /// FFmpeg's AVColorSpace of the stream (1: BT.709, 5/6: BT.601, 9: BT.2020, 2: unspecified).
    int colorspace;
    /// 1 when samples use the full 0…255 range (JPEG-style), 0 for the usual 16…235.
    int isFullRange;
    /// FFmpeg's name of the stream's pixel format ("yuv420p", "yuv444p", ...), "" when unknown.
    /// Written with snprintf, so it is cut at 31 bytes and always NUL-terminated.
    char pixelFormatName[32];
    /// The stream's base ("real") frame rate, the lowest rate that represents every timestamp
    /// exactly; 0/0 when unknown. Equal to the average rate for constant-frame-rate video.
    int baseFrameRateNumerator;
    int baseFrameRateDenominator;
} CVeilAV_VideoInfo;

/// How the output is encoded.
typedef struct {
    /// FFmpeg encoder name: "libx264" or "libx265".
    const char *encoder;
    /// Constant rate factor (lower = better quality, bigger file).
    int crf;
    /// x264/x265 preset name ("ultrafast" … "veryslow").
    const char *preset;
    /// Non-zero: copy the harmless metadata keys (title, language, handler name); zero: copy none.
    int keepMetadata;
    /// Non-zero: copy every audio stream untouched; zero: leave all audio out (voices are personal
    /// data too).
    int keepAudio;
    /// Non-zero: copy the subtitle streams the container can hold; zero: leave every subtitle out
    /// (drones and dashcams store GPS positions and names in subtitle tracks).
    int keepSubtitles;
    /// Greater than zero: encode at most this many rows, scaling every frame down (aspect kept,
    /// sizes even) when the input is taller; the frames written are still the input's size (a
    /// browser proxy, see VeilReviewServer). Zero: encode at the input's size.
    int maximumHeight;
} CVeilAV_OutputOptions;

/// What became of one input stream once the output is open (see CVeilAV_describeStream).
typedef struct {
    /// FFmpeg's media type name: "video", "audio", "subtitle", "data", "attachment" or "unknown".
    char type[16];
    /// Short FFmpeg codec name ("aac", "subrip", "bin_data", ...).
    char codecName[32];
    /// Non-zero for the video stream that is decoded, masked and encoded.
    int isMaskedVideo;
    /// Non-zero when the stream's packets are copied to the output.
    int isCopied;
    /// Non-zero when the stream was left out only because the output container cannot hold it
    /// (it would have been copied otherwise).
    int isUnsupportedByContainer;
} CVeilAV_StreamChoice;

/// Opens `path`, finds its best video stream and opens a decoder for it (threads: auto).
/// Fills `info`. On success `*session` must later be released with CVeilAV_close.
int CVeilAV_openInput(const char *path, CVeilAV_Session **session, CVeilAV_VideoInfo *info, char *error,
                      size_t errorLength);

/// CVeilAV_openInput with a hardware decoder: FFmpeg's decoder named `<codec>_<decoderSuffix>`
/// ("h264_cuvid" for suffix "cuvid"), whose frames arrive in system memory (NV12 or P010) and
/// are converted like any other pixel format. Fails, naming the decoder, when FFmpeg has none
/// for the codec or it cannot open (no driver). A NULL suffix is CVeilAV_openInput.
int CVeilAV_openInputWithDecoder(const char *path, const char *decoderSuffix, CVeilAV_Session **session,
                                 CVeilAV_VideoInfo *info, char *error, size_t errorLength);

/// Lets an open session's decoder trade exactness for speed, for pictures that are only shrunk
/// for the detectors and never encoded (the second decoder that runs ahead of a 1080p or larger
/// output, or `veil detect`): the in-loop deblocking filter is skipped on every picture
/// (`skip_loop_filter` = AVDISCARD_ALL). Blocking edges then stay in the pictures, and since
/// later pictures are predicted from unfiltered ones they drift from the exact decode until the
/// next keyframe; decoding damage is still detected and reported as with an exact session.
/// Decoders without a loop filter ignore it. Call before the first CVeilAV_readFrame; once set,
/// it cannot be undone. It cannot fail.
void CVeilAV_decodeForDetection(CVeilAV_Session *session);

/// Says whether the frame with this index (0 first, presentation order) is needed; non-zero:
/// needed. Called from CVeilAV_readFrame on the calling thread, with the `context` given to
/// CVeilAV_skipFramesUnless.
typedef int (*CVeilAV_FrameFilter)(void *context, int64_t index);

/// Lets a session that only feeds detectors leave out frames nobody looks at: each video packet
/// whose frame `isNeeded` says is not needed is sent with `skip_frame` = AVDISCARD_NONREF, so
/// the decoder drops it if no other frame refers to it (a reference frame is always decoded and
/// delivered). Such a frame comes out of CVeilAV_readFrame as a skipped one (`*isSkipped` 1,
/// pts, duration and index filled, `yuv` untouched), in its place in presentation order.
///
/// Frames are then numbered by pts instead of counted: a frame's index is the number of frames
/// with a lower pts before it, delivered or skipped, which is what counting gives when nothing
/// is skipped. That holds only for regular streams, so it is enabled only for progressive H.264
/// and HEVC, and every packet and frame is checked as it comes: every packet has a pts, no two
/// the same, none lower than a frame already numbered, each frame's pts is one of the packets'.
/// When a check fails before anything was skipped, skipping is turned off for the rest of the
/// stream and frames are counted as before; after something was skipped, readFrame fails
/// (naming the frame) rather than number a frame wrongly. A frame the decoder drops by itself
/// (damaged data it conceals away, the leading frames of an open GOP) is not counted, as
/// without skipping. Skipping starts after the first frame is delivered, and a packet marked
/// for discarding (an edit list's lead-in) is never skipped.
///
/// Call before the first CVeilAV_readFrame. Returns 1 when skipping is on, 0 when the stream
/// does not qualify (nothing changes then). `context` must outlive the session's reads.
int CVeilAV_skipFramesUnless(CVeilAV_Session *session, CVeilAV_FrameFilter isNeeded, void *context);

/// Whether the NVIDIA driver's video libraries load: libnvcuvid.so.1 (NVDEC, decoding) and
/// libnvidia-encode.so.1 (NVENC, encoding). Returns 0, or non-zero naming what is missing.
int CVeilAV_checkNVIDIAVideo(char *error, size_t errorLength);

/// Creates the output file at `path` (container chosen from its extension), with an encoder
/// for the video and untouched copies of the input's audio and subtitle streams as `options`
/// allow; data, timecode and attachment streams and extra video are never copied. No metadata
/// is copied beyond what `options->keepMetadata` allows, but the display matrix is.
/// `notes` receives newline-separated remarks about the output (an odd frame size cut to even;
/// may be empty); CVeilAV_describeStream says which streams were left out.
/// Must be called before the first CVeilAV_readFrame so no audio packet is missed.
int CVeilAV_openOutput(CVeilAV_Session *session, const char *path, const CVeilAV_OutputOptions *options,
                       char *notes, size_t notesLength, char *error, size_t errorLength);

/// Number of streams in the input (video, audio, subtitle, data, attachments, ...).
unsigned CVeilAV_inputStreamCount(const CVeilAV_Session *session);

/// Describes input stream `index` and whether the open output copies it. Call after
/// CVeilAV_openOutput. Returns non-zero when `index` is out of range or no output is open.
int CVeilAV_describeStream(const CVeilAV_Session *session, unsigned index, CVeilAV_StreamChoice *choice);

/// Decodes the next video frame into `yuv`: planar 8-bit 4:2:0, the Y plane (`width` bytes per
/// row) then Cb then Cr (`(width + 1) / 2` bytes per row, `(height + 1) / 2` rows each), at
/// least `capacity` bytes; other pixel formats are converted, keeping the matrix and range.
/// Copies any audio/subtitle packets met on the way to the output.
/// Sets `*isEnd` to 1 (and fills nothing else) after the last frame. `*pts` and `*duration` are
/// in the stream time base; `*index` counts decoded frames from 0. `*isSkipped` is 1 for a frame
/// left out by CVeilAV_skipFramesUnless (timing and index filled, `yuv` untouched), else 0.
int CVeilAV_readFrame(CVeilAV_Session *session, uint8_t *yuv, size_t capacity, int64_t *pts,
                      int64_t *duration, int64_t *index, int *isSkipped, int *isEnd, char *error,
                      size_t errorLength);

/// How many decoded pictures had another size than the stream's and were scaled to it (a
/// resolution change mid-stream); the first such frame's index and size go to the pointers.
int64_t CVeilAV_rescaledFrames(const CVeilAV_Session *session, int64_t *firstIndex, int *firstWidth,
                               int *firstHeight);

/// Encodes one planar 4:2:0 frame (the layout CVeilAV_readFrame writes) of the input's size with
/// the given timestamp and duration (stream time base). `index` is only used in messages.
int CVeilAV_writeFrame(CVeilAV_Session *session, const uint8_t *yuv, size_t length, int64_t pts,
                       int64_t duration, int64_t index, char *error, size_t errorLength);

/// Flushes the encoder, writes the container trailer and closes the output file.
int CVeilAV_finish(CVeilAV_Session *session, char *error, size_t errorLength);

/// Releases everything the session holds. An output that was not finished is closed as it is
/// (the caller deletes the file). Safe with NULL.
void CVeilAV_close(CVeilAV_Session *session);

/// A reusable converter from planar 4:2:0 to packed BGR24 at any size (area-averaged when
/// shrinking). One per thread; NULL until the first call creates it.
typedef struct CVeilAV_Scaler CVeilAV_Scaler;

/// Converts a planar 4:2:0 picture (`width`×`height`, the CVeilAV_readFrame layout) with the
/// given colour space and range into `bgr` (`targetWidth * targetHeight * 3` bytes).
int CVeilAV_planarToBGR(CVeilAV_Scaler **scaler, const uint8_t *yuv, int width, int height, int colorspace,
                        int isFullRange, uint8_t *bgr, int targetWidth, int targetHeight, char *error,
                        size_t errorLength);

/// Releases a scaler. Safe with NULL.
void CVeilAV_freeScaler(CVeilAV_Scaler *scaler);

/// 1 if FFmpeg has an encoder with this name (for example "libx265"), else 0.
int CVeilAV_hasEncoder(const char *name);

#ifdef __cplusplus
}
#endif
#endif
