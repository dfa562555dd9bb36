package dev.whittle.quantize;

import dev.whittle.core.model.Model;
import dev.whittle.core.model.ModelConfig;
import dev.whittle.core.intq.IntScheme;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Dequantizer;
import dev.whittle.core.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Quantizes one Llama-family decoder layer with GPTQ or AWQ from the layer's calibration inputs, and returns the
 * layer's tensors (bytes and decoded values) and the inputs of the next layer, computed through the quantized
 * layer.
 * <p>GPTQ runs true-sequentially: q/k/v from the normed block input, then o from the attention output of the
 * quantized q/k/v, then gate/up, then down from the quantized gate/up's activations.
 * <p>AWQ (Lin et al. 2024, mit-han-lab/llm-awq {@code auto_scale.py}, {@code auto_clip.py}) works on the full
 * precision layer: for each group (q/k/v after input_layernorm; o after v when v and o are square-compatible, i.e.
 * no GQA; gate/up after post_attention_layernorm; down after up) it tries 20 values of α, scales
 * s = mean|x|^α normalised by √(max s · min s), quantizes W·diag(s) to the target type, and keeps the α whose group
 * output (attention block, o, MLP, down) is closest in MSE to full precision. The scale is folded into the preceding
 * norm or linear. Then every linear but q/k gets a clip search: per row and block, the largest magnitude shrunk by
 * 0..45 % in 5 % steps, keeping the one with the smallest output error δᵀHδ. Finally RTN (or GPTQ) into the type.
 */
final class LayerQuantizer {
    /** A written tensor: GGUF bytes in {@code type}, or for integer targets {@code ints} (data null); values decoded. */
    record Encoded(DType type, byte[] data, float[] values, Gptq.IntResult ints) {
        Encoded(DType type, byte[] data, float[] values) {
            this(type, data, values, null);
        }
    }

    /** A quantized layer's tensors and error reports; the activations passed in now hold the next layer's input. */
    record Output(Map<String, Encoded> tensors, List<TensorReport> reports) {}

    /** Tokens per chunk of the calibration set that GPTQ's passes hold on the heap at once (whole sequences). */
    private static final int CHUNK_TOKENS = 2048;

