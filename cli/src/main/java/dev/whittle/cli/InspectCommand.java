package dev.whittle.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.model.ModelLoader;
import dev.whittle.core.model.ModelSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code whittle inspect MODEL [--json]}: what a model is, tensor by tensor. */
@Command(name = "inspect", description = "Show a model's architecture, parameters, tensors, dtypes and tokenizer.")
public final class InspectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "A .gguf file, a .safetensors file or a HuggingFace model directory.")
    Path model;

    @Option(names = "--json", description = "Print the stable JSON form (schema: docs/inspect-json.md).")
    boolean json;

    @Option(names = "--tensors", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "List every tensor (default: ${DEFAULT-VALUE}).")
    boolean listTensors;

    @Override
    public Integer call() throws Exception {
        try (Model m = ModelLoader.open(model)) {
            ModelSummary s = ModelSummary.of(m);
            if (json) {
                ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                System.out.println(om.writeValueAsString(s));
            } else {
                print(s, System.out);
            }
        }
        return 0;
    }

    void print(ModelSummary s, PrintStream out) {
        ModelConfig c = s.config();
        out.printf("model         %s (%s)%n", s.path(), s.format());
        out.printf("architecture  %s%n", s.architecture());
        out.printf("parameters    %,d (%s)%n", s.parameterCount(), Units.count(s.parameterCount()));
        out.printf("weights       %s, %.2f bits per weight%n", Units.bytes(s.weightBytes()), s.bitsPerWeight());
        out.printf("layers %d, hidden %d, heads %d (kv %d, head_dim %d), ffn %d, vocab %d, context %d%n",
                c.numLayers(), c.hiddenSize(), c.numHeads(), c.numKvHeads(), c.headDim(), c.intermediateSize(), c.vocabSize(), c.contextLength());
        out.printf("norm eps %.3g, rope theta %.0f%s, tied embeddings %s%s%n", c.normEps(), c.ropeTheta(),
                c.ropeScaling().isNone() ? "" : ", rope scaling " + c.ropeScaling().type() + " x" + c.ropeScaling().factor(),
                c.tieWordEmbeddings() ? "yes" : "no", c.attentionBias() ? ", qkv bias" : "");
        if (s.tokenizer() != null)
            out.printf("tokenizer     %s, %d tokens (bos %d, eos %d)%n", s.tokenizer().kind(), s.tokenizer().vocabSize(), s.tokenizer().bosId(), s.tokenizer().eosId());
        else
            out.println("tokenizer     none found");
        out.println();
        out.println("dtype     tensors      parameters        bytes   bits/weight");
        for (var d : s.byDtype())
            out.printf(Locale.ROOT, "%-8s %8d %15d %12s %13.3f%n", d.dtype(), d.tensors(), d.parameters(), Units.bytes(d.bytes()), d.bitsPerWeight());
        if (listTensors) {
            out.println();
            int w = s.tensors().stream().mapToInt(t -> t.name().length()).max().orElse(10);
            for (var t : s.tensors())
                out.printf("%-" + w + "s  %-16s %-6s %12s%n", t.name(), java.util.Arrays.toString(t.shape()), t.dtype(), Units.bytes(t.bytes()));
        }
        if (!s.metadata().isEmpty()) {
            out.println();
            s.metadata().forEach((k, v) -> out.printf("%s = %s%n", k, v));
        }
    }
}
