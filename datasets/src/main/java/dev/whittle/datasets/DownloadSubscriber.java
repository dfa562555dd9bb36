package dev.whittle.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;

/**
 * Writes a response body to a file while hashing it, and records when bytes last arrived so the caller can give
 * up on a stalled server ({@link java.net.http.HttpClient} has no read timeout of its own). Completes with the
 * lowercase hex SHA-256 of the body, or exceptionally (I/O error, over the size limit, cancelled).
 */
final class DownloadSubscriber implements HttpResponse.BodySubscriber<String> {
    private final FileChannel out;
    private final long limit;
    private final LongConsumer onBytes;
    private final MessageDigest digest = Sha256.newDigest();
    private final CompletableFuture<String> result = new CompletableFuture<>();
    private volatile Flow.Subscription subscription;
    private volatile long lastActivityNanos = System.nanoTime();
    private long received;

    /** {@code onBytes} is told the running total after each piece; {@code limit} caps the body size. */
    DownloadSubscriber(Path file, long limit, LongConsumer onBytes) {
        try {
            this.out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        this.limit = limit;
        this.onBytes = onBytes;
    }

    long lastActivityNanos() {
        return lastActivityNanos;
    }

    long received() {
        return received;
    }

    /** Stops the transfer (stall or caller gave up); the result completes with {@code reason}. */
    void abort(Exception reason) {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        fail(reason);
    }

    @Override
    public CompletionStage<String> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        lastActivityNanos = System.nanoTime();
        try {
            for (ByteBuffer buffer : buffers) {
                received += buffer.remaining();
                if (received > limit) {
                    abort(new IOException("body larger than the expected " + limit + " bytes"));
                    return;
                }
                digest.update(buffer.duplicate());
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
        } catch (IOException e) {
            abort(e);
            return;
        }
        onBytes.accept(received);
        subscription.request(1);
    }

    @Override
    public void onError(Throwable throwable) {
        fail(throwable);
    }

    @Override
    public void onComplete() {
        try {
            out.close();
            result.complete(Sha256.hex(digest));
        } catch (IOException e) {
            result.completeExceptionally(e);
        }
    }

    private void fail(Throwable throwable) {
        try {
            out.close();
        } catch (IOException ignored) {
            // the download already failed; the temp file is deleted by the caller
        }
        result.completeExceptionally(throwable);
    }
}
