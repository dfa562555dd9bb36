package dev.whittle.eval;

import dev.whittle.core.util.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a {@link BaseLogitsFile} to a temp file next to the target and moves it into place on
 * {@link #commit()}; closing without committing deletes the temp file.
 */
public final class BaseLogitsWriter implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final BaseLogitsFile.Header header;
    private final ByteBuffer row;
    private final double[] logProbs;
    private long rowsWritten;
    private boolean committed;

    public BaseLogitsWriter(Path target, BaseLogitsFile.Header header) {
        this.target = target;
        this.header = header;
        this.row = ByteBuffer.allocate(Math.toIntExact(BaseLogitsFile.rowBytes(header.nVocab())))
                .order(ByteOrder.LITTLE_ENDIAN);
        this.logProbs = new double[header.nVocab()];
        try {
            temp = AtomicFile.tempFor(target);
            channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            writeHeader();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private void writeHeader() throws IOException {
        ByteBuffer h = ByteBuffer.allocate(BaseLogitsFile.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        h.put(BaseLogitsFile.MAGIC);
        h.putInt(BaseLogitsFile.VERSION);
        h.putInt(header.nVocab());
        h.putInt(BaseLogitsFile.protocolCode(header.protocol()));
        h.putInt(header.nCtx());
        h.putInt(header.stride());
        h.putInt(header.bosId());
        h.putLong(header.textTokens());
        h.putLong(header.rows());
        h.put(header.tokenSha256());
        h.putFloat(BaseLogitsFile.FLOOR_RANGE);
        h.putInt(0);
        h.flip();
        writeFully(h);
    }

    /** Quantises and appends the row of logits {@code logits[offset .. offset+vocab)} predicting {@code target}. */
    public void write(float[] logits, int offset, int target) {
        if (rowsWritten == header.rows()) {
            throw new IllegalStateException("all " + header.rows() + " rows already written");
        }
        int vocab = header.nVocab();
        LogSoftmax.logProbs(logits, offset, vocab, logProbs);
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        for (double lp : logProbs) {
            max = Math.max(max, lp);
            min = Math.min(min, lp);
        }
        float floor = roundDown(Math.max(min, max - BaseLogitsFile.FLOOR_RANGE));
        float step = roundUp((max - floor) / (BaseLogitsFile.MAX_CODE - 1));
        row.clear();
        row.putFloat(floor);
        row.putFloat(step);
        row.putFloat((float) -logProbs[target]);
        row.putInt(LogSoftmax.argmax(logits, offset, vocab));
        for (double lp : logProbs) {
            row.putShort((short) code(lp, floor, step));
        }
        row.flip();
        try {
            writeFully(row);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + temp + ": " + e.getMessage(), e);
        }
        rowsWritten++;
    }

    static int code(double lp, float floor, float step) {
        if (lp < floor) {
            return 0;
        }
        if (step == 0) {
            return 1;
        }
        long c = 1 + Math.round((lp - floor) / step);
        return (int) Math.min(c, BaseLogitsFile.MAX_CODE);
    }

    private static float roundDown(double x) {
        float f = (float) x;
        return f > x ? Math.nextDown(f) : f;
    }

    private static float roundUp(double x) {
        float f = (float) x;
        return f < x ? Math.nextUp(f) : f;
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Flushes and atomically moves the file to its target; all rows must have been written. */
    public void commit() {
        if (rowsWritten != header.rows()) {
            throw new IllegalStateException("wrote " + rowsWritten + " of " + header.rows() + " rows");
        }
        try {
            channel.force(true);
            channel.close();
            AtomicFile.commit(temp, target);
            committed = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
            if (!committed) {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean up " + temp + ": " + e.getMessage(), e);
        }
    }
}