    static final String[] LINEARS = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
            "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"};

    private final ModelConfig c;
    private final LayerMath math;
    private final QuantizeOptions options;
    private final Function<String, DType> typeOf;
    private final Function<String, String> ggufName;
    private final List<String> notes;

    LayerQuantizer(ModelConfig c, LayerMath math, QuantizeOptions options, Function<String, DType> typeOf,
                   Function<String, String> ggufName, List<String> notes) {
        this.c = c;
        this.math = math;
        this.options = options;
        this.typeOf = typeOf;
        this.ggufName = ggufName;
        this.notes = notes;
    }

    /** The layer's weights as floats, keyed by suffix ("self_attn.q_proj", "input_layernorm", ...). */
    private static final class Weights {
        final Map<String, float[]> w = new LinkedHashMap<>();
        final Map<String, float[]> bias = new LinkedHashMap<>();
    }

    /**
     * Quantizes decoder layer {@code layer} from its calibration inputs {@code x} (whole sequences of
     * {@code seqLen} tokens), and replaces {@code x} with the next layer's inputs computed through the quantized
     * layer.
     */
    Output run(int layer, Model model, Activations x, int seqLen) {
        factoredHessian = null;
        factored = null;
        FloatMatmul.forget();
        String p = "model.layers." + layer + ".";
        Weights w = new Weights();
        for (String s : new String[] {"input_layernorm", "post_attention_layernorm"}) w.w.put(s, floats(model.tensor(p + s + ".weight")));
        for (String s : LINEARS) {
            w.w.put(s, floats(model.tensor(p + s + ".weight")));
            model.findTensor(p + s + ".bias").ifPresent(b -> w.bias.put(s, floats(b)));
        }
        Map<String, Encoded> out = new LinkedHashMap<>();
        List<TensorReport> reports = new ArrayList<>();
        if (options.method() == QuantMethod.GPTQ) gptqLayer(p, w, x, seqLen, out, reports);
        else awqLayer(p, w, x, seqLen, out, reports);
        for (String s : new String[] {"input_layernorm", "post_attention_layernorm"}) {
            float[] v = w.w.get(s);
            out.put(p + s + ".weight", new Encoded(DType.F32, encode(v, 1, v.length, DType.F32), v));
            reports.add(new TensorReport(ggufName.apply(p + s + ".weight"), DType.F32, options.method() == QuantMethod.AWQ ? "f32 (awq scales folded)" : "f32", Double.NaN));
        }
        for (var b : w.bias.entrySet()) {
            float[] v = b.getValue();
            out.put(p + b.getKey() + ".bias", new Encoded(DType.F32, encode(v, 1, v.length, DType.F32), v));
        }
        if (options.method() == QuantMethod.AWQ) {
            // GPTQ carried x through the quantized layer as it went; AWQ does it now, from the layer input
            forEachChunk(x, seqLen, (from, m, xc) -> x.write(from, m, forward(w, out, p, xc, m)));
        }
        return new Output(out, reports);
    }

    /** Work on one chunk of calibration rows: {@code rows} holds rows {@code from .. from+count} of the activations. */
    private interface ChunkWork {
        void run(int from, int count, float[] rows);
    }

    /** Runs {@code work} over {@code x} in chunks of whole sequences, in order. */
    private static void forEachChunk(Activations x, int seqLen, ChunkWork work) {
        int step = Math.max(1, CHUNK_TOKENS / seqLen) * seqLen;
        for (int from = 0; from < x.rows(); from += step) {
            int count = Math.min(step, x.rows() - from);
            work.run(from, count, x.read(from, count));
        }
    }

    /**
     * GPTQ, true-sequentially, streaming the calibration set in chunks so that only Hessians and one chunk's
     * activations are on the heap: each pass accumulates the Hessian of the next linear group from the already
     * quantized ones. {@code x} is updated in place to the residual after attention, then to the layer output;
     * the attention outputs are kept in a second temporary store so o's pass need not recompute attention. The
     * MLP activations (5632 wide) are recomputed for the final pass rather than stored.
     */
    private void gptqLayer(String p, Weights w, Activations x, int seqLen, Map<String, Encoded> out, List<TensorReport> reports) {
        int h = c.hiddenSize();
        int qd = c.qDim();
        int ff = c.intermediateSize();
        double eps = c.normEps();
        float[] ln1 = w.w.get("input_layernorm");
        float[] ln2 = w.w.get("post_attention_layernorm");
        Hessian inQkv = new Hessian(h);
        forEachChunk(x, seqLen, (from, n, xc) -> inQkv.add(LayerMath.rmsNorm(xc, n, ln1, eps), n));
        double[] h1 = inQkv.toMatrix();
        for (String s : new String[] {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj"}) quantizeLinear(p, s, w, h1, out, reports, "gptq");
        Hessian inMlp = new Hessian(h);
        try (Activations att = Activations.create(x.rows(), qd)) {
            Hessian inO = new Hessian(qd);
            forEachChunk(x, seqLen, (from, n, xc) -> {
                float[] a = attentionInput(w, out, p, LayerMath.rmsNorm(xc, n, ln1, eps), n);
                inO.add(a, n);
                att.write(from, n, a);
            });
            quantizeLinear(p, "self_attn.o_proj", w, inO.toMatrix(), out, reports, "gptq");
            float[] wo = out.get(p + "self_attn.o_proj.weight").values();
            forEachChunk(x, seqLen, (from, n, xc) -> {
                LayerMath.addInto(xc, LayerMath.linear(att.read(from, n), n, wo, h, qd, w.bias.get("self_attn.o_proj")));
                x.write(from, n, xc);
                inMlp.add(LayerMath.rmsNorm(xc, n, ln2, eps), n);
            });
        }
        double[] h2 = inMlp.toMatrix();
        quantizeLinear(p, "mlp.gate_proj", w, h2, out, reports, "gptq");
        quantizeLinear(p, "mlp.up_proj", w, h2, out, reports, "gptq");
        Hessian inDown = new Hessian(ff);
        forEachChunk(x, seqLen, (from, n, hc) -> inDown.add(activation(out, p, LayerMath.rmsNorm(hc, n, ln2, eps), n), n));
        quantizeLinear(p, "mlp.down_proj", w, inDown.toMatrix(), out, reports, "gptq");
        float[] wd = out.get(p + "mlp.down_proj.weight").values();
        forEachChunk(x, seqLen, (from, n, hc) -> {
            float[] act = activation(out, p, LayerMath.rmsNorm(hc, n, ln2, eps), n);
            LayerMath.addInto(hc, LayerMath.linear(act, n, wd, h, ff, w.bias.get("mlp.down_proj")));
            x.write(from, n, hc);
        });
    }

    /**
     * AWQ, streaming like GPTQ: each group's input and the tensors later groups need live in mapped stores
     * ({@link Activations}) and are visited in chunks of whole sequences; a store is closed as soon as nothing
     * later reads it. {@code x} keeps the layer input for the final pass through the quantized layer.
     */
    private void awqLayer(String p, Weights w, Activations x, int seqLen, Map<String, Encoded> out, List<TensorReport> reports) {
        int n = x.rows();
        int h = c.hiddenSize();
        int qd = c.qDim();
        int kvd = c.kvDim();
        int ff = c.intermediateSize();
        double eps = c.normEps();
        String[] qkv = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj"};
        String[] gu = {"mlp.gate_proj", "mlp.up_proj"};
        double[] h1, ho, h2, hd;
        List<Activations> open = new ArrayList<>();
        try {
            // q/k/v after input_layernorm; the group output is the attention block (o at full precision)
            float[] ln1 = w.w.get("input_layernorm").clone();
            Activations xn1 = store(open, n, h);
            forEachChunk(x, seqLen, (from, m, xc) -> xn1.write(from, m, LayerMath.rmsNorm(xc, m, ln1, eps)));
            float[] s1 = searchScale(p, w, qkv, xn1, seqLen,
                    (ws, xc, m) -> attentionBlock(w, xc, m, ws[0], ws[1], ws[2], w.w.get("self_attn.o_proj")));
            foldScale(w, "input_layernorm", qkv, s1);
            Activations att = store(open, n, qd);
            h1 = scaledInputPass(xn1, seqLen, s1, att, (xs, m) -> attention(w, xs, m, w.w.get(qkv[0]), w.w.get(qkv[1]), w.w.get(qkv[2])));
            release(open, xn1);
            // o after v: only when v's output channels are o's input channels one to one (no GQA)
            if (kvd == qd && w.bias.get("self_attn.v_proj") == null) {
                float[] so = searchScale(p, w, new String[] {"self_attn.o_proj"}, att, seqLen,
                        (ws, ac, m) -> LayerMath.linear(ac, m, ws[0], h, qd, null));
                scaleRowsDown(w.w.get("self_attn.v_proj"), so, h);
                scaleColumns(w.w.get("self_attn.o_proj"), so);
                forEachChunk(att, seqLen, (from, m, ac) -> att.write(from, m, divideColumns(ac, m, so)));
            }
            // gate/up after post_attention_layernorm, from the residual after attention
            float[] ln2 = w.w.get("post_attention_layernorm").clone();
            Activations xn2 = store(open, n, h);
            Hessian inO = new Hessian(qd);
            forEachChunk(att, seqLen, (from, m, ac) -> {
                inO.add(ac, m);
                float[] hc = x.read(from, m);
                LayerMath.addInto(hc, LayerMath.linear(ac, m, w.w.get("self_attn.o_proj"), h, qd, w.bias.get("self_attn.o_proj")));
                xn2.write(from, m, LayerMath.rmsNorm(hc, m, ln2, eps));
            });
            ho = inO.toMatrix();
            release(open, att);
            float[] s2 = searchScale(p, w, gu, xn2, seqLen, (ws, xc, m) -> mlp(xc, m, ws[0], ws[1], w.w.get("mlp.down_proj")));
            foldScale(w, "post_attention_layernorm", gu, s2);
            Activations act = store(open, n, ff);
            h2 = scaledInputPass(xn2, seqLen, s2, act, (xs, m) -> gated(xs, m, w.w.get(gu[0]), w.w.get(gu[1])));
            release(open, xn2);
            // down after up
            float[] s3 = searchScale(p, w, new String[] {"mlp.down_proj"}, act, seqLen,
                    (ws, ac, m) -> LayerMath.linear(ac, m, ws[0], h, ff, null));
            scaleRowsDown(w.w.get("mlp.up_proj"), s3, h);
            scaleColumns(w.w.get("mlp.down_proj"), s3);
            hd = scaledInputPass(act, seqLen, s3, null, null);
        } finally {
            for (Activations a : open) a.close();
        }
        // the Hessians of the scaled inputs serve the clip search, GPTQ and the error report
        String how = options.awqGptq() ? "awq+gptq" : "awq+rtn";
        for (String s : qkv) {
            if (!s.equals("self_attn.v_proj")) quantizeLinear(p, s, w, h1, out, reports, how);
        }
        quantizeLinear(p, "self_attn.v_proj", clip(p, "self_attn.v_proj", w, h1), w, h1, out, reports, how);
        quantizeLinear(p, "self_attn.o_proj", clip(p, "self_attn.o_proj", w, ho), w, ho, out, reports, how);
        for (String s : gu) quantizeLinear(p, s, clip(p, s, w, h2), w, h2, out, reports, how);
        quantizeLinear(p, "mlp.down_proj", clip(p, "mlp.down_proj", w, hd), w, hd, out, reports, how);
    }

    /** AWQ's scales moved into the weights: divided out of the preceding norm, multiplied into the group's columns. */
    private static void foldScale(Weights w, String norm, String[] group, float[] s) {
        foldIntoNorm(w.w.get(norm), s);
        for (String name : group) scaleColumns(w.w.get(name), s);
    }

    /** A group's output for one chunk of its (scaled) input rows. */
    private interface ChunkOutput {
        float[] apply(float[] in, int rows);
    }

    /**
     * One pass over a group's input with AWQ's scale divided out, chunk by chunk: returns the Hessian of the
     * scaled input and, when {@code into} is given, stores {@code group} of each scaled chunk there.
     */
    private static double[] scaledInputPass(Activations in, int seqLen, float[] s, Activations into, ChunkOutput group) {
        Hessian hessian = new Hessian(in.width());
        forEachChunk(in, seqLen, (from, m, xc) -> {
            float[] xs = divideColumns(xc, m, s);
            hessian.add(xs, m);
            if (into != null) into.write(from, m, group.apply(xs, m));
        });
        return hessian.toMatrix();
    }

    private static Activations store(List<Activations> open, int rows, int width) {
        Activations a = Activations.create(rows, width);
        open.add(a);
        return a;
    }

    private static void release(List<Activations> open, Activations a) {
        a.close();
        open.remove(a);
    }

    /** A group's output for {@code n} input rows, given the group's (possibly round-tripped) weights. */
    private interface GroupModule {
        float[] apply(float[][] weights, float[] in, int n);
    }

    /**
     * AWQ's grid search: returns the per-input-channel scale minimising the MSE of {@code module} (given the
     * group's weights after quantize(W·s)/s) against its full-precision output, summed over the calibration set
     * chunk by chunk (the full-precision outputs are kept in a mapped store). All ones if no weight in the group
     * is block-quantized.
     */
    private float[] searchScale(String p, Weights w, String[] names, Activations x, int seqLen, GroupModule module) {
        int in = x.width();
        float[] ones = new float[in];
        java.util.Arrays.fill(ones, 1f);
        boolean any = false;
        for (String s : names) any |= quantized(p + s + ".weight");
        if (!any) return ones;
        double[] xMean = new double[in];
        forEachChunk(x, seqLen, (from, m, xc) -> {
            for (int t = 0; t < m; t++) for (int i = 0; i < in; i++) xMean[i] += Math.abs(xc[t * in + i]);
        });
        for (int i = 0; i < in; i++) xMean[i] /= x.rows();
        double[] wMean = options.awqDuo() ? weightMean(w, names, in) : null;
        float[][] fp = new float[names.length][];
        for (int k = 0; k < names.length; k++) fp[k] = w.w.get(names[k]);
        double best = Double.POSITIVE_INFINITY;
        float[] bestScale = ones;
        try (Activations org = Activations.create(x.rows(), c.hiddenSize())) {
            forEachChunk(x, seqLen, (from, m, xc) -> org.write(from, m, module.apply(fp, xc, m)));
            int grid = 20;
            for (int g = 0; g < grid; g++) {
                double ratio = (double) g / grid;
                float[] s = new float[in];
                double max = 0;
                double min = Double.POSITIVE_INFINITY;
                double[] sd = new double[in];
                for (int i = 0; i < in; i++) {
                    double v = wMean == null ? Math.pow(xMean[i], ratio) : Math.pow(xMean[i], ratio) / (Math.pow(wMean[i], 1 - ratio) + 1e-4);
                    v = Math.max(v, 1e-4);
                    sd[i] = v;
                    max = Math.max(max, v);
                    min = Math.min(min, v);
                }
                double norm = Math.sqrt(max * min);
                for (int i = 0; i < in; i++) s[i] = (float) (sd[i] / norm);
                float[][] q = new float[names.length][];
                for (int k = 0; k < names.length; k++) {
                    float[] ws = fp[k].clone();
                    scaleColumns(ws, s);
                    int rows = ws.length / in;
                    float[] qs = roundTrip(ws, rows, in, p + names[k] + ".weight");
                    q[k] = divideColumns(qs, rows, s);
                }
                double[] sum = new double[2];
                forEachChunk(x, seqLen, (from, m, xc) -> {
                    float[] cur = module.apply(q, xc, m);
                    float[] ref = org.read(from, m);
                    for (int i = 0; i < cur.length; i++) {
                        double d = cur[i] - ref[i];
                        sum[0] += d * d;
                    }
                    sum[1] += cur.length;
                });
                double loss = sum[0] / sum[1];
                if (loss < best) {
                    best = loss;
                    bestScale = s;
                }
            }
        }
        return bestScale;
    }

    /** AutoAWQ's w_mean: |w| normalised by its block's max, averaged over all rows of the group. */
    private double[] weightMean(Weights w, String[] names, int in) {
        double[] m = new double[in];
        int rowsTotal = 0;
        for (String s : names) {
            float[] ws = w.w.get(s);
            int rows = ws.length / in;
            rowsTotal += rows;
            int g = options.intScheme() != null ? options.intScheme().groupLength(in) : BlockGrid.BLOCK;
            for (int r = 0; r < rows; r++) {
                for (int b = 0; b + g <= in; b += g) {
                    float mx = 0;
                    for (int i = 0; i < g; i++) mx = Math.max(mx, Math.abs(ws[r * in + b + i]));
                    for (int i = 0; i < g; i++) m[b + i] += mx == 0 ? 0 : Math.abs(ws[r * in + b + i]) / (mx + 1e-6);
                }
            }
        }
        for (int i = 0; i < in; i++) m[i] /= rowsTotal;
        return m;
    }

    /**
     * AWQ's clip search, per row and block of the tensor's type, error measured with the input Hessian; returns the
     * clipped copy of the weights.
     */
    private float[] clip(String p, String s, Weights w, double[] hm) {
        String name = p + s + ".weight";
        float[] ws = w.w.get(s).clone();
        if (!quantized(name)) return ws;
        int cols = (int) Math.sqrt(hm.length);
        int rows = ws.length / cols;
        IntScheme ints = options.intScheme();
        DType type = typeOf.apply(name);
        int bsz = ints != null ? ints.groupLength(cols) : type.blockSize();
        IntScheme blockScheme = ints == null ? null : new IntScheme(ints.bits(), 0, ints.symmetric(), ints.scaleType());
        IntStream.range(0, rows).parallel().forEach(r -> {
            for (int b = 0; b < cols; b += bsz) {
                int len = Math.min(bsz, cols - b); // integer grids may end in a shorter group
                float[] cur = new float[len];
                float[] q = new float[len];
                int off = r * cols + b;
                float orgMax = 0;
                for (int i = 0; i < len; i++) orgMax = Math.max(orgMax, Math.abs(ws[off + i]));
                if (orgMax == 0) continue;
                double minErr = Double.POSITIVE_INFINITY;
                float bestMax = orgMax;
                for (int k = 0; k < 10; k++) {
                    float mv = orgMax * (1 - k / 20f);
                    for (int i = 0; i < len; i++) cur[i] = Math.max(-mv, Math.min(mv, ws[off + i]));
                    if (blockScheme != null) System.arraycopy(IntRounding.roundTrip(cur, 1, len, blockScheme), 0, q, 0, len);
                    else WeightEncoding.roundTripRow(cur, 0, q, 0, len, type);
                    double e = 0;
                    for (int i = 0; i < len; i++) {
                        double di = q[i] - ws[off + i];
                        if (di == 0) continue;
                        double si = 0;
                        int hb = (b + i) * cols + b;
                        for (int j = 0; j < len; j++) si += hm[hb + j] * (q[j] - ws[off + j]);
                        e += di * si;
                    }
                    if (e < minErr) {
                        minErr = e;
                        bestMax = mv;
                    }
                }
                for (int i = 0; i < len; i++) ws[off + i] = Math.max(-bestMax, Math.min(bestMax, ws[off + i]));
            }
        });
        return ws;
    }

    /** The Hessian last factored for GPTQ and its factor: q/k/v share one input, as do gate/up. */
    private double[] factoredHessian;
    private Gptq.Prepared factored;

    private Gptq.Prepared prepared(double[] hm, int cols) {
        if (hm != factoredHessian) {
            factored = null; // release the previous factor first: a 5632-wide one is 250 MB
            factored = Gptq.prepare(hm, cols, options.gptq());
            factoredHessian = hm;
        }
        return factored;
    }

    private void quantizeLinear(String p, String s, Weights w, double[] hm, Map<String, Encoded> out, List<TensorReport> reports, String how) {
        quantizeLinear(p, s, w.w.get(s), w, hm, out, reports, how);
    }

    /** Quantizes {@code ws} (the layer's weight, possibly clipped); the error is reported against the unclipped weight. */
    private void quantizeLinear(String p, String s, float[] ws, Weights w, double[] hm, Map<String, Encoded> out, List<TensorReport> reports, String how) {
        String name = p + s + ".weight";
        DType type = typeOf.apply(name);
        float[] ref = w.w.get(s);
        int cols = (int) Math.round(Math.sqrt(hm.length));
        int rows = ws.length / cols;
        boolean useGptq = how.endsWith("gptq");
        Encoded e;
        IntScheme ints = options.intScheme();
        if (ints != null) {
            Gptq.IntResult r = useGptq ? Gptq.quantize(ws, rows, cols, prepared(hm, cols), ints, options.gptq()) : IntRounding.rtn(ws, rows, cols, ints);
            e = new Encoded(DType.I32, null, r.dequantized(), r);
            type = DType.I32;
            how = how + " " + ints.label();
            if (r.dampTries() > 1) notes.add(name + ": Hessian needed damping " + r.damp() + " (" + r.dampTries() + " tries)");
        } else if (useGptq && Gptq.supports(type)) {
            Gptq.Result r = Gptq.quantize(ws, rows, cols, prepared(hm, cols), type, options.gptq());
            e = new Encoded(type, r.data(), r.dequantized());
            if (r.dampTries() > 1) notes.add(ggufName.apply(name) + ": Hessian needed damping " + r.damp() + " (" + r.dampTries() + " tries)");
        } else {
            if (useGptq && WeightEncoding.isQuantized(type)) {
                notes.add(ggufName.apply(name) + ": GPTQ has no grid for " + type + " (Q2_K/Q3_K), rounded to nearest");
            }
            if (useGptq || !WeightEncoding.isQuantized(type)) how = how.replace("gptq", "rtn");
            if (!WeightEncoding.isQuantized(type)) how = type.name().toLowerCase(java.util.Locale.ROOT) + " (fallback)";
            byte[] data = encode(ws, rows, cols, type);
            e = new Encoded(type, data, WeightEncoding.decode(MemorySegment.ofArray(data), rows, cols, type));
        }
        out.put(name, e);
        reports.add(new TensorReport(ggufName.apply(name), type, how, Hessian.relativeError(hm, cols, ref, e.values(), rows)));
    }

    // ---- forward pieces ----

    private float[] attentionInput(Weights w, Map<String, Encoded> q, String p, float[] xn, int n) {
        return attention(w, xn, n, q.get(p + "self_attn.q_proj.weight").values(), q.get(p + "self_attn.k_proj.weight").values(),
                q.get(p + "self_attn.v_proj.weight").values());
    }

    private float[] activation(Map<String, Encoded> q, String p, float[] xn, int n) {
        return gated(xn, n, q.get(p + "mlp.gate_proj.weight").values(), q.get(p + "mlp.up_proj.weight").values());
    }

    /** The MLP's activation (before down) of normed inputs {@code xn}: silu(xn·gateᵀ) ⊙ (xn·upᵀ). */
    private float[] gated(float[] xn, int n, float[] wg, float[] wu) {
        int h = c.hiddenSize();
        int ff = c.intermediateSize();
        return LayerMath.siluMul(LayerMath.linear(xn, n, wg, ff, h, null), LayerMath.linear(xn, n, wu, ff, h, null));
    }

    /** The attention output (before o) of normed inputs {@code xn} through q/k/v weights {@code wq, wk, wv}. */
    private float[] attention(Weights w, float[] xn, int n, float[] wq, float[] wk, float[] wv) {
        int h = c.hiddenSize();
        return math.attention(LayerMath.linear(xn, n, wq, c.qDim(), h, w.bias.get("self_attn.q_proj")),
                LayerMath.linear(xn, n, wk, c.kvDim(), h, w.bias.get("self_attn.k_proj")),
                LayerMath.linear(xn, n, wv, c.kvDim(), h, w.bias.get("self_attn.v_proj")), n);
    }

    private float[] attentionBlock(Weights w, float[] xn, int n, float[] wq, float[] wk, float[] wv, float[] wo) {
        return LayerMath.linear(attention(w, xn, n, wq, wk, wv), n, wo, c.hiddenSize(), c.qDim(), null);
    }

    private float[] mlp(float[] xn, int n, float[] wg, float[] wu, float[] wd) {
        return LayerMath.linear(gated(xn, n, wg, wu), n, wd, c.hiddenSize(), c.intermediateSize(), null);
    }

    /** The next layer's input: the block input through the layer as written (decoded weights, folded norms). */
    private float[] forward(Weights w, Map<String, Encoded> q, String p, float[] x, int n) {
        int h = c.hiddenSize();
        float[] xn1 = LayerMath.rmsNorm(x, n, q.get(p + "input_layernorm.weight").values(), c.normEps());
        float[] a = attentionInput(w, q, p, xn1, n);
        float[] hid = x.clone();
        LayerMath.addInto(hid, LayerMath.linear(a, n, q.get(p + "self_attn.o_proj.weight").values(), h, c.qDim(), w.bias.get("self_attn.o_proj")));
        float[] xn2 = LayerMath.rmsNorm(hid, n, q.get(p + "post_attention_layernorm.weight").values(), c.normEps());
        float[] act = activation(q, p, xn2, n);
        LayerMath.addInto(hid, LayerMath.linear(act, n, q.get(p + "mlp.down_proj.weight").values(), h, c.intermediateSize(), null));
        return hid;
    }

    // ---- helpers ----

    /** Whether the weight is rounded onto a grid (an integer target or a GGUF block type). */
    private boolean quantized(String name) {
        return options.intScheme() != null || WeightEncoding.isQuantized(typeOf.apply(name));
    }

    private float[] roundTrip(float[] ws, int rows, int cols, String name) {
        return options.intScheme() != null ? IntRounding.roundTrip(ws, rows, cols, options.intScheme())
                : WeightEncoding.roundTrip(ws, rows, cols, typeOf.apply(name));
    }

    /** The tensor as floats; its mapped source pages are released, since each layer is read once. */
    static float[] floats(Tensor t) {
        float[] v = Dequantizer.toFloatArray(t);
        t.releasePages();
        return v;
    }

    static byte[] encode(float[] w, int rows, int cols, DType type) {
        try (Arena a = Arena.ofConfined()) {
            return WeightEncoding.encode(w, rows, cols, type, a).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        }
    }

    /** W[:, i] *= s[i]. */
    static void scaleColumns(float[] w, float[] s) {
        int in = s.length;
        for (int i = 0; i < w.length; i++) w[i] *= s[i % in];
    }

    /** x[:, i] / s[i] as a new array. */
    static float[] divideColumns(float[] x, int n, float[] s) {
        int in = s.length;
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] / s[i % in];
        return out;
    }

    /** The previous op's last s.length output rows divided by s (scale_fc_fc: rows are output channels). */
    static void scaleRowsDown(float[] prev, float[] s, int cols) {
        int rows = prev.length / cols;
        int first = rows - s.length;
        for (int r = 0; r < s.length; r++) for (int i = 0; i < cols; i++) prev[(first + r) * cols + i] /= s[r];
    }

    static void foldIntoNorm(float[] norm, float[] s) {
        for (int i = 0; i < norm.length; i++) norm[i] /= s[i];
    }
}
