package dev.dawg.processing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Decodes an audio file once with FFmpeg and, from the same samples, builds the waveform peaks at every zoom level,
 * the loudness measurement and an Opus preview. Blocking and CPU-bound: call it only on the processing workers.
 */
final class AudioAnalyser {

    static final List<Integer> ZOOM_LEVELS = ProcessedOutputs.ZOOM_LEVELS;
    static final int PREVIEW_RATE = 48_000;
    static final int PREVIEW_BITRATE = 96_000;
    /** Channels beyond these are not measured or drawn (a DAW's assets are mono or stereo, at most 7.1). */
    static final int MAX_CHANNELS = 8;

    /** Loads FFmpeg's natives (blocking file reads) on the first worker that needs them, never on an event loop. */
    private static final class Natives {

        static {
            avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        }

        static void load() {
        }
    }

    private AudioAnalyser() {
    }

    /** What one decoding pass found. */
    record Analysis(int sampleRate, int channels, List<WaveformPeaks> peaks, LoudnessMeter.Loudness loudness) {
    }

    /**
     * Decodes {@code source}, writes the preview to {@code previewFile} and answers the peaks and loudness. Throws
     * {@link UndecodableAudioException} when FFmpeg cannot decode it, {@link ProcessingTimeoutException} once
     * {@code stop} answers true (checked between frames, so the decoder stops within one frame).
     */
    static Analysis analyse(Path source, Path previewFile, BooleanSupplier stop) throws Exception {
        Natives.load();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(source.toFile())) {
            grabber.setSampleFormat(avutil.AV_SAMPLE_FMT_FLT);
            try {
                grabber.start();
            }
            catch (FrameGrabber.Exception ex) {
                throw new UndecodableAudioException("FFmpeg could not open the audio: " + reason(ex), ex);
            }
            int rate = grabber.getSampleRate();
            int channels = grabber.getAudioChannels();
            if (grabber.getAudioStream() < 0 || rate <= 0 || channels <= 0) {
                throw new UndecodableAudioException("the file holds no audio stream FFmpeg can decode");
            }
            if (channels > MAX_CHANNELS) {
                throw new UndecodableAudioException("the audio has " + channels + " channels; at most " + MAX_CHANNELS + " are processed");
            }
            WaveformPeaks.Builder finest = new WaveformPeaks.Builder(rate, channels, ZOOM_LEVELS.get(0));
            LoudnessMeter meter = new LoudnessMeter(rate, channels);
            long frames = 0;
            try (FFmpegFrameRecorder recorder = previewRecorder(previewFile, Math.min(channels, 2))) {
                recorder.start();
                PreviewBatch preview = new PreviewBatch(Math.min(channels, 2));
                float[] samples = new float[0];
                Frame frame;
                while ((frame = grab(grabber)) != null) {
                    if (stop.getAsBoolean()) {
                        throw new ProcessingTimeoutException();
                    }
                    if (frame.samples == null || frame.samples.length == 0) {
                        continue;
                    }
                    FloatBuffer buffer = (FloatBuffer) frame.samples[0];
                    int count = buffer.remaining();
                    if (samples.length < count) {
                        samples = new float[count];
                    }
                    buffer.duplicate().get(samples, 0, count);
                    int frameCount = count / channels;
                    finest.add(samples, frameCount);
                    meter.add(samples, frameCount);
                    frames += frameCount;
                    preview.add(recorder, rate, downmixed(samples, frameCount, channels), frameCount * Math.min(channels, 2));
                }
                preview.flush(recorder, rate);
                if (frames == 0) {
                    throw new UndecodableAudioException("FFmpeg decoded no audio from the file");
                }
                recorder.stop();
            }
            WaveformPeaks peaks = finest.build();
            List<WaveformPeaks> levels = new ArrayList<>();
            for (int level : ZOOM_LEVELS) {
                levels.add(level == peaks.samplesPerPixel() ? peaks : peaks.zoomOut(level / peaks.samplesPerPixel()));
            }
            return new Analysis(rate, channels, levels, meter.result(rate));
        }
    }

    /** The next frame of samples; a decoding error mid-stream is undecodable audio, not a crash. */
    private static Frame grab(FFmpegFrameGrabber grabber) throws UndecodableAudioException {
        try {
            return grabber.grabSamples();
        }
        catch (FrameGrabber.Exception ex) {
            throw new UndecodableAudioException("FFmpeg failed decoding the audio: " + reason(ex), ex);
        }
    }

    /** The samples for the preview: as decoded when mono or stereo, else folded into two channels. */
    private static float[] downmixed(float[] samples, int frames, int channels) {
        if (channels <= 2) {
            return samples;
        }
        float[] stereo = new float[frames * 2];
        for (int f = 0; f < frames; f++) {
            float left = 0;
            float right = 0;
            for (int c = 0; c < channels; c++) {
                float x = samples[f * channels + c];
                if (c % 2 == 0) {
                    left += x;
                }
                else {
                    right += x;
                }
            }
            stereo[f * 2] = left / ((channels + 1) / 2);
            stereo[f * 2 + 1] = right / (channels / 2);
        }
        return stereo;
    }

    /**
     * Hands the encoder large batches in one reused direct buffer: a decoder's frames are small, and each call with a
     * heap buffer costs JavaCPP a native copy (together most of the time spent, before this).
     */
    private static final class PreviewBatch {

        private static final int FRAMES = 16_384;

        private final int channels;
        private final FloatBuffer buffer;

        PreviewBatch(int channels) {
            this.channels = channels;
            this.buffer = ByteBuffer.allocateDirect(FRAMES * channels * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }

        /** Adds {@code samples} (interleaved, {@code channels} wide; only the frames decoded count) to the batch. */
        void add(FFmpegFrameRecorder recorder, int rate, float[] samples, int count) throws FFmpegFrameRecorder.Exception {
            int offset = 0;
            while (offset < count) {
                int length = Math.min(buffer.remaining(), count - offset);
                buffer.put(samples, offset, length);
                offset += length;
                if (!buffer.hasRemaining()) {
                    flush(recorder, rate);
                }
            }
        }

        void flush(FFmpegFrameRecorder recorder, int rate) throws FFmpegFrameRecorder.Exception {
            if (buffer.position() == 0) {
                return;
            }
            buffer.flip();
            recorder.recordSamples(rate, channels, buffer);
            buffer.clear();
        }
    }

    private static FFmpegFrameRecorder previewRecorder(Path preview, int channels) {
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(preview.toFile(), channels);
        recorder.setFormat("ogg");
        recorder.setAudioCodec(avcodec.AV_CODEC_ID_OPUS);
        recorder.setAudioCodecName("libopus");
        recorder.setSampleRate(PREVIEW_RATE);
        recorder.setAudioChannels(channels);
        recorder.setAudioBitrate(PREVIEW_BITRATE);
        // libopus at complexity 5 instead of 10: about half the encoding time, inaudible at 96 kbit/s for a preview.
        recorder.setAudioOption("compression_level", "5");
        return recorder;
    }

    private static String reason(Exception ex) {
        String message = ex.getMessage();
        return message == null ? ex.getClass().getSimpleName() : message;
    }

    /** Audio FFmpeg cannot decode: processing fails for good with this reason (it is never retried). */
    static final class UndecodableAudioException extends Exception {

        UndecodableAudioException(String message) {
            super(message);
        }

        UndecodableAudioException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Decoding was stopped after the processing timeout. */
    static final class ProcessingTimeoutException extends Exception {

        ProcessingTimeoutException() {
            super("decoding was stopped after the processing timeout");
        }
    }
}
