package dev.whittle.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * e^x for float lanes, written with adds, multiplies and FMAs only, so it gives the same bits whether the JIT
 * has compiled it or not (the Vector API's own EXP does not: its intrinsic and its Java fallback round
 * differently) and the same bits as {@link #exp(float)}, its scalar twin for loop tails.
 * <p>Method: x = k·ln2 + r with k = round(x·log2 e) and |r| ≤ ln2/2 (Cody-Waite: ln2 in two parts, the first
 * with few enough bits that k·hi is exact), e^r by its Taylor series to degree 7 (the remainder,
 * 0.347^8/8! ≈ 5e-9, is below half an ulp of 1), then scaled by 2^k as two powers of two so that neither
 * overflows nor goes subnormal on its own. Within 2 ulp of {@code Math.exp} over the float range; below
 * ln(2^-150) it returns 0, above ln(Float.MAX_VALUE) +Inf, and NaN stays NaN.
 */
final class VectorExp {
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 = LN2_HI + LN2_LO; LN2_HI = 355/512 has 9 significant bits, so k·LN2_HI is exact for |k| < 2^15. */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5·2^23: v + ROUND − ROUND rounds v to the nearest integer (ties to even) for |v| < 2^22. */
    private static final float ROUND = 12582912f;
    /** Above this e^x exceeds Float.MAX_VALUE. */
    private static final float MAX_X = 88.72283905f;
    /** Below this e^x rounds to 0 (ln 2^-150). */
    private static final float MIN_X = -103.97208f;

    private static final float C2 = 1f / 2, C3 = 1f / 6, C4 = 1f / 24, C5 = 1f / 120, C6 = 1f / 720, C7 = 1f / 5040;

    private VectorExp() {}

    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(MIN_X).min(MAX_X);
        FloatVector k = xc.mul(LOG2E).add(ROUND).sub(ROUND);
        FloatVector r = k.fma(FloatVector.broadcast(x.species(), -LN2_HI), xc);
        r = k.fma(FloatVector.broadcast(x.species(), -LN2_LO), r);
        FloatVector p = r.fma(C7, C6);
        p = p.fma(r, FloatVector.broadcast(x.species(), C5));
        p = p.fma(r, FloatVector.broadcast(x.species(), C4));
        p = p.fma(r, FloatVector.broadcast(x.species(), C3));
        p = p.fma(r, FloatVector.broadcast(x.species(), C2));
        p = p.fma(r, FloatVector.broadcast(x.species(), 1f));
        p = p.fma(r, FloatVector.broadcast(x.species(), 1f));
        IntVector ki = (IntVector) k.convert(VectorOperators.F2I, 0);
        IntVector ka = ki.lanewise(VectorOperators.ASHR, 1);
        IntVector kb = ki.sub(ka);
        FloatVector sa = ka.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector sb = kb.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector y = p.mul(sa).mul(sb);
        return y.blend(0f, x.lt(MIN_X)).blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, MAX_X));
    }

    /** The same operations on one float: the same bits as a lane of {@link #exp(FloatVector)}. */
    static float exp(float x) {
        float xc = Math.min(Math.max(x, MIN_X), MAX_X);
        float k = xc * LOG2E + ROUND - ROUND;
        float r = Math.fma(k, -LN2_HI, xc);
        r = Math.fma(k, -LN2_LO, r);
        float p = Math.fma(r, C7, C6);
        p = Math.fma(p, r, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        int ki = (int) k;
        int ka = ki >> 1, kb = ki - ka;
        float y = p * Float.intBitsToFloat((ka + 127) << 23) * Float.intBitsToFloat((kb + 127) << 23);
        if (x < MIN_X) return 0f;
        if (x > MAX_X) return Float.POSITIVE_INFINITY;
        return y;
    }
}
