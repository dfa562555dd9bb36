package dev.whittle.cli.recipe;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RecipeParserTest {
    @TempDir Path dir;
    private String head;

    @BeforeEach
    void setUp() {
        head = "base: " + Fixtures.stories() + "\neval: {dataset: tinystories-valid, ctx: 64, chunks: 2}\n";
    }

    private Recipe parse(String yaml) throws Exception {
        Path f = dir.resolve("recipe.yaml");
        Files.writeString(f, yaml);
        return RecipeParser.parse(f);
    }

    /** The message with the temp directory taken out, as a user running from that directory sees it. */
    private String error(String yaml) {
        RecipeException e = assertThrows(RecipeException.class, () -> parse(yaml));
        return e.getMessage().replace(dir + "/", "");
    }

    private static final String TYPES = "q4_0, q4_1, q5_0, q5_1, q8_0, q4_k_s, q4_k_m, q5_k_s, q5_k_m, q6_k";

    @Test
    void goldenMessagesNameTheKeyAndTheProblem() {
        String v = "variants:\n  - name: a\n  - name: b\n    steps: [{step: convert, type: f16}]\n  - name: c\n    steps:\n";
        assertEquals("recipe.yaml: variants[2].steps[0].type: unknown type q9_9 (known: " + TYPES + ")",
                error(head + v + "      - {step: quantize, method: rtn, type: q9_9}\n"));
        assertEquals("recipe.yaml: variants[2].steps[0].step: unknown step shrink (known: convert, quantize)",
                error(head + v + "      - {step: shrink}\n"));
        assertEquals("recipe.yaml: variants[2].steps[0].step: prune is not available yet (known: convert, quantize)",
                error(head + v + "      - {step: prune}\n"));
        assertEquals("recipe.yaml: variants[2].steps[0].method: unknown method hqq (known: rtn, gptq, awq)",
                error(head + v + "      - {step: quantize, method: hqq, type: q4_0}\n"));
        assertEquals("recipe.yaml: variants[2].steps[0].act_order: act_order applies to gptq only, not awq",
                error(head + "calibration: {dataset: c4-sample}\n" + v + "      - {step: quantize, method: awq, type: q4_0, act_order: true}\n"));
        assertEquals("recipe.yaml: variants[2].steps[0].group_size: q4_0 quantizes in groups of 32, not 128",
                error(head + v + "      - {step: quantize, method: rtn, type: q4_0, group_size: 128}\n"));
        assertEquals("recipe.yaml: variants[2].steps[0].group_size: q4_k_m quantizes in groups of 32 (sub-blocks of 256), not 64",
                error(head + v + "      - {step: quantize, method: rtn, type: q4_k_m, group_size: 64}\n"));
        assertEquals("recipe.yaml: variants[2].steps[0].method: gptq needs calibration data: add a `calibration` section",
                error(head + v + "      - {step: quantize, method: gptq, type: q4_0}\n"));
        assertEquals("recipe.yaml: variants[2].steps[0].type: unknown type f8 (known: f32, f16, bf16)",
                error(head + v + "      - {step: convert, type: f8}\n"));
        assertEquals("recipe.yaml: variants[2].steps[0].dtype: unknown key (known: step, type)",
                error(head + v + "      - {step: convert, type: f16, dtype: f16}\n"));
        assertEquals("recipe.yaml: variants[2].steps[0].step: missing", error(head + v + "      - {type: f16}\n"));
    }

    @Test
    void goldenMessagesForTheRestOfTheRecipe() {
        String one = "variants: [{name: a}]\n";
        assertEquals("recipe.yaml: evals: unknown key (known: base, data_dir, calibration, eval, measure, latency, seed, threads, variants, sweep)",
                error(head + "evals: {}\n" + one));
        assertEquals("recipe.yaml: eval.ctx: expected an integer, got 'big'",
                error("base: " + Fixtures.stories() + "\neval: {dataset: tinystories-valid, ctx: big}\n" + one));
        assertEquals("recipe.yaml: eval.dataset: missing", error("base: " + Fixtures.stories() + "\neval: {ctx: 64}\n" + one));
        assertEquals("recipe.yaml: eval.dataset: unknown dataset wiki (known: wikitext2-test, wikitext2-valid, tinystories-valid, tinyshakespeare, c4-sample)",
                error("base: " + Fixtures.stories() + "\neval: {dataset: wiki}\n" + one));
        assertEquals("recipe.yaml: eval.protocol: unknown protocol hf (known: llama.cpp, papers)",
                error("base: " + Fixtures.stories() + "\neval: {dataset: tinystories-valid, protocol: hf}\n" + one));
        assertEquals("recipe.yaml: base: no such model: nope.gguf", error("base: nope.gguf\neval: {dataset: tinystories-valid}\n" + one));
        assertEquals("recipe.yaml: base: missing", error("eval: {dataset: tinystories-valid}\n" + one));
        assertEquals("recipe.yaml: measure[1]: unknown measurement speed (known: ppl, kld, latency, memory)",
                error(head + "measure: [ppl, speed]\n" + one));
        assertEquals("recipe.yaml: variants: duplicate variant name 'a'", error(head + "variants: [{name: a}, {name: a}]\n"));
        assertEquals("recipe.yaml: variants[0].name: 'a b' cannot name a directory (use letters, digits, '.', '_', '+', '-')",
                error(head + "variants: [{name: a b}]\n"));
        assertEquals("recipe.yaml: variants: no variants: give `variants` and/or `sweep`", error(head));
        assertEquals("recipe.yaml: latency.repetitions: must be at least 1, got 0", error(head + "latency: {repetitions: 0}\n" + one));
        assertEquals("recipe.yaml: not valid YAML (line 1): ", error("base: [unclosed\n").replaceFirst("\\(line 1\\): .*", "(line 1): "));
        assertEquals("recipe.yaml: a recipe is a mapping with keys base, data_dir, calibration, eval, measure, latency, seed, threads, variants, sweep",
                error("- just\n- a list\n"));
    }

    @Test
    void validRecipeWithRelativePathsAndDefaults() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Files.copy(Fixtures.stories(), models.resolve("m.gguf"));
        Recipe r = parse("""
                base: models/m.gguf
                data_dir: data
                calibration: {dataset: c4-sample, samples: 16, seq_len: 64}
                eval: {dataset: tinystories-valid, ctx: 64, chunks: 3, protocol: papers}
                measure: [ppl, kld, latency]
                latency: {prompt: 16, gen: 4}
                seed: 9
                variants:
                  - name: fp32
                  - name: f16
                    steps: [{step: convert, type: F16}]
                  - name: g
                    steps: [{step: convert, type: bf16}, {step: quantize, method: gptq, type: q4_k_m, act_order: true}]
                """);
        assertEquals(models.resolve("m.gguf"), r.base());
        assertEquals(dir.resolve("data"), r.dataDir());
        assertEquals(new EvalSpec("tinystories-valid", 64, 3, "papers", Set.of(Measure.PPL, Measure.KLD, Measure.LATENCY), 16, 4, 3, 9), r.eval());
        assertEquals(new Calibration("c4-sample", 16, 64, 9), r.calibration());
        assertEquals(List.of("fp32", "f16", "g"), r.variants().stream().map(VariantSpec::name).toList());
        assertEquals("base", r.variants().get(0).canonicalSteps());
        assertEquals("convert(type=f16)", r.variants().get(1).canonicalSteps());
        assertEquals("convert(type=bf16) -> quantize(method=gptq,type=q4_k_m,group_size=32,act_order=true,calibration=(dataset=c4-sample,samples=16,seq_len=64,seed=9))",
                r.variants().get(2).canonicalSteps());
    }

    @Test
    void sweepExpandsTheGridWithGeneratedNames() throws Exception {
        Recipe r = parse(head + """
                calibration: {dataset: c4-sample}
                variants: [{name: fp32}]
                sweep:
                  - method: [rtn, gptq, awq]
                    type: [q4_0, q8_0]
                    group_size: [32]
                  - method: gptq
                    type: q4_k_m
                    act_order: [false, true]
                  - name: "{type}-{method}"
                    method: rtn
                    type: [q5_0, q6_k]
                  - method: rtn
                    type: q6_k
                    group_size: 256
                """);
        assertEquals(List.of("fp32",
                        "rtn-q4_0-g32", "rtn-q8_0-g32", "gptq-q4_0-g32", "gptq-q8_0-g32", "awq-q4_0-g32", "awq-q8_0-g32",
                        "gptq-q4_k_m", "gptq-q4_k_m-act",
                        "q5_0-rtn", "q6_k-rtn", "rtn-q6_k-g16"),
                r.variants().stream().map(VariantSpec::name).toList());
        assertEquals(new Step.Quantize("rtn", "q6_k", 16, false, null), r.variants().get(10).steps().getFirst());
        assertEquals("quantize(method=gptq,type=q4_k_m,group_size=32,act_order=true,calibration=(dataset=c4-sample,samples=128,seq_len=512,seed=1))",
                r.variants().get(8).canonicalSteps());
        // act_order: true is skipped for methods other than gptq instead of failing the whole grid.
        Recipe mixed = parse(head + "calibration: {dataset: c4-sample}\nsweep: [{method: [rtn, gptq], type: q4_0, act_order: [false, true]}]\n");
        assertEquals(List.of("rtn-q4_0", "gptq-q4_0", "gptq-q4_0-act"), mixed.variants().stream().map(VariantSpec::name).toList());
        assertEquals("recipe.yaml: sweep[0].type[1]: unknown type q9 (known: " + TYPES + ")",
                error(head + "sweep: [{method: rtn, type: [q4_0, q9]}]\n"));
        assertEquals("recipe.yaml: variants: duplicate variant name 'rtn-q4_0'",
                error(head + "variants: [{name: rtn-q4_0}]\nsweep: [{method: rtn, type: q4_0}]\n"));
    }

    @Test
    void shippedExampleRecipesAreValid() {
        Path recipes = Path.of("..", "recipes").toAbsolutePath().normalize();
        Recipe quant = RecipeParser.parse(recipes.resolve("stories260k-quant.yaml"));
        assertEquals(List.of("fp32", "f16", "q8_0", "q4_k_m", "rtn-q4_0-g32", "gptq-q4_0-g32", "awq-q4_0-g32"),
                quant.variants().stream().map(VariantSpec::name).toList());
        assertEquals(Fixtures.stories(), quant.base());
        Recipe flt = RecipeParser.parse(recipes.resolve("stories260k-float.yaml"));
        assertEquals(4, flt.variants().size());
    }
}
