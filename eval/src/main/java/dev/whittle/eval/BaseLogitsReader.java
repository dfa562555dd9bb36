package dev.whittle.eval;

import dev.whittle.core.ModelFormatException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads a {@link BaseLogitsFile} row by row through a memory mapping. Opening validates the header
 * against what the current run expects and refuses a file made from other data with a one-line
 * {@link ModelFormatException}.
 */
public final class BaseLogitsReader implements AutoCloseable {
    private final Path file;
    private final Arena arena;
    private final MemorySegment data;
    private final int vocab;
    private final long rows;
    private long next;

    public BaseLogitsReader(Path file, BaseLogitsFile.Header expected) {
        this.file = file;
        this.arena = Arena.ofShared();   // rows are decoded from several threads
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            data = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new ModelFormatException(file, "no such file");
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            BaseLogitsFile.Header actual = readHeader();
            check(actual, expected);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
        this.vocab = expected.nVocab();
        this.rows = expected.rows();
    }

    private BaseLogitsFile.Header readHeader() {
        if (data.byteSize() < BaseLogitsFile.HEADER_BYTES) {
            throw new ModelFormatException(file, "too short for a base-logits header (" + data.byteSize() + " bytes)");
        }
        byte[] magic = data.asSlice(0, 8).toArray(ValueLayout.JAVA_BYTE);
        if (!Arrays.equals(magic, BaseLogitsFile.MAGIC)) {
            throw new ModelFormatException(file, "not a whittle base-logits file (bad magic)");
        }
        int version = data.get(BaseLogitsFile.U32, 8);
        if (version != BaseLogitsFile.VERSION) {
            throw new ModelFormatException(file, "unsupported base-logits version " + version
                    + " (this whittle reads " + BaseLogitsFile.VERSION + ")");
        }
        int protocolCode = data.get(BaseLogitsFile.U32, 16);
        String protocol = BaseLogitsFile.protocolName(protocolCode);
        if (protocol == null) {
            throw new ModelFormatException(file, "unknown protocol code " + protocolCode);
        }
        float range = data.get(BaseLogitsFile.F32, 80);
        if (range != BaseLogitsFile.FLOOR_RANGE) {
            throw new ModelFormatException(file, "floor range " + range + " nats, expected " + BaseLogitsFile.FLOOR_RANGE);
        }
        return new BaseLogitsFile.Header(data.get(BaseLogitsFile.U32, 12), protocol,
                data.get(BaseLogitsFile.U32, 20), data.get(BaseLogitsFile.U32, 24), data.get(BaseLogitsFile.U32, 28),
                data.get(BaseLogitsFile.U64, 32), data.get(BaseLogitsFile.U64, 40),
                data.asSlice(48, 32).toArray(ValueLayout.JAVA_BYTE));
    }

    private void check(BaseLogitsFile.Header actual, BaseLogitsFile.Header expected) {
        if (actual.nVocab() != expected.nVocab()) {
            fail("n_vocab is " + actual.nVocab() + ", the model has " + expected.nVocab());
        }
        if (!actual.protocol().equals(expected.protocol()) || actual.nCtx() != expected.nCtx()
                || actual.stride() != expected.stride() || actual.bosId() != expected.bosId()) {
            fail("computed with protocol " + describe(actual) + ", this run uses " + describe(expected));
        }
        if (actual.textTokens() != expected.textTokens()) {
            fail("computed on " + actual.textTokens() + " tokens, this run has " + expected.textTokens());
        }
        if (!Arrays.equals(actual.tokenSha256(), expected.tokenSha256())) {
            fail("computed on a different token stream (sha256 " + Sha256.hex(actual.tokenSha256()).substring(0, 16)
                    + "…, this run " + Sha256.hex(expected.tokenSha256()).substring(0, 16) + "…)");
        }
        if (actual.rows() != expected.rows()) {
            fail("holds " + actual.rows() + " scored tokens, this run scores " + expected.rows());
        }
        long size = BaseLogitsFile.fileBytes(actual.nVocab(), actual.rows());
        if (data.byteSize() != size) {
            fail("is " + data.byteSize() + " bytes, expected " + size + " (truncated or padded)");
        }
    }

    private static String describe(BaseLogitsFile.Header h) {
        return h.protocol() + " n_ctx=" + h.nCtx() + " stride=" + h.stride() + " bos=" + h.bosId();
    }

    private void fail(String what) {
        throw new ModelFormatException(file, "base logits " + what);
    }

    /** The next row, decoded; entries stored as code 0 come back as {@code -∞}. */
    public BaseRow next() {
        if (next >= rows) {
            throw new IllegalStateException("all " + rows + " rows already read");
        }
        return row(next++);
    }

    /** Row {@code index} (0-based, evaluation order), decoded; safe to call from several threads. */
    public BaseRow row(long index) {
        if (index < 0 || index >= rows) {
            throw new IllegalArgumentException("row " + index + " outside 0.." + (rows - 1));
        }
        long at = BaseLogitsFile.HEADER_BYTES + index * BaseLogitsFile.rowBytes(vocab);
        float floor = data.get(BaseLogitsFile.F32, at);
        float step = data.get(BaseLogitsFile.F32, at + 4);
        float nll = data.get(BaseLogitsFile.F32, at + 8);
        int top1 = data.get(BaseLogitsFile.U32, at + 12);
        if (!Float.isFinite(floor) || !(step >= 0) || !Float.isFinite(step) || !(nll >= 0) || top1 < 0 || top1 >= vocab) {
            throw new ModelFormatException(file, "corrupt row " + index + " (floor " + floor + ", step " + step
                    + ", nll " + nll + ", top1 " + top1 + ")");
        }
        short[] codes = new short[vocab];
        MemorySegment.copy(data, BaseLogitsFile.U16, at + BaseLogitsFile.ROW_HEADER_BYTES, codes, 0, vocab);
        double[] lp = new double[vocab];
        for (int i = 0; i < vocab; i++) {
            int c = Short.toUnsignedInt(codes[i]);
            lp[i] = c == 0 ? Double.NEGATIVE_INFINITY : floor + (double) (c - 1) * step;
        }
        return new BaseRow(lp, top1, nll);
    }

    /** Half the quantisation step of row {@code row}: the largest error of any kept log-probability in it. */
    public double halfStep(long row) {
        long at = BaseLogitsFile.HEADER_BYTES + row * BaseLogitsFile.rowBytes(vocab);
        return data.get(BaseLogitsFile.F32, at + 4) / 2.0;
    }

    @Override
    public void close() {
        arena.close();
    }
}
