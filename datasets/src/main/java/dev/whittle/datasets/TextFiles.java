package dev.whittle.datasets;

import dev.whittle.core.ModelFormatException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Strict UTF-8 reading: evaluation text that silently gained replacement characters would change the score. */
final class TextFiles {
    /** Text files larger than this are refused rather than risking an OutOfMemoryError. */
    static final long MAX_BYTES = 1L << 30;

    private TextFiles() {}

    static String readUtf8(Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new ModelFormatException(file, "text file of " + size + " bytes is larger than the 1 GiB limit");
            }
            byte[] bytes = Files.readAllBytes(file);
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ModelFormatException(file, "not valid UTF-8 text", e);
        } catch (NoSuchFileException e) {
            throw new DatasetException(file + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
