package dev.whittle.cli;

import dev.whittle.core.model.Architecture;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.tokenizer.Tokenizer;
import dev.whittle.engine.EngineOptions;
import dev.whittle.engine.InferenceModel;
import dev.whittle.engine.Sampler;
import dev.whittle.engine.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code whittle generate MODEL -p TEXT}: streams a continuation, then prefill and decode speed. */
@Command(name = "generate", description = "Generate text with whittle's engine, streaming tokens as they come.")
public final class GenerateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL") Path model;

    @Option(names = {"-p", "--prompt"}, defaultValue = "", description = "Prompt text (default: empty, start from BOS).")
    String prompt;

    @Option(names = {"-n", "--tokens"}, defaultValue = "64", description = "Tokens to generate (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--temperature", defaultValue = "0.8", description = "0 is greedy and deterministic (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--top-p", defaultValue = "0.9", description = "Nucleus sampling mass (default: ${DEFAULT-VALUE}).")
    float topP;

    @Option(names = "--seed", defaultValue = "1", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-t", "--threads"}, description = "Threads (default: all cores).")
    Integer threads;

    @Option(names = {"-c", "--ctx-size"}, defaultValue = "0", paramLabel = "N",
            description = "Most positions (prompt + generated) the session holds; 0 is the model's trained context (default: ${DEFAULT-VALUE}).")
    int contextSize;

    @Override
    public Integer call() {
        if (tokens < 0) throw new IllegalArgumentException("--tokens must be at least 0, got " + tokens);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Model m = ModelLoader.open(model)) {
            Tokenizer tok = m.tokenizer().orElseThrow(() -> new IllegalArgumentException(model + ": the model has no tokenizer to encode the prompt with"));
            EngineOptions opts = EngineOptions.defaults();
            if (threads != null) opts = opts.withThreads(threads);
            if (contextSize < 0) throw new IllegalArgumentException("--ctx-size must be at least 0, got " + contextSize);
            opts = opts.withMaxContext(contextSize);
            try (InferenceModel engine = InferenceModel.load(m, opts)) {
                int[] promptIds = promptTokens(m, tok);
                if (promptIds.length == 0) throw new IllegalArgumentException("empty prompt and the tokenizer has no BOS token to start from");
                if (promptIds.length > engine.maxContext()) {
                    throw new IllegalArgumentException(model + ": the prompt is " + promptIds.length
                            + " tokens, more than the model's context of " + engine.maxContext());
                }
                Sampler sampler = new Sampler(temperature, topP, seed);
                Session s = engine.newSession();
                out.print(prompt);
                long t0 = System.nanoTime();
                float[] logits = s.prefill(promptIds);
                long t1 = System.nanoTime();
                // Decoded together with the prompt: a continuation decoded alone loses the space its first token
                // carries ("Hello" + "▁was" printed "Hellowas"), since decoders strip a leading space. Without the
                // BOS, as a decoder that drops special tokens would: after it the first word kept its space.
                int skip = promptIds[0] == tok.bosId() ? 1 : 0;
                int[] all = Arrays.copyOfRange(promptIds, skip, promptIds.length + tokens);
                int known = promptIds.length - skip, count = 0;
                String shown = tok.decode(Arrays.copyOf(all, known));
                boolean contextFull = false;
                while (count < tokens) {
                    int next = sampler.sample(logits);
                    if (next == tok.eosId()) break;
                    all[known + count++] = next;
                    String text = tok.decode(Arrays.copyOf(all, known + count));
                    // Print only what is new; hold back a trailing partial UTF-8 sequence (shown as U+FFFD).
                    if (!text.endsWith("\uFFFD") && text.startsWith(shown)) {
                        out.print(text.substring(shown.length()));
                        shown = text;
                    }
                    if (count == tokens) break;
                    if (s.remaining() == 0) {
                        contextFull = true;
                        break;
                    }
                    logits = s.decode(next);
                }
                long t2 = System.nanoTime();
                out.println();
                if (contextFull) {
                    System.err.printf(Locale.ROOT, "stopped after %d of %d tokens: the model's context of %d is full%n",
                            count, tokens, engine.maxContext());
                }
                double prefillS = (t1 - t0) / 1e9, decodeS = (t2 - t1) / 1e9;
                // a fresh JVM runs the Vector API code unoptimised until C2 has compiled the kernels (about 2 s
                // for a 1B model's first prompt here), so these figures understate the engine's steady speed
                System.err.printf(Locale.ROOT, "prefill: %d tokens, %.1f tok/s | decode: %d tokens, %.1f tok/s | threads %d"
                                + " (includes JIT warm-up; whittle bench measures steady speed)%n",
                        promptIds.length, promptIds.length / prefillS, count, count == 0 ? 0 : count / decodeS, opts.threads());
            }
        }
        return 0;
    }

    private int[] promptTokens(Model m, Tokenizer tok) {
        int[] ids = prompt.isEmpty() ? new int[0] : tok.encode(prompt);
        boolean bos = tok.bosId() >= 0 && m.config().architecture() != Architecture.GPT2;
        if (prompt.isEmpty() && tok.bosId() >= 0) bos = true;
        if (!bos) return ids;
        int[] withBos = new int[ids.length + 1];
        withBos[0] = tok.bosId();
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        return withBos;
    }
}
