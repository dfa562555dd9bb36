package dev.whittle.core.model;

import dev.whittle.core.ModelFormatException;
import dev.whittle.core.gguf.GgufFile;
import dev.whittle.core.gguf.GgufTensorInfo;
import dev.whittle.core.tensor.Tensor;
import dev.whittle.core.tensor.TensorStore;
import dev.whittle.core.tensor.Transpose;
import dev.whittle.core.tokenizer.Tokenizer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Supplier;

/**
 * Opens whatever a user points at: a HF model directory, a {@code .safetensors} file with a config.json beside it,
 * or a {@code .gguf} file, and returns a {@link Model} in whittle's canonical form (HF names, HF rotate-half Q/K
 * rows, Linear-layout [out, in] weights).
 */
public final class ModelLoader {
    private ModelLoader() {}

    public static Model open(Path path) {
        if (!Files.exists(path)) throw new ModelFormatException(path, "no such file or directory");
        if (Files.isDirectory(path)) return openHfDirectory(path, path);
        String name = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".gguf")) return openGguf(path);
        if (name.endsWith(".safetensors") || name.endsWith(".safetensors.index.json")) return openHfDirectory(path.toAbsolutePath().getParent(), path);
        throw new ModelFormatException(path, "unknown model format (expected a .gguf file, a .safetensors file or a HF model directory)");
    }

    static Model openGguf(Path path) {
        GgufFile f = GgufFile.open(path);
        try {
            ModelConfig cfg = GgufConfigParser.parse(f);
            Arena arena = Arena.ofShared();
            LinkedHashMap<String, Supplier<Tensor>> src = new LinkedHashMap<>();
            boolean tiedCopy = outputDuplicatesEmbedding(f);
            if (tiedCopy) cfg = withTied(cfg);
            for (GgufTensorInfo info : f.tensorInfos()) {
                if (tiedCopy && info.name().equals("output.weight")) continue;
                String canonical = TensorNaming.ggufToHf(info.name(), cfg.architecture()).orElse(info.name());
                Supplier<Tensor> view = () -> f.tensor(info).withName(canonical);
                int heads = QkPermutation.ggufInterleavedHeads(cfg, canonical);
                if (heads > 0) {
                    src.put(canonical, () -> QkPermutation.ggufToHf(view.get(), heads, arena));
                } else {
                    src.put(canonical, view);
                }
            }
            Tokenizer tok = TokenizerLoader.fromGguf(f);
            return new Model(cfg, ModelFormat.GGUF, path, List.of(path), src, tok, f.metadata(), arena, List.of(f));
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /**
     * Some exporters (llama2.c's among them) write the tied output matrix again as output.weight. Treat a
     * byte-identical copy as tying, so parameter counts and conversions match the HF original.
     */
    private static boolean outputDuplicatesEmbedding(GgufFile f) {
        var out = f.tensor("output.weight");
        var emb = f.tensor("token_embd.weight");
        if (out.isEmpty() || emb.isEmpty()) return false;
        Tensor o = out.get(), e = emb.get();
        return o.dtype() == e.dtype() && java.util.Arrays.equals(o.shape(), e.shape())
                && o.data().mismatch(e.data()) == -1;
    }

    private static ModelConfig withTied(ModelConfig c) {
        return new ModelConfig(c.architecture(), c.hiddenSize(), c.numLayers(), c.numHeads(), c.numKvHeads(), c.headDim(),
                c.intermediateSize(), c.vocabSize(), c.contextLength(), c.ropeTheta(), c.ropeScaling(), c.normEps(), true,
                c.attentionBias(), c.mlpBias(), c.hiddenAct(), c.slidingWindow(), c.bosTokenId(), c.eosTokenId());
    }

    static Model openHfDirectory(Path dir, Path given) {
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(config)) throw new ModelFormatException(given, "no config.json beside the weights (a HF model directory needs one)");
        ModelConfig cfg = HfConfigParser.parse(config);
        TensorStore store = SafeTensorsStores.open(dir, given);
        try {
            Arena arena = Arena.ofShared();
            LinkedHashMap<String, Supplier<Tensor>> src = new LinkedHashMap<>();
            for (String raw : store.names()) {
                String canonical = TensorNaming.canonical(raw, cfg.architecture());
                if (cfg.architecture() == Architecture.GPT2 && canonical.matches("h\\.\\d+\\.attn\\.(masked_)?bias")) continue; // causal-mask buffers, not weights
                Supplier<Tensor> view = () -> store.tensor(raw).withName(canonical);
                if (TensorNaming.isGpt2Conv1dWeight(canonical)) src.put(canonical, () -> Transpose.of(view.get(), arena));
                else src.put(canonical, view);
            }
            Tokenizer tok = TokenizerLoader.fromHfDirectory(dir);
            return new Model(cfg, ModelFormat.SAFETENSORS, given, store.files(), src, tok, null, arena, List.of(store));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** A byte-level view check used by tests: are two tensors equal in dtype, shape and bytes? */
    public static boolean sameContents(Tensor a, Tensor b) {
        return a.dtype() == b.dtype() && java.util.Arrays.equals(a.shape(), b.shape())
                && (a.byteSize() == 0 || MemorySegment.mismatch(a.data(), 0, a.byteSize(), b.data(), 0, b.byteSize()) == -1);
    }
}
